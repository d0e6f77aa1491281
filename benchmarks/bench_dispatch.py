"""Dispatcher tick with 10k reminders due in the same minute (select + claim + advance).

Sends are excluded: the registered handler claims a ledger key (what every real handler does
before it sends) and returns the next due time. Measured twice in the same run:

- `Dispatcher.tick()` as shipped (bot/scheduling/dispatcher.py): per row, the handler's claim
  transaction and a compare-and-set advance transaction;
- a batched tick (this module, `batched_tick`): per batch of 1,000 due rows, one
  transaction that claims every key with one INSERT .. SELECT .. ON CONFLICT DO NOTHING (keys
  built in SQL from the occurrence) and advances the rows with one UPDATE .. WHERE id IN (..)
  per distinct (due, next due) pair (same compare-and-set condition). It is the design the
  report recommends when the shipped tick misses the target.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from benchmarks.data import copy_dataset, database_url, sqlite_instant
from benchmarks.harness import Context, Measurement, median, time_runs
from benchmarks.world import NOW

KIND = "bench"
DUE = 10_000
BATCH = 1000


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
    from bot.store import deliveries as ledger

    async def handler(row: dict[str, Any], now: datetime) -> datetime | None:
        key = f"{KIND}:{row['guild_id']}:{row['user_id']}:{run[0]}"
        async with store.begin() as conn:
            await ledger.claim(conn, key, row["guild_id"], KIND, now)
        return now + timedelta(days=1)

    return handler


async def batched_tick(store: Any, now: datetime, run: int) -> int:
    """The recommended tick. Per batch of due rows, one transaction that

    - claims every row's ledger key with ONE `INSERT .. SELECT .. ON CONFLICT DO NOTHING`
      whose key is built in SQL from the occurrence, `kind:guild:user:due_at` (a reminder
      occurrence is identified by its due instant, so no per-row parameters are sent);
    - advances the rows with one `UPDATE .. WHERE id IN (..) AND due_at_utc = :expected`
      per distinct (due, next due) pair (the same compare-and-set as today).

    Handlers would still compute each row's next due time in Python (here: a day later);
    sends happen after the commit, for the rows whose claim this tick won. `run` only keeps
    the benchmark's repeated runs from colliding with earlier keys."""
    from sqlalchemy import String, cast, literal

    from bot.store.schema import deliveries, due_reminders

    served = 0
    select_due = (
        select(due_reminders.c.id, due_reminders.c.due_at_utc)
        .where(due_reminders.c.due_at_utc <= now)
        .order_by(due_reminders.c.due_at_utc, due_reminders.c.id)
        .limit(BATCH)
    )
    key = (
        due_reminders.c.kind
        + ":"
        + cast(due_reminders.c.guild_id, String)
        + ":"
        + cast(due_reminders.c.user_id, String)
        + ":"
        + cast(due_reminders.c.due_at_utc, String)
        + f":{run}"
    )
    while True:
        async with store.begin() as conn:
            rows = (await conn.execute(select_due)).all()
            if not rows:
                break
            claimed = select(
                key,
                due_reminders.c.guild_id,
                due_reminders.c.kind,
                literal("claimed"),
                literal(now, type_=deliveries.c.created_at.type),
                literal(1),
            ).where(due_reminders.c.id.in_([r.id for r in rows]))
            await conn.execute(
                sqlite_insert(deliveries)
                .from_select(
                    ["key", "guild_id", "kind", "status", "created_at", "attempts"], claimed
                )
                .on_conflict_do_nothing(index_elements=["key"])
            )
            next_due = now + timedelta(days=1)  # what the handler returned, per row
            groups: dict[tuple[datetime, datetime], list[int]] = {}
            for r in rows:
                groups.setdefault((r.due_at_utc, next_due), []).append(r.id)
            for (expected, following), ids in groups.items():
                await conn.execute(
                    update(due_reminders)
                    .where(due_reminders.c.id.in_(ids), due_reminders.c.due_at_utc == expected)
                    .values(due_at_utc=following)
                )
        served += len(rows)
        if len(rows) < BATCH:
            break
    return served


async def run(ctx: Context) -> list[Measurement]:
    from bot.clock import FakeClock
    from bot.scheduling.dispatcher import Dispatcher
    from bot.store import Store

    due = min(DUE, ctx.members)
    path = copy_dataset(ctx.data, ctx.scratch("dispatch.db"))
    # In --quick the shipped tick (a transaction per row, ~1 ms each) serves 500 rows and
    # is scaled to `due`; the full run serves all of them.
    shipped_due = min(due, 500) if ctx.quick else due
    users = ctx.layout.user_ids(shipped_due)
    due_at = NOW - timedelta(seconds=30)
    store = Store(database_url(path))
    results: list[Measurement] = []
    try:
        dispatcher = Dispatcher(store, FakeClock(NOW))
        counter = [0]
        dispatcher.register(KIND, make_handler(store, counter))
        served: list[int] = []

        def reset() -> None:
            counter[0] += 1
            prepare(path, ctx.layout.guild_id, users, due_at)

        async def shipped() -> None:
            served.append(await dispatcher.tick())

        samples = await time_runs(shipped, ctx.slow_runs, setup=reset)
        if any(count != shipped_due for count in served):
            raise RuntimeError(f"the shipped tick served {served}, expected {shipped_due} each")
        # Per-row transactions: the cost is linear in the rows served.
        samples = [s * due / shipped_due for s in samples]
        users = ctx.layout.user_ids(due)

        batched_served: list[int] = []

        async def batched() -> None:
            batched_served.append(await batched_tick(store, NOW, counter[0]))

        batched_samples = await time_runs(batched, ctx.runs, setup=reset)
        if any(count != due for count in batched_served):
            raise RuntimeError(f"the batched tick served {batched_served}, expected {due}")
    finally:
        await store.close()
    shipped_ms = median(samples) * 1000
    batched_ms = median(batched_samples) * 1000
    results.append(
        Measurement(
            "tick",
            f"dispatcher tick, {due:,} reminders due in the same minute "
            "(Dispatcher.tick as shipped: select + claim + advance, sends excluded)"
            + (f"; timed on {shipped_due:,} and scaled" if shipped_due != due else ""),
            shipped_ms,
            "ms",
            target="< 100 ms",
            passed=shipped_ms < 100,
            kind="absolute",
            samples=[s * 1000 for s in samples],
        )
    )
    results.append(
        Measurement(
            "tick_batched",
            f"dispatcher tick, {due:,} due, batched design (one transaction per 1,000 rows: "
            "INSERT..SELECT claim + grouped set-based advance)",
            batched_ms,
            "ms",
            target="< 100 ms",
            passed=batched_ms < 100,
            kind="info",
            samples=[s * 1000 for s in batched_samples],
            note=f"{shipped_ms / batched_ms:.1f}x faster than the shipped tick",
        )
    )
    return results
