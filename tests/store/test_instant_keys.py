"""Ledger keys name instants in one explicit format, whatever the backend prints.

The batched reminder claim builds its keys in SQL (`instant_key_sql`); handlers and other
keys build them in Python (`instant_key`). Both must give the same text for the same instant
on SQLite and on PostgreSQL — `CAST(timestamp AS text)` does not (PostgreSQL drops zero
microseconds and SQLite returns whatever text it stored).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import literal, select

from bot.core.store import Store
from bot.core.store import reminders as reminder_rows
from bot.core.store.types import UTCDateTime, instant_key_sql
from bot.core.time import INSTANT_KEY_FORMAT, instant_key

GUILD = 1_098_765_432_109_876_543  # Discord-sized ids (beyond 32 bits)
USER = 1_234_567_890_123_456_789
INSTANTS = [
    datetime(2026, 3, 2, 8, 0, tzinfo=UTC),  # whole seconds: no fraction to print, or not
    datetime(2026, 3, 2, 8, 0, 0, 500_000, tzinfo=UTC),
    datetime(2026, 10, 25, 0, 59, 59, 999_999, tzinfo=UTC),
    datetime(2026, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
]


def test_the_key_format_is_utc_to_the_microsecond() -> None:
    assert INSTANT_KEY_FORMAT == "%Y-%m-%d %H:%M:%S.%f"
    assert instant_key(INSTANTS[0]) == "2026-03-02 08:00:00.000000"
    assert instant_key(INSTANTS[1]) == "2026-03-02 08:00:00.500000"
    berlin_winter = timezone(timedelta(hours=1))
    assert instant_key(datetime(2026, 3, 2, 9, 0, tzinfo=berlin_winter)) == (
        "2026-03-02 08:00:00.000000"
    )
    with pytest.raises(ValueError, match="aware"):
        instant_key(datetime(2026, 3, 2, 8, 0))


@pytest.mark.parametrize("instant", INSTANTS, ids=lambda i: i.strftime("%H%M%S.%f"))
async def test_sql_builds_the_same_text_as_python(store: Store, instant: datetime) -> None:
    async with store.connect() as conn:
        text = (
            await conn.execute(select(instant_key_sql(literal(instant, type_=UTCDateTime()))))
        ).scalar()
    assert text == instant_key(instant)


async def test_batched_reminder_claims_use_the_explicit_format(store: Store) -> None:
    users = {USER + n: instant for n, instant in enumerate(INSTANTS)}
    async with store.begin() as conn:
        for user, due in users.items():
            await reminder_rows.upsert(conn, GUILD, user, "streak", due)
        due_rows = await reminder_rows.due(conn, INSTANTS[2], 100)
        owned = await reminder_rows.claim_due(
            conn, [row["id"] for row in due_rows], INSTANTS[2], store.claimant
        )
    assert {occurrence: claim.key for occurrence, claim in owned.items()} == {
        # time before member (`occurrence_key`): one tick's keys are index neighbours
        (GUILD, user, "streak"): f"streak:{instant_key(due)}:{GUILD}:{user}"
        for user, due in users.items()
    }
    # The row the dispatcher hands a handler carries the same instant back (aware UTC).
    assert {row["user_id"]: instant_key(row["due_at_utc"]) for row in due_rows} == {
        user: instant_key(due) for user, due in users.items()
    }
