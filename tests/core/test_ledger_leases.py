"""Ledger claims across processes: an owner and a lease per claim.

Two `Store`s on one database stand for two bot processes. A process never takes a claim
another live process holds (at start or when claiming); a claim past its lease was left by a
process that died mid-send and may be taken over; a process that restarts retries its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.core.clock import FakeClock
from bot.core.store import Claimant, Store
from bot.core.store import deliveries as ledger
from bot.core.store import reminders as reminder_rows

GUILD = 42
LEASE = timedelta(minutes=5)


@pytest.fixture
async def two_processes(db_url: str) -> AsyncIterator[tuple[Store, Store]]:
    first = Store(db_url, claimant=Claimant("shard-a", LEASE))
    second = Store(db_url, claimant=Claimant("shard-b", LEASE))
    await first.migrate()
    yield first, second
    await first.close()
    await second.close()


async def row_of(store: Store, key: str) -> dict[str, object]:
    async with store.connect() as conn:
        row = await ledger.get(conn, key)
    assert row is not None
    return row


async def test_a_claim_records_its_owner_and_lease(
    two_processes: tuple[Store, Store], clock: FakeClock
) -> None:
    first, _ = two_processes
    async with first.begin() as conn:
        assert (
            await ledger.claim(
                conn, "daily:42:2026-03-02", GUILD, "daily", clock.now(), first.claimant
            )
            == 1
        )
    row = await row_of(first, "daily:42:2026-03-02")
    assert (row["status"], row["owner"], row["lease_until"]) == (
        "claimed",
        "shard-a",
        clock.now() + LEASE,
    )


async def test_a_starting_process_leaves_another_live_process_claims_alone(
    two_processes: tuple[Store, Store], clock: FakeClock
) -> None:
    first, second = two_processes
    async with first.begin() as conn:
        await ledger.claim(conn, "k", GUILD, "daily", clock.now(), first.claimant)
    async with second.begin() as conn:
        assert await ledger.requeue_interrupted(conn, second.claimant, clock.now()) == 0
        assert not await ledger.claim(conn, "k", GUILD, "daily", clock.now(), second.claimant)
    assert (await row_of(first, "k"))["status"] == "claimed"


async def test_a_restarting_process_retries_its_own_claims_at_once(
    two_processes: tuple[Store, Store], clock: FakeClock
) -> None:
    first, _ = two_processes
    async with first.begin() as conn:
        await ledger.claim(conn, "k", GUILD, "daily", clock.now(), first.claimant)
    restarted = Store(first.url, claimant=Claimant("shard-a", LEASE))
    async with restarted.begin() as conn:
        assert await ledger.requeue_interrupted(conn, restarted.claimant, clock.now()) == 1
        assert await ledger.claim(conn, "k", GUILD, "daily", clock.now(), restarted.claimant)
    await restarted.close()
    assert (await row_of(first, "k"))["attempts"] == 2


async def test_a_claim_past_its_lease_is_taken_over(
    two_processes: tuple[Store, Store], clock: FakeClock
) -> None:
    first, second = two_processes
    async with first.begin() as conn:
        await ledger.claim(conn, "k", GUILD, "daily", clock.now(), first.claimant)
    clock.advance(LEASE - timedelta(seconds=1))
    async with second.begin() as conn:
        assert not await ledger.claim(conn, "k", GUILD, "daily", clock.now(), second.claimant)
        assert not ledger.claimable(await ledger.get(conn, "k") or {}, clock.now())
    clock.advance(timedelta(seconds=2))
    async with second.begin() as conn:
        assert ledger.claimable(await ledger.get(conn, "k") or {}, clock.now())
        # The second attempt: the first owner may have reached Discord before it died.
        assert await ledger.claim(conn, "k", GUILD, "daily", clock.now(), second.claimant) == 2
    row = await row_of(second, "k")
    assert (row["owner"], row["attempts"]) == ("shard-b", 2)


async def test_a_batch_claim_takes_back_retryable_occurrences_but_not_live_ones(
    two_processes: tuple[Store, Store], clock: FakeClock
) -> None:
    """The dispatcher's one-statement batch claim follows the same rules as `claim`: before,
    an occurrence interrupted mid-batch stayed in the ledger and was never served again."""
    first, second = two_processes
    now = clock.now()
    async with first.begin() as conn:
        for user in (1, 2):
            await reminder_rows.upsert(conn, GUILD, user, "digest", now)
        ids = [row["id"] for row in await reminder_rows.due(conn, now, 10)]
        won = await reminder_rows.claim_due(conn, ids, now, first.claimant)
    assert len(won) == 2
    async with second.begin() as conn:  # the first process is alive: nothing for the second
        assert await reminder_rows.claim_due(conn, ids, now, second.claimant) == {}
    restarted = Store(first.url, claimant=Claimant("shard-a", LEASE))
    async with restarted.begin() as conn:  # the first process died; its restart takes both
        await ledger.requeue_interrupted(conn, restarted.claimant, now)
        taken = await reminder_rows.claim_due(conn, ids, now, restarted.claimant)
    # The same occurrences, each now a later attempt (the first may have reached Discord).
    assert {k: c.key for k, c in taken.items()} == {k: c.key for k, c in won.items()}
    assert not any(c.earlier for c in won.values()) and all(c.earlier for c in taken.values())
    await restarted.close()
