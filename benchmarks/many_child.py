"""One shard process of the many-servers benchmark: the real bot, shard SHARD of COUNT, on a
fake clock, against the parent's fake Discord and a shared PostgreSQL database.

Usage: python -m benchmarks.many_child API_BASE GATEWAY_URL DATABASE_URL SHARD COUNT
       SEND_RATE DM_RATE

Talks JSON lines: prints {"event": "ready", ...} once the bot is serving (jobs scheduled,
catch-up done); then reads commands from stdin — {"advance": ISO instant} runs every job due
up to that instant through the stable testing seam (`bot.testing.advance_to`) and answers
{"event": "advanced", ...}; {"report": true} answers with the loop-lag peak, RSS and the
sends seen by the limiter, and ends the process.
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

STARTED = time.perf_counter()

import discord.gateway  # noqa: E402  (the start time is taken before the imports)
import discord.http  # noqa: E402
import yarl  # noqa: E402

from benchmarks.harness import (  # noqa: E402
    CollectorWatch,
    CpuLagMonitor,
    LagMonitor,
    peak_rss_mb,
    rss_mb,
)
from benchmarks.many_data import DAY_START  # noqa: E402
from benchmarks.stalls import StallSampler  # noqa: E402
from benchmarks.world import shipped_cpu_workers  # noqa: E402
from bot import testing  # noqa: E402

PROFILE = "STUDYBOT_MANY_PROFILE"
#: STUDYBOT_MANY_STALLS=PATH writes where each shard's loop thread was while its loop stood
#: still for 25 ms or more (`benchmarks.stalls`), to PATH.SHARD.
STALLS = "STUDYBOT_MANY_STALLS"


class CountingLimiter:
    """Wraps the Deliverer's limiter: when each send asked for a slot and when it got one
    (so the parent can tell the sends that queued from those that did not)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.waits: list[tuple[float, float]] = []
        self._asked: list[float] = []

    async def __aenter__(self) -> None:
        asked = time.perf_counter()
        await self.inner.__aenter__()
        self.waits.append((asked, time.perf_counter()))

    async def __aexit__(self, *exc: object) -> None:
        await self.inner.__aexit__(*exc)


class JobTimes:
    """Wall seconds of every job run, by kind (the job id up to its first ':'), with what
    each kind did to the loop and how long its sends waited for the limiter: a job's wall
    time counts its paced sends, which hold nothing."""

    def __init__(self, bot: Any, monitor: LagMonitor, *limiters: CountingLimiter) -> None:
        self.seconds: dict[str, list[float]] = {}
        self.lag: dict[str, float] = {}
        self.waited: dict[str, float] = {}
        self.monitor = monitor
        self.limiters = limiters
        for spec in bot.services.core.scheduler._jobs.values():
            spec.func = self._timed(spec.id.split(":")[0], spec.func)

    def _timed(self, kind: str, func: Any) -> Any:
        async def timed() -> None:
            began = time.perf_counter()
            lags = len(self.monitor.overshoots)
            sends = [len(limiter.waits) for limiter in self.limiters]
            try:
                await func()
            finally:
                self.seconds.setdefault(kind, []).append(time.perf_counter() - began)
                # The simulation runs one job at a time: what happened meanwhile is its own.
                lag = max(self.monitor.overshoots[lags:], default=0.0)
                self.lag[kind] = max(self.lag.get(kind, 0.0), lag)
                pairs = zip(sends, self.limiters, strict=True)
                waits = [w for n, limiter in pairs for w in limiter.waits[n:]]
                self.waited[kind] = self.waited.get(kind, 0.0) + sum(g - a for a, g in waits)

        return timed

    def summary(self) -> dict[str, tuple[int, float, float, float, float]]:
        """Per kind: runs, total seconds, longest run, the longest loop block while one ran
        (ms), and the seconds its sends waited for the limiters (the DM limiter's included)."""
        return {
            k: (len(v), sum(v), max(v), 1000 * self.lag[k], self.waited[k])
            for k, v in sorted(self.seconds.items())
        }


def emit(event: str, **values: Any) -> None:
    print(json.dumps({"event": event, **values}), flush=True)


async def _serve_commands(bot: Any, monitor: LagMonitor, profiler: Any) -> tuple[float, int]:
    """Advance the bot's clock as the parent says until it asks for the report; returns the
    seconds spent advancing and the job runs."""
    busy = 0.0
    runs = 0
    async with monitor.running():
        while True:
            line = await asyncio.to_thread(sys.stdin.readline)
            if not line:
                break
            command = json.loads(line)
            if "advance" in command:
                began = time.perf_counter()
                if profiler is not None:
                    profiler.enable()
                done = await testing.advance_to(bot, datetime.fromisoformat(command["advance"]))
                if profiler is not None:
                    profiler.disable()
                took = time.perf_counter() - began
                busy += took
                runs += done
                emit("advanced", runs=done, seconds=took, lag_ms=1000 * monitor.max_lag)
            elif "report" in command:
                break
    return busy, runs


async def main() -> int:
    api, gateway, database_url = sys.argv[1:4]
    shard, count = int(sys.argv[4]), int(sys.argv[5])
    send_rate, dm_rate = float(sys.argv[6]), float(sys.argv[7])
    settings = testing.settings(
        database_url=database_url,
        shard_count=count,
        shard_ids=str(shard),
        instance_name=f"many-{shard}",
        send_rate_per_second=send_rate,
        send_burst=1,
        dm_rate_per_second=dm_rate,
        cpu_workers=shipped_cpu_workers(),
    )
    # STUDYBOT_MANY_PROFILE=PATH also writes the start-up's cProfile stats (PATH.startup.SHARD).
    starting = cProfile.Profile() if os.environ.get(PROFILE) else None
    if starting is not None:
        starting.enable()
    bot = testing.build_bot(settings, testing.FakeClock(DAY_START - timedelta(minutes=1)))
    discord.http.Route.BASE = api
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    await bot.login("many.bench.token")
    runner = asyncio.create_task(bot.connect(reconnect=False))
    while not bot.serving:
        if runner.done():
            runner.result()
            raise RuntimeError("the bot stopped before it was ready")
        await asyncio.sleep(0.005)
    if starting is not None:
        starting.disable()
        starting.dump_stats(f"{os.environ[PROFILE]}.startup.{shard}")
    deliverer = bot.services.core.deliverer
    limiter = CountingLimiter(deliverer.limiter)
    deliverer.limiter = limiter  # type: ignore[assignment]
    # The DM limiter's waits count in the jobs' send waits (not in the sends' rate).
    dm_limiter = CountingLimiter(deliverer.dm_limiter)
    deliverer.dm_limiter = dm_limiter  # type: ignore[assignment]
    monitor = CpuLagMonitor()
    jobs = JobTimes(bot, monitor, limiter, dm_limiter)
    emit(
        "ready",
        seconds=time.perf_counter() - STARTED,
        guilds=len(bot.guilds),
        jobs=len(bot.services.core.scheduler.jobs()),
        rss_mb=rss_mb(),
    )
    # A developer's aid: STUDYBOT_MANY_PROFILE=PATH writes cProfile stats of the day per shard.
    profiler = cProfile.Profile() if os.environ.get(PROFILE) else None
    collector = CollectorWatch()
    stalls = StallSampler()
    with collector.watching():
        if os.environ.get(STALLS):
            async with stalls.running():
                busy, runs = await _serve_commands(bot, monitor, profiler)
            stalls.write(Path(f"{os.environ[STALLS]}.{shard}"))
        else:
            busy, runs = await _serve_commands(bot, monitor, profiler)
    if profiler is not None:
        profiler.dump_stats(f"{os.environ[PROFILE]}.{shard}")
    emit(
        "report",
        lag_ms=1000 * monitor.max_lag,
        own_block_ms=1000 * monitor.own_block(),
        busy_seconds=busy,
        job_runs=runs,
        rss_mb=rss_mb(),
        peak_rss_mb=peak_rss_mb(),
        waits=limiter.waits,
        process_send_rate=settings.process_send_rate,
        jobs=jobs.summary(),
        collector=collector.summary(),
    )
    await testing.shutdown(bot)
    runner.cancel()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
