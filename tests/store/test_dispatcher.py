"""The dispatcher: batched claims, racing ticks, failures, legacy per-row handlers."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.core.attempts import Attempt
from bot.core.clock import FakeClock
from bot.core.scheduling.dispatcher import Dispatcher, Served, row_by_row
from bot.core.store import Claimant, Store
from bot.core.store import deliveries as ledger
from bot.core.store import reminders as reminder_rows
from bot.core.store.reminders import Due
from bot.core.store.schema import deliveries, due_reminders

GUILD = 77


async def _seed(store: Store, kind: str, count: int, due: datetime) -> None:
    async with store.begin() as conn:
        for user in range(count):
            await reminder_rows.upsert(conn, GUILD, user, kind, due)


def _key(row: dict[str, Any], now: datetime) -> str:
    return f"test:{row['guild_id']}:{row['user_id']}:{row['due_at_utc']:%Y%m%dT%H%M}"


async def test_racing_ticks_serve_each_claimed_row_once(store: Store, clock: FakeClock) -> None:
    due = clock.now()
    await _seed(store, "bulk", 300, due)
    calls: Counter[int] = Counter()

    async def handler(rows: Sequence[Due], now: datetime) -> list[Served]:
        served = []
        for row in rows:
            calls[row.user_id] += 1
            await asyncio.sleep(0)  # let the other tick interleave
            served.append(Served(now + timedelta(days=1), delivered=row.user_id % 2 == 0))
        return served

    first, second = Dispatcher(store, clock, batch_size=64), Dispatcher(store, clock, batch_size=64)
    for dispatcher in (first, second):
        dispatcher.register_claimed("bulk", handler)
    clock.advance(timedelta(seconds=30))
    await asyncio.gather(first.tick(), second.tick())
    assert sorted(calls) == list(range(300))
    assert set(calls.values()) == {1}
    async with store.connect() as conn:
        remaining_due = (
            await conn.execute(
                select(func.count())
                .select_from(due_reminders)
                .where(due_reminders.c.due_at_utc <= clock.now())
            )
        ).scalar()
        statuses = dict(
            (
                await conn.execute(
                    select(deliveries.c.status, func.count()).group_by(deliveries.c.status)
                )
            ).all()
        )
    assert remaining_due == 0
    assert statuses == {"claimed": 150, "skipped": 150}  # delivered ones are finished by senders


async def test_a_failing_handler_is_retried_later_under_a_new_key(
    store: Store, clock: FakeClock
) -> None:
    await _seed(store, "flaky", 1, clock.now())
    attempts: list[str] = []

    async def handler(row: Due, now: datetime) -> Served:
        attempts.append(row.claim.key)
        if len(attempts) == 1:
            raise RuntimeError("boom")
        return Served(None)

    dispatcher = Dispatcher(store, clock)
    dispatcher.register_claimed("flaky", row_by_row(handler))
    await dispatcher.tick()
    assert len(attempts) == 1
    clock.advance(timedelta(minutes=11))
    await dispatcher.tick()
    assert len(attempts) == 2 and attempts[0] != attempts[1]
    async with store.connect() as conn:
        assert (await conn.execute(select(func.count()).select_from(due_reminders))).scalar() == 0
        failed = (
            await conn.execute(select(deliveries.c.status).where(deliveries.c.key == attempts[0]))
        ).scalar()
    assert failed == "failed"


async def test_legacy_per_row_handlers_still_work(store: Store, clock: FakeClock) -> None:
    await _seed(store, "rare", 3, clock.now())
    seen: list[int] = []

    async def handler(row: dict[str, Any], now: datetime) -> datetime | None:
        seen.append(row["user_id"])
        return None

    dispatcher = Dispatcher(store, clock)
    dispatcher.register("rare", handler)
    assert await dispatcher.tick() == 3
    assert sorted(seen) == [0, 1, 2]
    assert await dispatcher.next_wake() is None


async def test_backlog_counts_what_is_due_and_how_long_the_oldest_waited(
    store: Store, clock: FakeClock
) -> None:
    dispatcher = Dispatcher(store, clock)
    empty = await dispatcher.backlog()
    assert (empty.due, empty.oldest_age) == (0, None)
    await _seed(store, "late", 2, clock.now() - timedelta(minutes=90))
    await _seed(store, "now", 3, clock.now())
    await _seed(store, "later", 4, clock.now() + timedelta(hours=1))  # not due yet
    backlog = await dispatcher.backlog()
    assert backlog.due == 5 and backlog.oldest_age == timedelta(minutes=90)

    async def handler(rows: Sequence[Due], now: datetime) -> list[Served]:
        return [Served(None)] * len(rows)

    for kind in ("late", "now"):
        dispatcher.register_claimed(kind, handler)
    await dispatcher.tick()
    served = await dispatcher.backlog()
    assert (served.due, served.oldest_age) == (0, None)


async def test_a_reminder_left_claimed_by_a_dead_process_is_resent_as_a_later_attempt(
    db_url: str, clock: FakeClock
) -> None:
    """The send learns that an earlier attempt may have reached Discord (so a DM looks for
    its marker before it goes out again: `Deliverer.to_member`)."""
    lease = timedelta(minutes=5)
    dead, alive = (
        Store(db_url, claimant=Claimant("dead", lease)),
        Store(db_url, claimant=Claimant("alive", lease)),
    )
    try:
        await _seed(dead, "dm", 1, clock.now())
        async with dead.begin() as conn:
            ids = [row["id"] for row in await reminder_rows.due(conn, clock.now(), 10)]
            [first] = (
                await reminder_rows.claim_due(conn, ids, clock.now(), dead.claimant)
            ).values()
        assert not first.earlier  # then the process died mid-send: the claim stays "claimed"
        claims: list[Attempt] = []

        async def handler(row: Due, now: datetime) -> Served:
            claims.append(row.claim)
            return Served(None)

        dispatcher = Dispatcher(alive, clock)
        dispatcher.register_claimed("dm", row_by_row(handler))
        clock.advance(lease + timedelta(seconds=1))
        await dispatcher.tick()
        assert [(c.key, c.earlier) for c in claims] == [(first.key, True)]
    finally:
        await dead.close()
        await alive.close()


async def _claimed_by_a_process_that_stopped(
    db_url: str, clock: FakeClock, lease: timedelta
) -> Attempt:
    """One "dm" reminder due now, its occurrence claimed by a process "dead" that then
    stopped before moving the row on."""
    dead = Store(db_url, claimant=Claimant("dead", lease))
    try:
        await _seed(dead, "dm", 1, clock.now())
        async with dead.begin() as conn:
            ids = [row["id"] for row in await reminder_rows.due(conn, clock.now(), 10)]
            [attempt] = (
                await reminder_rows.claim_due(conn, ids, clock.now(), dead.claimant)
            ).values()
        return attempt
    finally:
        await dead.close()


@pytest.mark.parametrize(
    ("status", "attempts"),
    [("sent", 1), ("skipped", 1), ("failed", 1), ("retry", ledger.MAX_ATTEMPTS)],
)
async def test_a_due_row_whose_occurrence_is_over_is_moved_on_without_a_send(
    db_url: str, clock: FakeClock, status: str, attempts: int
) -> None:
    """A process stopped after the send (or its last try) and before the row's move
    committed: no claim can win that occurrence again. Once its lease has run out, the next
    tick hands the row to its handler with a closed claim (the send is refused), moves it to
    the next due time, and leaves the ledger's record of how the occurrence ended as it was."""
    lease = timedelta(minutes=5)
    attempt = await _claimed_by_a_process_that_stopped(db_url, clock, lease)
    alive = Store(db_url, claimant=Claimant("alive", lease))
    try:
        async with alive.begin() as conn:
            await conn.execute(
                deliveries.update()
                .where(deliveries.c.key == attempt.key)
                .values(status=status, attempts=attempts)
            )
        seen: list[Attempt] = []

        async def handler(row: Due, now: datetime) -> Served:
            seen.append(row.claim)
            return Served(now + timedelta(days=1), delivered=False)

        dispatcher = Dispatcher(alive, clock)
        dispatcher.register_claimed("dm", row_by_row(handler))
        clock.advance(timedelta(seconds=1))
        await dispatcher.tick()  # its lease runs: it may still be moving its batch on
        assert seen == []
        clock.advance(lease)
        await dispatcher.tick()
        assert [(a.key, a.closed) for a in seen] == [(attempt.key, True)]
        assert await dispatcher.next_wake() == clock.now() + timedelta(days=1)
        async with alive.connect() as conn:
            stored = await ledger.get(conn, attempt.key)
        assert stored is not None and (stored["status"], stored["attempts"]) == (status, attempts)
        await dispatcher.tick()  # nothing is due any more
        assert len(seen) == 1
    finally:
        await alive.close()


async def test_a_live_claim_of_another_process_is_left_to_it(db_url: str, clock: FakeClock) -> None:
    """The other process is sending right now (its lease runs): the row is neither served
    nor moved here, and its claim stays its own."""
    lease = timedelta(minutes=5)
    attempt = await _claimed_by_a_process_that_stopped(db_url, clock, lease)
    alive = Store(db_url, claimant=Claimant("alive", lease))
    try:
        seen: list[Attempt] = []

        async def handler(row: Due, now: datetime) -> Served:
            seen.append(row.claim)
            return Served(now + timedelta(days=1))

        dispatcher = Dispatcher(alive, clock)
        dispatcher.register_claimed("dm", row_by_row(handler))
        clock.advance(timedelta(seconds=1))
        await dispatcher.tick()
        assert seen == []
        async with alive.connect() as conn:
            still_due = await reminder_rows.due(conn, clock.now(), 10)
            stored = await ledger.get(conn, attempt.key)
        assert [row["user_id"] for row in still_due] == [0]
        assert stored is not None and (stored["status"], stored["owner"]) == ("claimed", "dead")
    finally:
        await alive.close()
