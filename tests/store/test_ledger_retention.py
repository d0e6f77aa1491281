"""The delivery ledger forgets reminder occurrences that finished long ago
(`Dispatcher.forget_served`), and nothing else."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert, select

from bot.core.clock import FakeClock
from bot.core.scheduling import dispatcher as dispatching
from bot.core.scheduling.dispatcher import SERVED_KEPT, Dispatcher, Served
from bot.core.store import Store
from bot.core.store.reminders import Due, occurrence_key
from bot.core.store.schema import deliveries
from bot.core.time import instant_key

GUILD = 1_456_076_494_492_139_523


async def _serve(rows: Sequence[Due], now: datetime) -> list[Served]:
    return [Served(None)] * len(rows)


def _dispatcher(store: Store, clock: FakeClock, *kinds: str) -> Dispatcher:
    dispatcher = Dispatcher(store, clock)
    for kind in kinds:
        dispatcher.register_claimed(kind, _serve)
    return dispatcher


def _key(kind: str, user: int, when: datetime) -> str:
    return occurrence_key(kind, GUILD, user, instant_key(when))


async def _ledger(store: Store, rows: list[tuple[str, str, str, datetime]]) -> None:
    async with store.begin() as conn:
        await conn.execute(
            insert(deliveries),
            [
                {"key": key, "guild_id": GUILD, "kind": kind, "status": status}
                | {"created_at": created, "attempts": 1}
                for key, kind, status, created in rows
            ],
        )


async def _keys(store: Store) -> set[str]:
    async with store.connect() as conn:
        return set((await conn.execute(select(deliveries.c.key))).scalars())


async def test_finished_occurrences_past_the_keep_go_and_nothing_else(
    store: Store, clock: FakeClock
) -> None:
    now = clock.now()
    old, recent = now - SERVED_KEPT - timedelta(days=1), now - SERVED_KEPT + timedelta(days=1)
    legacy = f"streak:{GUILD}:9:{instant_key(old)}"  # member first, from before migration 0017
    forgotten = {
        (_key("streak", 1, old), "streak", "sent", old),
        (_key("streak", 2, old), "streak", "skipped", old),
        (_key("streak", 3, old), "streak", "failed", old),
        (_key("digest", 4, old), "digest", "sent", old),
        (legacy, "streak", "sent", old),
    }
    kept = {
        (_key("streak", 5, recent), "streak", "sent", recent),  # not old enough
        (_key("streak", 6, old), "streak", "claimed", old),  # may still be sent
        (_key("streak", 7, old), "streak", "retry", old),
        # kinds the dispatcher does not claim, even with keys that sort beside its own
        (f"streak_at_risk:{GUILD}:8:{instant_key(old)}", "streak_at_risk", "sent", old),
        (f"welcome:{GUILD}:8", "welcome", "sent", old),
        (_key("bench", 8, old), "bench", "sent", old),
    }
    await _ledger(store, sorted(forgotten | kept))
    dispatcher = _dispatcher(store, clock, "streak", "digest")
    assert await dispatcher.forget_served() == len(forgotten)
    assert await _keys(store) == {key for key, *_ in kept}
    assert await dispatcher.forget_served() == 0


async def test_one_call_deletes_a_bounded_number_of_slices(
    store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long history (a bot that ran for a year before this) goes over several calls."""
    monkeypatch.setattr(dispatching, "FORGET_SLICE", 3)
    old = clock.now() - SERVED_KEPT - timedelta(days=1)
    await _ledger(store, [(_key("streak", user, old), "streak", "sent", old) for user in range(7)])
    dispatcher = _dispatcher(store, clock, "streak")
    assert await dispatcher.forget_served(slices=2) == 6
    assert len(await _keys(store)) == 1
    assert await dispatcher.forget_served(slices=2) == 1
    assert await _keys(store) == set()
