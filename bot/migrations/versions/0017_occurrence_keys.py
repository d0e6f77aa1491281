"""delivery ledger: a reminder occurrence's key names its due time before its member

The dispatcher claims one ledger key per occurrence of a member's reminder. The key was
`kind:guild:user:due_at`: each new key went beside that member's earlier ones, so a tick
claiming 10,000 keys touched a different index page for each (with 90 days of history, 5x the
time on SQLite). From here it is `kind:due_at:guild:user` (`reminders.occurrence_key`): one
tick's keys are neighbours.

Keys already sent are history and keep their text. An occurrence still in flight (claimed, or
retryable) is renamed, so the tick that serves it again finds its earlier attempt: that is
what tells the send to look for a message the interrupted attempt may have posted.

Revision ID: 0017_occurrence_keys
Revises: 0008
Create Date: 2026-12-07 05:40:00
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0017_occurrence_keys"
down_revision = "0008"
branch_labels = None
depends_on = None

#: The kinds the dispatcher claimed in batches when this revision was written (the daily
#: streak reminder, the weekly digest, due interview reviews); other keys keep their form.
DISPATCHED_KINDS = ("streak", "digest", "reviews")
IN_FLIGHT = ("claimed", "retry")
#: `instant_key` text: "2026-03-02 08:00:00.000000"
WHEN_LENGTH = 26

ledger = sa.table(
    "deliveries",
    sa.column("key", sa.String),
    sa.column("kind", sa.String),
    sa.column("status", sa.String),
)


def _member_first_to_time_first(key: str) -> str | None:
    """`kind:guild:user:when` -> `kind:when:guild:user`; None when `key` has another form."""
    kind, _, rest = key.partition(":")
    parts = rest.split(":", 2)
    if len(parts) != 3 or not (parts[0].isdigit() and parts[1].isdigit()):
        return None
    guild, user, when = parts
    if len(when) != WHEN_LENGTH:
        return None
    return f"{kind}:{when}:{guild}:{user}"


def _time_first_to_member_first(key: str) -> str | None:
    kind, _, rest = key.partition(":")
    when, separator = rest[:WHEN_LENGTH], rest[WHEN_LENGTH : WHEN_LENGTH + 1]
    member = rest[WHEN_LENGTH + 1 :]
    guild, _, user = member.partition(":")
    if separator != ":" or not (guild.isdigit() and user.isdigit()):
        return None
    return f"{kind}:{guild}:{user}:{when}"


def _rename(convert: Callable[[str], str | None]) -> None:
    """Rename the in-flight keys of the dispatched kinds (a handful: at most one tick's)."""
    connection = op.get_bind()
    in_flight = sa.select(ledger.c.key).where(
        ledger.c.kind.in_(DISPATCHED_KINDS), ledger.c.status.in_(IN_FLIGHT)
    )
    for (key,) in connection.execute(in_flight).all():
        renamed = convert(key)
        if renamed is not None:
            connection.execute(sa.update(ledger).where(ledger.c.key == key).values(key=renamed))


def upgrade() -> None:
    _rename(_member_first_to_time_first)


def downgrade() -> None:
    _rename(_time_first_to_member_first)
