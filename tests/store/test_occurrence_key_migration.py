"""Migration 0017: a reminder occurrence's ledger key names its due time before its member.
Occurrences still in flight are renamed (a tick serving one again must find its earlier
attempt); history and every other kind of key keep their text; downgrading renames back."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, select

from bot.core.store import Store
from bot.core.store import reminders as reminder_rows
from bot.core.store.reminders import occurrence_key, occurrence_member
from bot.core.store.schema import deliveries
from bot.core.time import instant_key

GUILD = 1_098_765_432_109_876_543
USER = 1_234_567_890_123_456_789
DUE = datetime(2026, 3, 2, 19, 0, tzinfo=UTC)
WHEN = instant_key(DUE)


def old_key(kind: str, user: int = USER) -> str:
    return f"{kind}:{GUILD}:{user}:{WHEN}"


async def _keys(store: Store) -> dict[str, str]:
    async with store.connect() as conn:
        rows = await conn.execute(select(deliveries.c.key, deliveries.c.status))
        return {str(key): str(status) for key, status in rows}


async def test_in_flight_occurrences_are_renamed_and_history_is_left(store: Store) -> None:
    await store.downgrade("0008")  # below 0017 (and 0018, which needs it)
    before = {
        old_key("streak"): "claimed",  # interrupted mid-send: renamed
        old_key("reviews", USER + 1): "retry",  # retryable: renamed
        old_key("digest", USER + 2): "sent",  # history: kept
        old_key("ivqueue"): "claimed",  # not a dispatched kind (its own key): kept
        f"daily:{GUILD}:2026-03-02": "claimed",  # another form altogether: kept
    }
    async with store.begin() as conn:
        await conn.execute(
            insert(deliveries),
            [
                {
                    "key": key,
                    "guild_id": GUILD,
                    "kind": key.split(":", 1)[0],
                    "status": status,
                    "created_at": DUE,
                    "attempts": 1,
                }
                for key, status in before.items()
            ],
        )
    await store.migrate()
    renamed = {
        occurrence_key("streak", GUILD, USER, WHEN): "claimed",
        occurrence_key("reviews", GUILD, USER + 1, WHEN): "retry",
        old_key("digest", USER + 2): "sent",
        old_key("ivqueue"): "claimed",
        f"daily:{GUILD}:2026-03-02": "claimed",
    }
    assert await _keys(store) == renamed

    # The tick serving the interrupted occurrence again finds its earlier attempt.
    async with store.begin() as conn:
        await reminder_rows.upsert(conn, GUILD, USER, "streak", DUE)
        due = await reminder_rows.due(conn, DUE, 10)
        # (as `requeue_interrupted` leaves it when the process starts again)
        await conn.execute(
            deliveries.update()
            .where(deliveries.c.key == occurrence_key("streak", GUILD, USER, WHEN))
            .values(status="retry")
        )
        owned = await reminder_rows.claim_due(conn, [due[0]["id"]], DUE, store.claimant)
    claim = owned[(GUILD, USER, "streak")]
    assert (claim.key, claim.earlier) == (occurrence_key("streak", GUILD, USER, WHEN), True)

    await store.downgrade("0008")  # below 0017 (and 0018, which needs it)
    assert await _keys(store) == before
    await store.migrate()


def test_an_occurrence_key_names_its_member_and_sorts_by_time_first() -> None:
    early = occurrence_key("streak", GUILD, USER + 5, instant_key(DUE))
    late = occurrence_key("streak", GUILD - 1, USER, instant_key(DUE.replace(hour=20)))
    assert early == f"streak:2026-03-02 19:00:00.000000:{GUILD}:{USER + 5}"
    assert occurrence_member(early) == (GUILD, USER + 5)
    # Every key of a later instant sorts after every key of an earlier one, whoever's: one
    # tick's keys are neighbours in the ledger's index.
    assert early < late
