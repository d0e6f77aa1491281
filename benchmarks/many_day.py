"""Drive a simulated day over G guilds with two shard processes (the parent side).

The parent runs the fake Discord (with Discord's limits: 5 per 5 s per channel, 50/s global)
and spawns one bot process per shard (`benchmarks.many_child`, SHARD_COUNT=2, as README
"Scaling out" runs them). Both are moved through the day hour by hour (each runs every job due
in the hour: daily posts, questions of the day, pitfall sweeps, the dispatcher's reminder
ticks), while the parent sends member interactions (`/daily today`, `/log`) into guilds of
both shards, one at a time, and times each first response. Sends are paced by the bot's own
limiter in real time; everything else in the day runs as fast as it can.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.many_data import (
    DAY_START,
    World,
    build_world,
    copy_database,
    drop_database,
    ensure_dataset,
)
from bot.sandbox.payloads import command_data
from bot.sandbox.snowflakes import shard_of

SHARDS = 2
REPORT_LIMIT = 64 * 1024 * 1024
REPO = Path(__file__).resolve().parent.parent
COMMANDS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("daily today", {}),
    ("log", {"minutes": 30, "kind": "coding"}),
)
#: A run of sends that each waited for the limiter: the limiter, not the bot, set the pace.
QUEUED_WAIT = 0.002
MIN_QUEUED_RUN = 5


@dataclass
class ShardResult:
    shard: int
    startup_seconds: float
    ready: dict[str, Any]
    report: dict[str, Any]
    day_seconds: float
    interactions: list[float] = field(default_factory=list)

    @property
    def sends(self) -> int:
        return len(self.report["waits"])

    def queued_rate(self) -> tuple[float | None, int]:
        """Sends/s over the runs of consecutive sends that waited for the limiter, and how
        many sends those runs held (None: the limiter never had a queue)."""
        waits = sorted(self.report["waits"], key=lambda w: w[1])
        sends = 0
        seconds = 0.0
        run: list[float] = []
        for asked, got in [*waits, (0.0, 0.0)]:
            if got - asked > QUEUED_WAIT:
                run.append(got)
                continue
            if len(run) >= MIN_QUEUED_RUN:
                sends += len(run) - 1
                seconds += run[-1] - run[0]
            run = []
        if not seconds:
            return None, 0
        return sends / seconds, sends


@dataclass
class DayResult:
    guilds: int
    members: int
    dataset_seconds: float
    dataset_cached: bool
    shards: list[ShardResult]
    posts: dict[str, Counter[int]]
    dms: int
    dms_expected: int
    rate_limited: int
    wall_seconds: float
    #: Recipients of a due reminder who got no DM (user ids).
    missed_dms: list[int] = field(default_factory=list)

    def complete(self, world_guilds: list[int]) -> bool:
        return (
            all(self.posts[kind][g] == 1 for kind in ("daily", "qotd") for g in world_guilds)
            and self.dms == self.dms_expected
        )


async def _event(child: asyncio.subprocess.Process, want: str, within: float) -> dict[str, Any]:
    assert child.stdout is not None
    while True:
        line = await asyncio.wait_for(child.stdout.readline(), within)
        if not line:
            err = b""
            if child.stderr is not None:
                err = await child.stderr.read()
            raise RuntimeError(f"shard process ended: {err.decode()[-3000:]}")
        if line.startswith(b"{"):
            event: dict[str, Any] = json.loads(line)
            if event.get("event") == want:
                return event


def _send(child: asyncio.subprocess.Process, command: dict[str, Any]) -> None:
    assert child.stdin is not None
    child.stdin.write((json.dumps(command) + "\n").encode())


async def _drain_stderr(child: asyncio.subprocess.Process, sink: list[bytes]) -> None:
    """Keep the child's log from filling the pipe (a full pipe would block the bot)."""
    assert child.stderr is not None
    while line := await child.stderr.readline():
        sink.append(line)
        del sink[:-200]


def _answered(rec: Any) -> bool:
    return rec.response_type is not None


class Interactions:
    """Member commands sent one at a time into random guilds of both shards."""

    def __init__(self, world: World, interval: float) -> None:
        self.world = world
        self.fake = world.fake
        self.interval = interval
        self.samples: dict[int, list[float]] = {shard: [] for shard in range(SHARDS)}
        self.rng = random.Random(7)

    def _data(self, path: str, options: dict[str, Any]) -> Any:
        return command_data(self.fake.global_commands, path, options, lambda _o, v, _r: v)

    async def run(self) -> None:
        payloads = [self._data(path, options) for path, options in COMMANDS]
        while True:
            guild = self.rng.choice(self.world.guilds)
            user = self.fake.users[self.rng.choice(guild.senders)]
            fake_guild = self.fake.guilds[guild.guild_id]
            channel = self.fake.channels[fake_guild.system_channel_id or 0]
            rec, payload = self.fake.new_interaction(2, user, channel, self.rng.choice(payloads))
            began = time.perf_counter()
            await self.fake.dispatch("INTERACTION_CREATE", payload)
            await self.fake.wait_for(partial(_answered, rec), 60, "an answer")
            shard = shard_of(guild.guild_id, SHARDS)
            self.samples[shard].append(time.perf_counter() - began)
            await asyncio.sleep(self.interval)


async def run_day(
    base_url: str,
    guilds: int,
    members: int,
    *,
    send_rate: float,
    dm_rate: float,
    interaction_interval: float = 0.1,
    log: Callable[[str], None] = lambda _m: None,
) -> DayResult:
    """One simulated day on a fresh copy of the cached dataset; the copy is dropped after."""
    began = time.perf_counter()
    world = build_world(guilds, members)
    loaded = await ensure_dataset(base_url, world)
    log(f"dataset {loaded.name}: {'cached' if loaded.cached else f'{loaded.seconds:.1f} s'}")
    run_name = f"many_run_{os.getpid()}"
    url = await copy_database(base_url, loaded.name, run_name)
    fake = world.fake
    fake.enable_rate_limits(5, 5.0, global_limit=50, global_per=1.0)
    await fake.start()
    children: list[asyncio.subprocess.Process] = []
    logs: list[list[bytes]] = []
    tasks: list[asyncio.Task[None]] = []
    try:
        spawned = []
        for shard in range(SHARDS):
            spawned.append(time.perf_counter())
            child = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "benchmarks.many_child",
                fake.api_base,
                fake.gateway_url,
                url,
                str(shard),
                str(SHARDS),
                str(send_rate),
                str(dm_rate),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                # The report line carries every send's limiter wait: past the default 64 KiB.
                limit=REPORT_LIMIT,
                env={**os.environ, "PYTHONPATH": str(REPO)},
                cwd=REPO,
            )
            children.append(child)
        startup: list[float] = []
        ready: list[dict[str, Any]] = []
        for child, at in zip(children, spawned, strict=True):
            ready.append(await _event(child, "ready", 300))
            startup.append(time.perf_counter() - at)
            logs.append([])
            tasks.append(asyncio.create_task(_drain_stderr(child, logs[-1])))
        log(f"ready in {', '.join(f'{s:.1f} s' for s in startup)}: {ready}")
        interactions = Interactions(world, interaction_interval)
        driver = asyncio.create_task(interactions.run())
        day_began = time.perf_counter()
        for hour in range(1, 25):
            # Up to 23:59, not 24:00: a job at 00:00 UTC sharp would fire at both ends.
            step = timedelta(hours=hour) - (timedelta(minutes=1) if hour == 24 else timedelta())
            instant = (DAY_START + step).isoformat()
            for child in children:
                _send(child, {"advance": instant})
            steps = [await _event(child, "advanced", 600) for child in children]
            log(
                f"hour {hour:2d}: "
                + "; ".join(f"{s['runs']} jobs {s['seconds']:.1f} s" for s in steps)
            )
            if driver.done():
                driver.result()
        day_seconds = time.perf_counter() - day_began
        driver.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await driver
        reports = []
        for child in children:
            _send(child, {"report": True})
            reports.append(await _event(child, "report", 120))
        shards = [
            ShardResult(
                shard,
                startup[shard],
                ready[shard],
                reports[shard],
                day_seconds,
                interactions.samples[shard],
            )
            for shard in range(SHARDS)
        ]
        posts, dms, dmed = _count_posts(world)
        return DayResult(
            guilds=guilds,
            members=members,
            dataset_seconds=loaded.seconds,
            dataset_cached=loaded.cached,
            shards=shards,
            posts=posts,
            dms=dms,
            dms_expected=sum(len(g.recipients) for g in world.guilds),
            rate_limited=fake.rate_limited_count,
            wall_seconds=time.perf_counter() - began,
            missed_dms=[u for g in world.guilds for u in g.recipients if u not in dmed],
        )
    finally:
        for child in children:
            if child.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    child.kill()
                await child.wait()
        for task in tasks:
            task.cancel()
        await fake.close()
        await drop_database(base_url, run_name)


def _count_posts(world: World) -> tuple[dict[str, Counter[int]], int, set[int]]:
    """Scheduled posts per guild (bot messages with an embed in its daily or interview
    channel, not interaction answers) and DMs sent."""
    where = {}
    for g in world.guilds:
        where[g.daily_channel_id] = ("daily", g.guild_id)
        where[g.interview_channel_id] = ("qotd", g.guild_id)
    posts: dict[str, Counter[int]] = {"daily": Counter(), "qotd": Counter()}
    dms = 0
    dmed: set[int] = set()
    fake = world.fake
    for message in fake.messages.values():
        if message.deleted or message.interaction_id is not None or not message.embeds:
            continue
        if message.channel_id in where:
            kind, guild_id = where[message.channel_id]
            posts[kind][guild_id] += 1
            continue
        channel = fake.channels.get(message.channel_id)
        if channel is not None and channel.guild_id is None and channel.recipient is not None:
            dms += 1
            dmed.add(channel.recipient.id)
    return posts, dms, dmed
