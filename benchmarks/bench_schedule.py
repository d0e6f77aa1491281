"""A day's reminder schedule for every member: our due table vs one APScheduler job each.

Ours (bot/scheduling): every member's next reminder is a row in `due_reminders` (indexed on
`due_at_utc`), served by one dispatcher job. At start-up the bot starts APScheduler with its
handful of jobs and asks the table for the next due time — nothing per member.

Naive: one `CronTrigger` job per member (their local 09:00 in their zone) in a real
`AsyncIOScheduler` with a `MemoryJobStore`, added before `start()`, as DISCORD_FACTS.md
measured. Measured in the same run: its start-up time (build triggers, add jobs, start), its
memory growth, and — with 10,000 jobs due at the same instant and the default 1 s misfire
grace — how many of those jobs APScheduler dropped as missed, and how long the loop stalled.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger

from benchmarks.harness import (
    Context,
    LagMonitor,
    Measurement,
    median,
    rss_mb,
    time_runs,
)
from benchmarks.synthetic import GUILD_ZONE
from benchmarks.world import NOW

DAY_KIND = "bench-day"
DUE_AT_ONCE = 10_000


async def member_zones(store: Any) -> list[tuple[int, int, str]]:
    from sqlalchemy import select

    from bot.core.store.schema import members

    async with store.connect() as conn:
        found = await conn.execute(
            select(members.c.guild_id, members.c.user_id, members.c.timezone)
        )
        rows = found.all()
    return [(g, u, z or GUILD_ZONE) for g, u, z in rows]


def day_schedule(members: list[tuple[int, int, str]], now: datetime) -> list[tuple[Any, ...]]:
    """Everyone's next local 09:00 as a UTC instant (zoneinfo, one zone object per name)."""
    zones: dict[str, ZoneInfo] = {}
    rows = []
    for guild_id, user_id, name in members:
        zone = zones.get(name)
        if zone is None:
            zone = zones[name] = ZoneInfo(name)
        local = now.astimezone(zone)
        fire = local.replace(hour=9, minute=0, second=0, microsecond=0)
        if fire <= local:
            fire = (local + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
        rows.append((guild_id, user_id, fire.astimezone(UTC)))
    return rows


async def write_schedule(store: Any, rows: list[tuple[Any, ...]]) -> None:
    """Set-based write of the day's schedule: one executemany INSERT in one transaction."""
    from sqlalchemy import delete, insert

    from bot.core.store.schema import due_reminders

    async with store.begin() as conn:
        await conn.execute(delete(due_reminders).where(due_reminders.c.kind == DAY_KIND))
        await conn.execute(
            insert(due_reminders),
            [
                {"guild_id": g, "user_id": u, "kind": DAY_KIND, "due_at_utc": due, "payload": {}}
                for g, u, due in rows
            ],
        )


async def our_startup(store: Any) -> None:
    """What start-up does for reminders: start the scheduler with the dispatcher job and
    ask the due table when to wake next."""
    from bot.core.clock import SystemClock
    from bot.core.scheduling.dispatcher import Dispatcher
    from bot.core.scheduling.scheduler import SchedulerService

    scheduler = SchedulerService(SystemClock())
    dispatcher = Dispatcher(store, SystemClock())
    scheduler.start()
    scheduler.add_interval(
        "dispatcher-tick", dispatcher.tick, seconds=30, wake=dispatcher.next_wake
    )
    await dispatcher.next_wake()
    scheduler.shutdown()


async def _noop() -> None:
    return None


def naive_startup(members: list[tuple[int, int, str]], rng: random.Random) -> float:
    """One cron job per member, added before start(), then start(); returns RSS growth (MB)
    while the jobs are held."""
    from apscheduler.jobstores.memory import MemoryJobStore
    from apscheduler.schedulers.asyncio import AsyncIOScheduler
    from apscheduler.triggers.cron import CronTrigger

    gc.collect()
    before = rss_mb()
    scheduler = AsyncIOScheduler(jobstores={"default": MemoryJobStore()}, timezone=UTC)
    zones: dict[str, ZoneInfo] = {}
    for _guild, user_id, name in members:
        zone = zones.get(name) or zones.setdefault(name, ZoneInfo(name))
        trigger = CronTrigger(hour=rng.randrange(24), minute=rng.randrange(60), timezone=zone)
        scheduler.add_job(_noop, trigger, id=f"m{user_id}", replace_existing=True)
    # Paused: start() still computes every job's first run time and files it in the job
    # store (the cost measured here), but runs nothing — jobs whose random HH:MM is this
    # minute would otherwise fire into the benchmark.
    scheduler.start(paused=True)
    grown = rss_mb() - before
    scheduler.shutdown(wait=False)
    return grown


class _At(BaseTrigger):  # type: ignore[misc]
    """Everyone's daily 09:00 in one zone: first fire at `when`, then a real daily
    `CronTrigger` (so APScheduler pays the real cost of computing each job's next run).

    `when` is set after the jobs are added and before `start()` (which is when APScheduler
    asks pending jobs for their first fire time), so the instant can be chosen from how long
    adding took."""

    def __init__(self) -> None:
        from apscheduler.triggers.cron import CronTrigger

        self.when: datetime | None = None
        self.daily = CronTrigger(hour=9, minute=0, timezone=ZoneInfo("Europe/Berlin"))

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        if previous_fire_time is None:
            return self.when
        fire: datetime | None = self.daily.get_next_fire_time(previous_fire_time, now)
        return fire


async def _due_at_once(count: int, lead_factor: float) -> tuple[int, int, float, float] | None:
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
    from apscheduler.jobstores.memory import MemoryJobStore
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    loop = asyncio.get_running_loop()
    scheduler = AsyncIOScheduler(jobstores={"default": MemoryJobStore()}, timezone=UTC)
    counts = {"missed": 0, "ran": 0}
    finished: asyncio.Future[None] = loop.create_future()

    def listener(event: Any) -> None:
        counts["missed" if event.code == EVENT_JOB_MISSED else "ran"] += 1
        if counts["missed"] + counts["ran"] >= count and not finished.done():
            finished.set_result(None)

    scheduler.add_listener(listener, EVENT_JOB_MISSED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    trigger = _At()
    began = time.perf_counter()
    for index in range(count):
        scheduler.add_job(_noop, trigger, id=f"due{index}")
    adding = time.perf_counter() - began
    due = datetime.now(UTC) + timedelta(seconds=max(1.0, lead_factor * adding))
    trigger.when = due
    scheduler.start()
    if datetime.now(UTC) >= due:  # start() itself outlasted the lead
        scheduler.shutdown(wait=False)
        return None
    monitor = LagMonitor()
    async with monitor.running():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(finished, timeout=60)
        settled = (datetime.now(UTC) - due).total_seconds()
    scheduler.shutdown(wait=False)
    return counts["missed"], counts["ran"], monitor.max_lag, settled


async def naive_due_at_once(count: int) -> tuple[int, int, float, float]:
    """`count` jobs due at the same instant, default misfire grace: (missed, ran, max loop
    stall in s, seconds from the due instant until every job was accounted for)."""
    for lead_factor in (3.0, 8.0):
        outcome = await _due_at_once(count, lead_factor)
        if outcome is not None:
            return outcome
    raise RuntimeError("could not schedule the jobs ahead of their due instant")


async def run(ctx: Context) -> list[Measurement]:
    from bot.core.store import Store

    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # 10k "missed" warnings
    store = Store(await ctx.database("schedule"))
    results: list[Measurement] = []
    try:
        members = await member_zones(store)
        n = len(members)
        build_samples = await time_runs(
            lambda: write_schedule(store, day_schedule(members, NOW)), ctx.runs
        )
        startup_samples = await time_runs(lambda: our_startup(store), ctx.runs)
    finally:
        await store.close()

    rng = random.Random(7)
    growth: list[float] = []
    naive_runs = ctx.slow_runs

    def naive() -> None:
        growth.append(naive_startup(members, rng))

    naive_samples = await time_runs(naive, naive_runs)
    gc.collect()

    at_once = min(DUE_AT_ONCE, n)
    outcomes = [await naive_due_at_once(at_once) for _ in range(ctx.slow_runs)]
    missed = median([float(o[0]) for o in outcomes])
    stall = median([o[2] for o in outcomes])
    settle = median([o[3] for o in outcomes])

    ours = median(startup_samples)
    naive_s = median(naive_samples)
    results += [
        Measurement(
            "schedule_startup",
            f"reminder start-up with a day's schedule for {n:,} members in `due_reminders` "
            "(scheduler start + dispatcher job + next due time)",
            ours * 1000,
            "ms",
            target="< 5 s",
            passed=ours < 5,
            kind="absolute",
            samples=[s * 1000 for s in startup_samples],
        ),
        Measurement(
            "schedule_build",
            f"building that day's schedule: {n:,} members' next local 09:00 (zoneinfo) "
            "written set-based to `due_reminders`",
            median(build_samples),
            "s",
            samples=build_samples,
        ),
        Measurement(
            "naive_startup",
            f"naive: {n:,} APScheduler cron jobs (MemoryJobStore) added, then start()",
            naive_s,
            "s",
            samples=naive_samples,
            note=f"{naive_s / ours:,.0f}x our start-up; RSS +{median(growth):.0f} MB; "
            "all of it blocks the event loop",
        ),
        Measurement(
            "naive_missed",
            f"naive: of {at_once:,} jobs due at the same instant (default misfire grace 1 s), "
            "jobs APScheduler dropped as missed",
            missed,
            "",
            samples=[float(o[0]) for o in outcomes],
            note=f"loop stalled {stall:.2f} s; all {at_once:,} accounted for "
            f"{settle:.1f} s after the due instant",
        ),
    ]
    return results
