"""The pitfall sweep over every member: set-based vs member by member, and loop lag.

Both evaluators are the pitfall feature's own (bot/store/pitfalls.py):

- set-based: `sweep_guild` (a few GROUP BY queries for the whole guild) + `project_facts`,
  then the domain rules (`evaluate`) for every member — the first stage of
  `PitfallService.sweep()`, before detections are recorded and nudges delivered;
- member by member: `member_signals_reference` (one query per member, the store test's
  oracle) + `evaluate` per member — the naive design.

The naive design is timed on a fixed random sample of members and scaled to the whole guild
(its cost per member does not depend on the guild's size: one indexed lookup each). The
sample's results are checked against the set-based ones.

Loop lag: a lag monitor (sleep 10 ms, record the overshoot) runs while the sweep and a
dispatcher tick with 10k reminders due run concurrently, as they could at 10:00.
"""

from __future__ import annotations

import asyncio
import random
from datetime import timedelta
from typing import Any

from benchmarks import bench_dispatch
from benchmarks.data import copy_dataset, database_url
from benchmarks.harness import Context, LagMonitor, Measurement, median, time_runs
from benchmarks.world import NOW


async def set_based(store: Any, guild_id: int, *, record: bool = False) -> int:
    """sweep_guild + project_facts + evaluate for everyone; returns detections found."""
    from bot.domain.pitfalls import MemberSignals, PitfallThresholds, evaluate
    from bot.store import pitfalls as rows

    t = PitfallThresholds()
    async with store.engine.connect() as conn:
        transaction = await conn.begin()
        signals = await rows.sweep_guild(conn, guild_id, NOW, t)
        projects = await rows.project_facts(conn, guild_id, NOW)
        found: list[tuple[int, Any]] = []
        for user_id in sorted(set(signals) | set(projects)):
            member = signals.get(user_id) or MemberSignals()
            found += [(user_id, d) for d in evaluate(member, projects.get(user_id), t)]
        if record:
            await rows.record_sweep(conn, guild_id, NOW, len(signals), found)
        await transaction.rollback()  # runs repeat on the same data
    return len(found)


async def member_by_member(
    store: Any, guild_id: int, user_ids: list[int], projects: dict[int, Any]
) -> dict[int, list[str]]:
    from bot.domain.pitfalls import PitfallThresholds, evaluate
    from bot.store import pitfalls as rows

    t = PitfallThresholds()
    fired: dict[int, list[str]] = {}
    async with store.connect() as conn:
        for user_id in user_ids:
            signals = await rows.member_signals_reference(conn, guild_id, user_id, NOW, t)
            if signals is None:
                continue
            fired[user_id] = [
                d.pitfall for d in evaluate(signals, projects.get(user_id), t) if d.fires
            ]
    return fired


async def _check_sample(store: Any, guild_id: int, sample: list[int]) -> dict[int, Any]:
    """The set-based sweep and the reference agree on the sample (else the ratio is moot)."""
    from bot.domain.pitfalls import PitfallThresholds, evaluate
    from bot.store import pitfalls as rows

    t = PitfallThresholds()
    async with store.connect() as conn:
        signals = await rows.sweep_guild(conn, guild_id, NOW, t)
        projects = await rows.project_facts(conn, guild_id, NOW)
    reference = await member_by_member(store, guild_id, sample, projects)
    for user_id, pitfalls in reference.items():
        expected = [
            d.pitfall for d in evaluate(signals[user_id], projects.get(user_id), t) if d.fires
        ]
        if pitfalls != expected:
            raise RuntimeError(f"member {user_id}: sweep {expected} != reference {pitfalls}")
    return dict(projects)


async def run(ctx: Context) -> list[Measurement]:
    from bot.clock import FakeClock
    from bot.scheduling.dispatcher import Dispatcher
    from bot.store import Store

    guild_id = ctx.layout.guild_id
    path = copy_dataset(ctx.data, ctx.scratch("pitfalls.db"))
    n = ctx.members
    sample_size = min(n, 500 if ctx.quick else 5000)
    sample = sorted(random.Random(11).sample(list(ctx.layout.user_ids(n)), sample_size))
    store = Store(database_url(path))
    results: list[Measurement] = []
    try:
        projects = await _check_sample(store, guild_id, sample[:100])
        detections: list[int] = []

        async def sweep() -> None:
            detections.append(await set_based(store, guild_id))

        sweep_samples = await time_runs(sweep, ctx.runs)
        record_samples = (
            []
            if ctx.quick
            else await time_runs(lambda: set_based(store, guild_id, record=True), ctx.slow_runs)
        )
        naive_samples = await time_runs(
            lambda: member_by_member(store, guild_id, sample, projects), ctx.runs
        )

        # Loop lag: the sweep and a shipped dispatcher tick, concurrently.
        due = min(bench_dispatch.DUE if not ctx.quick else 1000, n)
        users = ctx.layout.user_ids(due)
        dispatcher = Dispatcher(store, FakeClock(NOW))
        counter = [100]
        dispatcher.register(bench_dispatch.KIND, bench_dispatch.make_handler(store, counter))
        lags: list[float] = []
        sweep_lags: list[float] = []
        tick_lags: list[float] = []
        for _ in range(ctx.slow_runs):
            counter[0] += 1
            bench_dispatch.prepare(path, guild_id, users, NOW - timedelta(seconds=30))
            monitor = LagMonitor()
            async with monitor.running():
                await asyncio.gather(set_based(store, guild_id, record=True), dispatcher.tick())
            lags.append(monitor.max_lag)
        # Which of the two blocks the loop: each alone (one run each).
        monitor = LagMonitor()
        async with monitor.running():
            await set_based(store, guild_id, record=True)
        sweep_lags.append(monitor.max_lag)
        counter[0] += 1
        bench_dispatch.prepare(path, guild_id, users, NOW - timedelta(seconds=30))
        monitor = LagMonitor()
        async with monitor.running():
            await dispatcher.tick()
        tick_lags.append(monitor.max_lag)
    finally:
        await store.close()

    sweep_s = median(sweep_samples)
    naive_per_member = median(naive_samples) / sample_size
    naive_s = naive_per_member * n
    ratio = naive_s / sweep_s
    lag_ms = median(lags) * 1000
    results += [
        Measurement(
            "sweep",
            f"pitfall sweep over {n:,} members, set-based (sweep_guild + project_facts + "
            "rules for everyone)",
            sweep_s,
            "s",
            target="< 2 s",
            passed=sweep_s < 2,
            kind="absolute",
            samples=sweep_samples,
            note=f"{detections[0]:,} rule results for {n:,} members",
        ),
        Measurement(
            "sweep_naive",
            f"naive: member by member (member_signals_reference + rules), {n:,} members "
            f"(timed on {sample_size:,}, scaled)",
            naive_s,
            "s",
            samples=[s / sample_size * n for s in naive_samples],
            note=f"{naive_per_member * 1e3:.2f} ms per member",
        ),
        Measurement(
            "sweep_ratio",
            "pitfall sweep: member by member / set-based, same run",
            ratio,
            "x",
            target=">= 10x",
            passed=ratio >= 10,
            kind="ratio",
        ),
    ]
    if record_samples:
        results.append(
            Measurement(
                "sweep_record",
                "the same sweep with its detections recorded (record_sweep; rolled back "
                "after each run)",
                median(record_samples),
                "s",
                samples=record_samples,
            )
        )
    results += [
        Measurement(
            "loop_lag",
            f"event-loop lag (max overshoot of a 10 ms sleep) while the sweep and a "
            f"dispatcher tick with {due:,} due run concurrently",
            lag_ms,
            "ms",
            target="max < 100 ms",
            passed=lag_ms < 100,
            kind="absolute",
            samples=[lag * 1000 for lag in lags],
            note=f"worst run {max(lags) * 1000:.0f} ms; the sweep alone "
            f"{sweep_lags[0] * 1000:.0f} ms, the tick alone {tick_lags[0] * 1000:.0f} ms",
        ),
    ]
    return results
