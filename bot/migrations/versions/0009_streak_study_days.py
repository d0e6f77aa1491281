"""streaks count study days: the guild's threshold, and every cached streak recounted

A member's day used to count only when they pressed Done on the daily prompt. Now it also
counts with at least `study_minutes` (default 15) of logged study on their local day. The
stored streaks keep their shape (a cache of current, best, freezes and last day), so this
revision adds the guild setting and recomputes the cache from what is already stored: the
completions and the activity log. Members who logged study but never pressed Done get a
streak row; members whose streak was broken only by a day without Done get it back.

Past Done rows in the activity log keep the prompt's estimated minutes they were credited
with: they are the member's history (weekly goals, charts), and rewriting them silently would
make past weeks shrink. From now on Done alone credits no minutes.

Revision ID: 0009
Revises: 0002
Create Date: 2026-12-08 09:00:00
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from bot.core.store.types import UTCDateTime
from bot.daily.rules.streaks import StreakState, cached_streaks
from bot.daily.rules.study import DEFAULT_STUDY_MINUTES, STUDY_KINDS

revision = "0009"
down_revision = "0002"
branch_labels = None
depends_on = None

#: Members per batch (an IN list far below every database's bind-parameter limit): a big
#: server's history is read a batch at a time, never whole.
BATCH = 500

_completions = sa.table(
    "daily_completions",
    sa.column("guild_id", sa.BigInteger),
    sa.column("user_id", sa.BigInteger),
    sa.column("local_date", sa.String),
)
_activity = sa.table(
    "activity",
    sa.column("guild_id", sa.BigInteger),
    sa.column("user_id", sa.BigInteger),
    sa.column("local_date", sa.String),
    sa.column("kind", sa.String),
    sa.column("minutes", sa.Integer),
)
_streaks = sa.table(
    "streaks",
    sa.column("guild_id", sa.BigInteger),
    sa.column("user_id", sa.BigInteger),
    sa.column("current", sa.Integer),
    sa.column("best", sa.Integer),
    sa.column("freezes", sa.Integer),
    sa.column("last_day", sa.String),
    sa.column("updated_at", UTCDateTime),
)


def upgrade() -> None:
    op.create_table(
        "streak_settings",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("study_minutes", sa.Integer(), server_default="15", nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", name=op.f("pk_streak_settings")),
    )
    recount_streaks(op.get_bind(), DEFAULT_STUDY_MINUTES, datetime.now(UTC))


def downgrade() -> None:
    # The cache stays as recounted: the old rule's numbers are not kept anywhere, and a
    # longer streak is harmless to the code of the previous revision.
    op.drop_table("streak_settings")


def _members(conn: sa.Connection) -> dict[int, list[int]]:
    """guild -> members with a completion or an activity row."""
    found: dict[int, set[int]] = {}
    for table in (_completions, _activity):
        query = sa.select(table.c.guild_id, table.c.user_id).distinct()
        for guild_id, user_id in conn.execute(query):
            found.setdefault(int(guild_id), set()).add(int(user_id))
    return {guild_id: sorted(users) for guild_id, users in sorted(found.items())}


def recount_streaks(conn: sa.Connection, threshold: int, now: datetime) -> int:
    """Recompute every cached streak from completions and logged minutes (the rule of
    `bot.daily.rules.study`), a batch of members at a time. Returns how many members have a
    streak."""
    total = 0
    minutes_sum = sa.func.sum(_activity.c.minutes)
    for guild_id, user_ids in _members(conn).items():
        conn.execute(sa.delete(_streaks).where(_streaks.c.guild_id == guild_id))
        for start in range(0, len(user_ids), BATCH):
            batch = user_ids[start : start + BATCH]
            done: dict[int, set[date]] = {}
            for user_id, day in conn.execute(
                sa.select(_completions.c.user_id, _completions.c.local_date).where(
                    _completions.c.guild_id == guild_id, _completions.c.user_id.in_(batch)
                )
            ):
                done.setdefault(int(user_id), set()).add(date.fromisoformat(day))
            logged: dict[int, dict[date, int]] = {}
            for user_id, day, minutes in conn.execute(
                sa.select(_activity.c.user_id, _activity.c.local_date, minutes_sum)
                .where(
                    _activity.c.guild_id == guild_id,
                    _activity.c.user_id.in_(batch),
                    _activity.c.kind.in_(sorted(STUDY_KINDS)),
                )
                .group_by(_activity.c.user_id, _activity.c.local_date)
                .having(minutes_sum >= threshold)
            ):
                logged.setdefault(int(user_id), {})[date.fromisoformat(day)] = int(minutes)
            states = cached_streaks(done, logged, threshold)
            if states:
                conn.execute(
                    sa.insert(_streaks),
                    [_row(guild_id, user_id, state, now) for user_id, state in states.items()],
                )
            total += len(states)
    return total


def _row(guild_id: int, user_id: int, state: StreakState, now: datetime) -> dict[str, Any]:
    return {
        "guild_id": guild_id,
        "user_id": user_id,
        "current": state.current,
        "best": state.best,
        "freezes": state.freezes,
        "last_day": state.last_day.isoformat() if state.last_day else None,
        "updated_at": now,
    }
