"""Dispatcher tick with 10k reminders due in the same minute (select + claim + advance).

Sends are excluded: the handler returns the next due time without sending. Measured in the
same run, on the same rows:

- the fast path, `Dispatcher.register_claimed` (bot/core/scheduling/dispatcher.py): the
  dispatcher claims a whole batch's ledger keys with one INSERT .. SELECT (keys built in SQL
  from each occurrence), calls the handler for the rows it won, then advances the batch
  set-based (`reminders.advance_many`) — the path for kinds that fall due by the thousand;
- the per-row path, `Dispatcher.register`, as the naive baseline: the handler claims its
  own ledger key (`deliveries.claim`) and the dispatcher advances each row in its own
  transaction — two transactions per row.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.data import sqlite_file, sqlite_instant
from benchmarks.harness import Context, Measurement, median, time_runs
from benchmarks.world import NOW

KIND = "bench"
DUE = 10_000


def prepare(path: Path, guild_id: int, user_ids: range, due_at: datetime) -> None:
    """(Re)set `len(user_ids)` reminders of kind "bench" due at `due_at` (not timed)."""
    con = sqlite3.connect(path)
    try:
        with con:
            con.execute("DELETE FROM due_reminders WHERE kind = ?", (KIND,))
            con.executemany(
                "INSERT INTO due_reminders (guild_id, user_id, kind, due_at_utc, payload) "
                "VALUES (?, ?, ?, ?, '{}')",
                ((guild_id, uid, KIND, sqlite_instant(due_at)) for uid in user_ids),
            )
            con.execute("DELETE FROM deliveries WHERE kind = ?", (KIND,))
    finally:
        con.close()


def make_handler(store: Any, run: list[int]) -> Any:
    from bot.core.store import deliveries as ledger

    async def handler(row: dict[str, Any], now: datetime) -> datetime | None:
        key = f"{KIND}:{row['guild_id']}:{row['user_id']}:{run[0]}"
        async with store.begin() as conn:
            await ledger.claim(conn, key, row["guild_id"], KIND, now, store.claimant)
        return now + timedelta(days=1)

    return handler


def make_claimed_handler() -> Any:
    from bot.core.attempts import Attempt
    from bot.core.scheduling.dispatcher import Served

    async def handler(row: dict[str, Any], now: datetime, claim: Attempt) -> Any:
        return Served(now + timedelta(days=1))

    return handler


async def run(ctx: Context) -> list[Measurement]:
    from bot.core.clock import FakeClock
    from bot.core.scheduling.dispatcher import Dispatcher
    from bot.core.store import Store

    due = min(DUE, ctx.members)
    # In --quick the per-row path (two transactions per row, ~1.5 ms) serves 500 rows and is
    # scaled to `due`; the full run serves all of them.
    per_row_due = min(due, 500) if ctx.quick else due
    url = await ctx.database("dispatch")
    path = sqlite_file(url)  # prepare() is sqlite3-only for now
    due_at = NOW - timedelta(seconds=30)
    store = Store(url)
    try:
        counter = [0]
        users = ctx.layout.user_ids(due)

        def reset() -> None:
            counter[0] += 1
            prepare(path, ctx.layout.guild_id, users, due_at)

        fast = Dispatcher(store, FakeClock(NOW))
        fast.register_claimed(KIND, make_claimed_handler())
        fast_served: list[int] = []

        async def fast_tick() -> None:
            fast_served.append(await fast.tick())

        fast_samples = await time_runs(fast_tick, ctx.runs, setup=reset)
        if any(count != due for count in fast_served):
            raise RuntimeError(f"the fast path served {fast_served}, expected {due} each")

        slow = Dispatcher(store, FakeClock(NOW))
        slow.register(KIND, make_handler(store, counter))
        slow_served: list[int] = []

        async def slow_tick() -> None:
            slow_served.append(await slow.tick())

        users = ctx.layout.user_ids(per_row_due)
        slow_samples = await time_runs(slow_tick, ctx.slow_runs, setup=reset)
        if any(count != per_row_due for count in slow_served):
            raise RuntimeError(f"the per-row path served {slow_served}, expected {per_row_due}")
        # Two transactions per row: the cost is linear in the rows served.
        slow_samples = [sample * due / per_row_due for sample in slow_samples]
    finally:
        await store.close()
    fast_ms = median(fast_samples) * 1000
    slow_ms = median(slow_samples) * 1000
    return [
        Measurement(
            "tick",
            f"dispatcher tick, {due:,} reminders due in the same minute: select + claim + "
            "advance, sends excluded (Dispatcher.register_claimed, the batched path)",
            fast_ms,
            "ms",
            target="< 100 ms",
            passed=fast_ms < 100,
            kind="absolute",
            samples=[sample * 1000 for sample in fast_samples],
            note=f"{slow_ms / fast_ms:,.0f}x faster than the per-row path",
        ),
        Measurement(
            "tick_per_row",
            "naive: the same tick through the per-row path (Dispatcher.register: a claim and "
            "an advance transaction per row)"
            + (f"; timed on {per_row_due:,} and scaled" if per_row_due != due else ""),
            slow_ms,
            "ms",
            samples=[sample * 1000 for sample in slow_samples],
        ),
    ]
