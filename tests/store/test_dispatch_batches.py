"""The dispatcher's batch API: one handler call per kind per batch, per-row outcomes, the
fresh claim (nothing read back) and its fallback, on every backend."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bot.core.clock import FakeClock
from bot.core.scheduling.dispatcher import (
    BATCH_SIZE,
    POSTGRES_LANES,
    RETRY_AFTER_ERROR,
    SQLITE_BATCH_SIZE,
    Dispatcher,
    Served,
    row_by_row,
)
from bot.core.store import Store
from bot.core.store import reminders as reminder_rows
from bot.core.store.reminders import Due, occurrence_key
from bot.core.store.schema import deliveries, due_reminders
from bot.core.time import instant_key

GUILD = 1_098_765_432_109_876_543  # Discord-sized ids (beyond 32 bits)


async def _seed(store: Store, kind: str, users: range, due: datetime) -> None:
    async with store.begin() as conn:
        for user in users:
            await reminder_rows.upsert(conn, GUILD, user, kind, due)


async def _statuses(store: Store) -> dict[str, str]:
    async with store.connect() as conn:
        found = await conn.execute(select(deliveries.c.key, deliveries.c.status))
        return {str(key): str(status) for key, status in found}


async def _due_times(store: Store) -> dict[tuple[str, int], datetime]:
    async with store.connect() as conn:
        r = due_reminders.c
        found = await conn.execute(select(r.kind, r.user_id, r.due_at_utc))
        return {(str(kind), int(user)): due for kind, user, due in found}


async def test_each_kind_gets_one_call_per_batch_and_moves_each_row_its_own_way(
    store: Store, clock: FakeClock
) -> None:
    due = clock.now()
    await _seed(store, "a", range(250), due)
    await _seed(store, "b", range(120), due)  # after "a" in (due, id) order
    calls: list[tuple[str, int]] = []
    keys: dict[tuple[str, int], tuple[str, bool]] = {}

    def handler_for(kind: str) -> Any:
        async def handler(rows: Sequence[Due], now: datetime) -> list[Served]:
            calls.append((kind, len(rows)))
            for row in rows:
                keys[(row.kind, row.user_id)] = (row.claim.key, row.claim.earlier)
            return [Served(now + timedelta(minutes=1 + row.user_id)) for row in rows]

        return handler

    dispatcher = Dispatcher(store, clock, batch_size=100)
    for kind in ("a", "b"):
        dispatcher.register_claimed(kind, handler_for(kind))
    assert await dispatcher.tick() == 370
    # Batches of 100 in (due, id) order: a 0-99 | a 100-199 | a 200-249 + b 0-49 | b 50-119
    # (in lanes on PostgreSQL, so the calls of consecutive batches may come in either order).
    assert sorted(calls) == [("a", 50), ("a", 100), ("a", 100), ("b", 50), ("b", 70)]
    expected_keys = {
        (kind, user): occurrence_key(kind, GUILD, user, instant_key(due))
        for kind, count in (("a", 250), ("b", 120))
        for user in range(count)
    }
    assert keys == {occurrence: (key, False) for occurrence, key in expected_keys.items()}
    assert await _statuses(store) == {key: "claimed" for key in expected_keys.values()}
    assert await _due_times(store) == {
        (kind, user): clock.now() + timedelta(minutes=1 + user) for kind, user in expected_keys
    }


async def test_a_failing_batch_is_retried_later_and_the_other_kinds_go_on(
    store: Store, clock: FakeClock
) -> None:
    await _seed(store, "good", range(3), clock.now())
    await _seed(store, "bad", range(2), clock.now())
    await _seed(store, "short", range(2), clock.now())

    async def good(rows: Sequence[Due], now: datetime) -> list[Served]:
        return [Served(None, delivered=row.user_id != 0) for row in rows]

    async def bad(rows: Sequence[Due], now: datetime) -> list[Served]:
        raise RuntimeError("boom")

    async def short(rows: Sequence[Due], now: datetime) -> list[Served]:
        return [Served(None)]  # one outcome for two rows: the batch failed

    dispatcher = Dispatcher(store, clock)
    for kind, handler in (("good", good), ("bad", bad), ("short", short)):
        dispatcher.register_claimed(kind, handler)
    assert await dispatcher.tick() == 7
    when = instant_key(clock.now())
    assert await _statuses(store) == {
        occurrence_key("good", GUILD, 0, when): "skipped",
        occurrence_key("good", GUILD, 1, when): "claimed",  # delivered: the send finishes it
        occurrence_key("good", GUILD, 2, when): "claimed",
        **{
            occurrence_key(kind, GUILD, user, when): "failed"
            for kind in ("bad", "short")
            for user in range(2)
        },
    }
    retry = clock.now() + RETRY_AFTER_ERROR
    assert await _due_times(store) == {
        (kind, user): retry for kind in ("bad", "short") for user in range(2)
    }


async def test_the_fresh_claim_wins_new_keys_only_and_due_keys_match_sql(
    store: Store, clock: FakeClock
) -> None:
    """`Due.key` (Python, for a batch claimed with nothing read back) is the key `claim_due`
    builds in SQL; a batch with any key already taken, or any row moved on, is not fresh."""
    instants = [clock.now() - timedelta(minutes=5), clock.now() - timedelta(microseconds=1)]
    async with store.begin() as conn:
        for user, due in enumerate(instants):
            await reminder_rows.upsert(conn, GUILD, user, "k", due)
    async with store.connect() as conn:
        rows = await reminder_rows.due_batch(conn, clock.now(), 10)
    ids = [row.id for row in rows]
    assert [row.due_at for row in rows] == instants
    async with store.begin() as conn:
        claimed = await reminder_rows.claim_due(conn, ids, clock.now(), store.claimant)
    assert sorted(a.key for a in claimed.values()) == sorted(row.key for row in rows)
    async with store.begin() as conn:
        assert not await reminder_rows.claim_fresh(conn, ids, clock.now(), store.claimant)
    async with store.begin() as conn:
        await conn.execute(deliveries.delete())
        assert await reminder_rows.claim_fresh(conn, ids, clock.now(), store.claimant)
        await conn.execute(deliveries.delete())
        await reminder_rows.upsert(conn, GUILD, 0, "k", clock.now() + timedelta(hours=1))
        assert not await reminder_rows.claim_fresh(conn, ids, clock.now(), store.claimant)


async def test_per_row_handlers_still_get_their_row_as_a_mapping(
    store: Store, clock: FakeClock
) -> None:
    due = clock.now() - timedelta(seconds=3)
    await _seed(store, "rare", range(1), due)
    seen: list[dict[str, Any]] = []

    async def handler(row: dict[str, Any], now: datetime) -> datetime | None:
        seen.append(dict(row))
        return None

    dispatcher = Dispatcher(store, clock)
    dispatcher.register("rare", handler)
    await dispatcher.tick()
    [row] = seen
    assert (row["guild_id"], row["user_id"], row["kind"], row["due_at_utc"]) == (
        GUILD,
        0,
        "rare",
        due,
    )


async def test_a_key_already_in_the_ledger_mid_tick_falls_back_and_keeps_the_earlier_moves(
    store: Store, clock: FakeClock
) -> None:
    """The fresh claim is a plain INSERT: a key already in the ledger fails it (on PostgreSQL
    the whole transaction, which also held the previous batch's moves). The tick rolls back,
    writes those moves again and claims the batch reading back what it won."""
    due = clock.now()
    await _seed(store, "k", range(4), due)
    retry_key = occurrence_key("k", GUILD, 2, instant_key(due))
    async with store.begin() as conn:
        await conn.execute(
            deliveries.insert().values(
                key=retry_key, guild_id=GUILD, kind="k", status="retry", created_at=due, attempts=1
            )
        )
    claims: dict[int, tuple[str, bool]] = {}

    async def handler(rows: Sequence[Due], now: datetime) -> list[Served]:
        claims.update({row.user_id: (row.claim.key, row.claim.earlier) for row in rows})
        return [Served(now + timedelta(hours=1 + row.user_id)) for row in rows]

    dispatcher = Dispatcher(store, clock, batch_size=2)
    dispatcher.register_claimed("k", handler)
    assert await dispatcher.tick() == 4
    assert claims == {
        user: (occurrence_key("k", GUILD, user, instant_key(due)), user == 2) for user in range(4)
    }
    assert await _due_times(store) == {
        ("k", user): clock.now() + timedelta(hours=1 + user) for user in range(4)
    }
    assert set((await _statuses(store)).values()) == {"claimed"}


@pytest.mark.parametrize("lanes", [1, 2, 3])
async def test_every_lane_lands_its_moves_before_the_tick_returns(
    store: Store, clock: FakeClock, lanes: int
) -> None:
    """Batches are served in `lanes` lanes (PostgreSQL's default is two); however many,
    every row is served once (rows whose moves are not written yet are read past, not served
    again), each batch in due order, and every move has landed when `tick` returns."""
    due = clock.now()
    await _seed(store, "k", range(230), due)
    batches: list[list[int]] = []

    async def handler(rows: Sequence[Due], now: datetime) -> list[Served]:
        batches.append([row.user_id for row in rows])
        await asyncio.sleep(0)  # let the other lanes in
        return [Served(now + timedelta(hours=1)) for _ in rows]

    dispatcher = Dispatcher(store, clock, batch_size=50, lanes=lanes)
    dispatcher.register_claimed("k", handler)
    assert await dispatcher.tick() == 230
    seen = [user for batch in batches for user in batch]
    assert sorted(seen) == list(range(230))
    assert all(batch == sorted(batch) for batch in batches)
    if lanes == 1:
        assert seen == list(range(230))
    assert await _due_times(store) == {("k", user): due + timedelta(hours=1) for user in range(230)}
    assert set((await _statuses(store)).values()) == {"claimed"}
    assert await dispatcher.tick() == 0


async def test_a_failing_lane_stops_the_tick_after_the_others_land_their_moves(
    store: Store, clock: FakeClock
) -> None:
    """A lane whose claim fails ends the tick with that error, but only once the other lanes
    are done: everything served has moved (the failed lane's last moves, due with the claim
    that failed, are written on their own), and the page the failed lane had taken stays
    due for the next tick."""
    due = clock.now()
    await _seed(store, "k", range(200), due)

    async def handler(rows: Sequence[Due], now: datetime) -> list[Served]:
        await asyncio.sleep(0)
        return [Served(now + timedelta(hours=1)) for _ in rows]

    dispatcher = Dispatcher(store, clock, batch_size=50, lanes=2)
    dispatcher.register_claimed("k", handler)
    real_claim = dispatcher._claim
    calls = 0

    async def claim(now: datetime, batch: list[Due], written: Any) -> list[Due]:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("database went away")
        return await real_claim(now, batch, written)

    dispatcher._claim = claim  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="went away"):
        await dispatcher.tick()
    moved = {user for (_, user), at in (await _due_times(store)).items() if at > due}
    # Pages are handed out in due order and claimed at once: the third claim is the third
    # page's (users 100-149).
    assert moved == set(range(100)) | set(range(150, 200))


def test_batches_are_bigger_on_sqlite_where_nothing_overlaps(
    store: Store, clock: FakeClock
) -> None:
    dispatcher = Dispatcher(store, clock)
    if store.is_sqlite:
        assert (dispatcher.batch_size, dispatcher.lanes) == (SQLITE_BATCH_SIZE, 1)
    else:
        assert (dispatcher.batch_size, dispatcher.lanes) == (BATCH_SIZE, POSTGRES_LANES)
    assert Dispatcher(store, clock, batch_size=7).batch_size == 7
    assert Dispatcher(store, clock, lanes=3).lanes == 3


async def test_pages_of_the_due_order_go_on_past_the_last_row_read(
    store: Store, clock: FakeClock
) -> None:
    """A tick reads its batches as pages, each past the last row of the one before in
    `(due_at_utc, id)` order: ties on the due time go on by id, later due times follow, and
    nothing due later than now is read."""
    now = clock.now()
    await _seed(store, "k", range(5), now - timedelta(minutes=1))
    await _seed(store, "j", range(3), now - timedelta(minutes=2))
    await _seed(store, "z", range(2), now + timedelta(minutes=1))
    async with store.connect() as conn:
        everything = await reminder_rows.due_batch(conn, now, 100)
        pages = [await reminder_rows.due_batch(conn, now, 3)]
        while pages[-1]:
            pages.append(await reminder_rows.due_batch(conn, now, 3, after=pages[-1][-1]))
    order = [(row.kind, row.user_id) for row in everything]
    assert order == [("j", user) for user in range(3)] + [("k", user) for user in range(5)]
    assert [[(row.kind, row.user_id) for row in page] for page in pages] == [
        order[0:3],
        order[3:6],
        order[6:8],
        [],
    ]


class _ServerSaid(Exception):
    """A driver error carrying PostgreSQL's SQLSTATE, as asyncpg's do."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"SQLSTATE {sqlstate}")
        self.sqlstate = sqlstate


def _claims_failing_once(monkeypatch: pytest.MonkeyPatch, sqlstate: str) -> list[int]:
    """The first fresh claim fails as the server would with `sqlstate`; returns the calls."""
    real = reminder_rows.claim_fresh
    calls: list[int] = []

    async def claim_fresh(conn: Any, *args: Any) -> bool:
        calls.append(len(calls) + 1)
        if len(calls) == 1:
            raise OperationalError("INSERT INTO deliveries ..", {}, _ServerSaid(sqlstate))
        return await real(conn, *args)

    monkeypatch.setattr(reminder_rows, "claim_fresh", claim_fresh)
    return calls


async def test_a_batch_that_lost_a_lock_race_is_done_again(
    store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL breaks a deadlock between racing ticks by rolling one transaction back
    (40P01): that batch's transaction is done again, and each row is served once."""
    await _seed(store, "k", range(5), clock.now())
    calls = _claims_failing_once(monkeypatch, "40P01")
    served: list[int] = []

    async def handler(rows: Sequence[Due], now: datetime) -> list[Served]:
        served.extend(row.user_id for row in rows)
        return [Served(now + timedelta(days=1)) for _ in rows]

    dispatcher = Dispatcher(store, clock, lanes=1)
    dispatcher.register_claimed("k", handler)
    assert await dispatcher.tick() == 5
    assert calls == [1, 2] and sorted(served) == list(range(5))
    when = instant_key(clock.now())
    assert await _statuses(store) == {
        occurrence_key("k", GUILD, user, when): "claimed" for user in range(5)
    }


async def test_any_other_server_error_fails_the_tick_and_leaves_the_rows_due(
    store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _seed(store, "k", range(3), clock.now())
    calls = _claims_failing_once(monkeypatch, "57014")  # query_canceled: not a lock race
    dispatcher = Dispatcher(store, clock, lanes=1)
    dispatcher.register_claimed("k", row_by_row(_never))
    with pytest.raises(OperationalError):
        await dispatcher.tick()
    assert calls == [1]
    assert await _statuses(store) == {}
    assert set((await _due_times(store)).values()) == {clock.now()}


async def _never(row: Due, now: datetime) -> Served:
    raise AssertionError(f"{row!r} was served after its claim failed")
