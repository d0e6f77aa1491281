"""The longest event-loop block of every background job the bot ships, on the big guild.

A job that holds the loop for 200 ms makes every member's command wait 200 ms, whatever the
job's own duration. So each job runs alone under `LagMonitor` (a 10 ms sleep whose overshoot
is how long the loop was held) and its longest block is reported against < 50 ms.

Each run is a fresh copy of the dataset and a fresh real StudyBot (`bot.testing` through the
loopback fake Discord, clock at NOW) with every guild feature switched on: the daily prompt,
the question of the day, the weekly accountability thread and the weekly board, the pitfall
sweep, a role reward. Then, one after the other, with the bot otherwise idle:

- the bot's start (`on_ready`: every feature's jobs and catch-up, the retention purge, the
  month-end reward removals);
- every job the scheduler holds (whatever `bot/` registers, found at run time: the guild
  posts, the pitfall sweep, the dispatcher tick, the reward scan and the guild's daily reward
  check, the study rooms' focus tick and voice checkpoint, the retention purge, the change
  feed poll) called as the scheduler would call it;
- the operator's `/healthz` and `/metrics` scrapes (real HTTP on a loopback port);
- the web dashboard's snapshot recounts (`bot/web/snapshots.py`: the guild overview and the
  public boards, computed with nothing kept), in a dashboard on the same database.

Nudges go only to the members the fake Discord knows (the others' nudge mode is "off"): the
sweep's delivery takes three transactions and a send per nudge, which at 100k members would
make one sweep last about an hour of awaits that block nothing. The sweep itself (query,
rules, recording) runs for everyone. Median over runs of each job's longest block.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from benchmarks import bench_interactions as interactions
from benchmarks import bench_web
from benchmarks.harness import Context, LagMonitor, Measurement, median, percentile
from benchmarks.world import NOW, Layout, bot_factory, check_layout, new_sandbox

if TYPE_CHECKING:
    from bot.sandbox import Sandbox
    from bot.testing import StudyBot

TARGET_MS = 50.0
#: `/progress` answers with its chart (deferral, render, followup): issue 16's target.
PROGRESS_TARGET_MS = 250.0
#: Fresh bots per run are costly on 100k members (a copy of the 0.8 GB dataset each).
FULL_RUNS = 3
QUICK_RUNS = 1
# A job id names its guild ("daily:1456...", "pitfalls:1456..."): rows are per job kind.
GUILD_SUFFIX = re.compile(r":\d+$")
#: Reported, not judged: the start holds the loop while it loads the cogs and builds the
#: command tree, before the bot answers anyone (bench_startup times it).
STARTUP = "start-up (on_ready: jobs, catch-up, purge)"


@dataclass
class JobTimes:
    """Per job: the longest loop block and the wall time of each run (ms)."""

    blocks: dict[str, list[float]] = field(default_factory=dict)
    walls: dict[str, list[float]] = field(default_factory=dict)
    details: dict[str, str] = field(default_factory=dict)

    async def measure(self, name: str, work: Callable[[], Awaitable[Any]]) -> Any:
        monitor = LagMonitor()
        began = time.perf_counter()
        async with monitor.running():
            result = await work()
        self.walls.setdefault(name, []).append((time.perf_counter() - began) * 1000)
        self.blocks.setdefault(name, []).append(monitor.max_lag * 1000)
        if result is not None:
            self.details[name] = str(result)[:80]
        return result


async def prepare(url: str, layout: Layout, reward_role_id: int) -> None:
    """Switch every guild feature on in the copy (not timed)."""
    from sqlalchemy import insert, update

    from bot.core.store import Store
    from bot.core.store.schema import members
    from bot.rewards.tables import role_rewards

    await bench_web.prepare(url, layout.guild_id)  # leaderboard opt-ins, the public board
    store = Store(url)
    try:
        async with store.begin() as conn:
            await conn.execute(
                update(members)
                .where(members.c.user_id >= layout.first_member_id + layout.fake_members)
                .values(nudge_mode="off")
            )
            await conn.execute(
                insert(role_rewards).values(
                    guild_id=layout.guild_id,
                    kind="streak",
                    threshold=7,
                    role_id=reward_role_id,
                    created_at=NOW,
                    updated_at=NOW,
                )
            )
    finally:
        await store.close()


async def _switch_posts_on(services: Any, guild_id: int, channel_id: int) -> None:
    """What a moderator's `/setup` would do: every guild post on, each to a channel."""
    await services.board.configure(guild_id, channel_id=channel_id, enabled=True)
    for post in services.posts:
        if post is not services.board.poster:
            await post.configure(guild_id, enabled=True)


def testing_bot(sb: Sandbox) -> StudyBot:
    from bot.testing import StudyBot

    bot = sb.bot
    if not isinstance(bot, StudyBot):
        raise TypeError("the sandbox runs no StudyBot")
    return bot


def job_kind(job_id: str) -> str:
    return GUILD_SUFFIX.sub("", job_id)


async def _scrape(client: Any, url: str) -> str:
    health = await client.get(f"{url}/healthz")
    metrics = await client.get(f"{url}/metrics")
    return f"healthz {health.status_code}, metrics {len(metrics.content):,} bytes"


async def _one_run(
    ctx: Context, times: JobTimes, run: int, during_sweep: list[Measurement] | None = None
) -> list[str]:
    """One fresh bot on a fresh copy: start, every job, scrapes, dashboard recounts (and,
    given a list, the interactions while a sweep runs)."""
    from bot import testing

    guild_id = ctx.layout.guild_id
    url = await ctx.database(f"jobs{run}")
    # The reward's role is one the fake guild does not have: grants fail and mark the reward
    # broken after its members were computed, which is the part that could hold the loop.
    await prepare(url, ctx.layout, reward_role_id=ctx.layout.message_id_base + run)
    sb = new_sandbox(bot_factory(url, metrics_port=0), timeout=600.0)
    check_layout(sb, ctx.layout)
    started = False

    async def start() -> None:
        nonlocal started
        await sb.__aenter__()
        started = True

    try:
        await times.measure(STARTUP, start)
        services = testing.services(testing_bot(sb))
        await _switch_posts_on(services, guild_id, ctx.layout.daily_channel_id)
        await services.rewards.sync_job(guild_id)
        scheduler = services.core.scheduler
        for job_id in sorted(scheduler._jobs):
            spec = scheduler._jobs[job_id]
            await times.measure(f"job {job_kind(job_id)}", spec.func)
        observability = testing_bot(sb).observability
        if observability is not None:
            import httpx

            # The client is the operator's (Prometheus), not the bot's: built outside the
            # measurement (an SSL context loads the CA bundle, ~0.3 s of this process's loop).
            async with httpx.AsyncClient() as client:
                where = observability.url
                await times.measure("/healthz and /metrics scrape", lambda: _scrape(client, where))
        await _dashboard_recounts(ctx, url, times)
        if during_sweep is not None:
            during_sweep += await _interactions_during_sweep(ctx, sb)
        return list(sb.errors)
    finally:
        if started:
            await sb.close(check=False)


async def _interactions_during_sweep(ctx: Context, sb: Sandbox) -> list[Measurement]:
    """Members' commands while the pitfall sweep of the whole guild runs in the same bot.

    bench_interactions' commands and its sender, one at a time, each by a different member;
    a new sweep starts whenever the last one finished, so every sample meets a sweep in some
    phase (query, rules, recording, delivery).
    """
    import asyncio

    from bot import testing

    pitfalls = testing.services(testing_bot(sb)).pitfalls
    guild_id = ctx.layout.guild_id
    samples = interactions.QUICK_SAMPLES if ctx.quick else interactions.FULL_SAMPLES
    members = sorted(
        (m for m in sb.members if m.user.username.startswith("member")),
        key=lambda m: m.user.username,
    )[:samples]
    sweep: asyncio.Task[Any] | None = None
    sweeps = 0
    results: list[Measurement] = []
    try:
        for key, command, options, target_ms, on_complete in interactions.ALL_COMMANDS:
            if on_complete:
                target_ms = PROGRESS_TARGET_MS
            await interactions._one(sb, members[-1], command, options)  # warm-up, no sweep
            judged: list[float] = []
            for member in members:
                if sweep is None or sweep.done():
                    if sweep is not None:
                        sweep.result()  # a failed sweep fails the benchmark
                    sweep = asyncio.create_task(pitfalls.sweep(guild_id), name="bench-sweep")
                    sweeps += 1
                    await asyncio.sleep(0.02)  # under way: past its first await
                first, done = await interactions._one(sb, member, command, options)
                judged.append((done if on_complete else first) * 1000)
            p99 = percentile(judged, 99)
            what = "complete answer (chart)" if on_complete else "first response"
            results.append(
                Measurement(
                    f"during_sweep_{key}",
                    f"/{command} while the pitfall sweep of {ctx.members:,} members runs in the "
                    f"same bot: interaction -> {what}, p99 of {len(judged)}",
                    p99,
                    "ms",
                    target=f"p99 < {target_ms:g} ms",
                    passed=p99 < target_ms,
                    kind="absolute",
                    samples=judged,
                    note=f"median {median(judged):.1f} ms",
                )
            )
    finally:
        if sweep is not None:
            await sweep
    for result in results:
        result.note += f"; {sweeps} sweeps ran during the samples"
    return results


async def _dashboard_recounts(ctx: Context, url: str, times: JobTimes) -> None:
    """The dashboard's snapshot loads (what its background refresh runs), nothing kept."""
    import httpx

    from benchmarks.bench_web import BenchDirectory, session_cookie
    from bot import testing
    from bot.core.clock import FakeClock
    from bot.web.app import SESSION_COOKIE
    from bot.web.server import open_dashboard

    guild_id = ctx.layout.guild_id
    moderator = ctx.layout.first_member_id
    settings = testing.settings(
        database_url=url,
        web_public_url="http://127.0.0.1:8080",
        web_session_secret="b" * 64,
    )
    dashboard = await open_dashboard(
        settings, clock=FakeClock(NOW), directory=BenchDirectory(guild_id, moderator), login=False
    )
    pages = (
        ("overview", f"/g/{guild_id}/overview"),
        ("public board, study time", f"/board/{guild_id}?board=minutes&period=week"),
        ("public board, streaks", f"/board/{guild_id}?board=streak"),
    )
    try:
        transport = httpx.ASGITransport(app=dashboard.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            client.cookies.set(SESSION_COOKIE, session_cookie("b" * 64, moderator))
            await client.get(f"/g/{guild_id}/content")  # warm-up: templates, first imports
            for name, url in pages:

                async def load(url: str = url) -> None:
                    response = await client.get(url)
                    if response.status_code != 200:
                        raise RuntimeError(f"{url} answered {response.status_code}")

                await times.measure(f"web snapshot recount: {name}", load)
    finally:
        await dashboard.close()


async def run(ctx: Context) -> list[Measurement]:
    runs = QUICK_RUNS if ctx.quick else FULL_RUNS
    times = JobTimes()
    errors: list[str] = []
    during_sweep: list[Measurement] = []
    for index in range(runs):
        ctx.log(f"  bench_jobs: run {index + 1} of {runs}")
        last = index == runs - 1
        errors += await _one_run(ctx, times, index, during_sweep if last else None)
    results: list[Measurement] = []
    for name, blocks in times.blocks.items():
        block = median(blocks)
        wall = median(times.walls[name])
        note = f"runs {wall:,.0f} ms; worst block {max(blocks):.0f} ms"
        if name in times.details:
            note += f"; returned {times.details[name]}"
        judged = name != STARTUP
        results.append(
            Measurement(
                "jobs_" + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_"),
                f"longest event-loop block: {name}, {ctx.members:,} members",
                block,
                "ms",
                target=f"< {TARGET_MS:g} ms" if judged else "",
                passed=block < TARGET_MS if judged else None,
                kind="absolute" if judged else "info",
                samples=blocks,
                note=note,
            )
        )
    results += during_sweep
    if errors:
        # One line each (a table cell): the first line of the first few errors.
        first_lines = " | ".join((e.splitlines() or [""])[0] for e in errors[:3])[:200]
        for result in results:
            result.note += f"; bot errors logged: {first_lines}"
    return results
