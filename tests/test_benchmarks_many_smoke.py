"""Smoke test of the many-servers benchmark on a tiny world: 4 guilds x 20 members, two shard
processes on one PostgreSQL database, one simulated day.

No timing assertions (speed lives in `benchmarks/`): this proves the dataset loads through
COPY against the current migrations, both processes serve their shard's guilds, and the day
posts each guild's daily prompt and question once and sends each due reminder DM once. Two
bot processes need PostgreSQL (SQLite is one process per file), so that part runs in the
PostgreSQL pass of `.ci/run`; without a server the benchmark reports one line saying why.
"""

from __future__ import annotations

import gc
import threading
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest
from sqlalchemy import make_url

from benchmarks import bench_many
from benchmarks.harness import CollectorWatch, Context
from benchmarks.many_data import build_world, database_name, drop_database
from benchmarks.many_day import SHARDS, run_day
from benchmarks.report import render_table
from benchmarks.stalls import StallSampler
from bot.sandbox.snowflakes import shard_of
from tests.backends import ON_POSTGRES, RAW_URL

GUILDS = 4
MEMBERS = 20

postgres_only = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="two bot processes need PostgreSQL (SQLite is one process per file); "
    ".ci/run runs this in its PostgreSQL pass",
)


def _ctx(backend: str) -> Context:
    return cast(Context, SimpleNamespace(quick=True, log=lambda _message: None, backend=backend))


async def test_the_sqlite_run_leaves_the_many_servers_day_to_postgresql() -> None:
    assert await bench_many.run(_ctx("sqlite")) == []


def test_the_day_runs_on_the_server_of_the_postgresql_run() -> None:
    server = make_url("postgresql+asyncpg://bench:secret@127.0.0.1:5432/studybot_bench_1")
    ctx = cast(
        Context, SimpleNamespace(backend="postgresql", source=SimpleNamespace(server=server))
    )
    assert (
        bench_many.postgres_url(ctx) == "postgresql+asyncpg://bench:secret@127.0.0.1:5432/postgres"
    )


def test_the_world_puts_half_the_guilds_on_each_shard() -> None:
    world = build_world(GUILDS, MEMBERS)
    shards = [shard_of(g.guild_id, SHARDS) for g in world.guilds]
    assert sorted(shards) == [0, 0, 1, 1]
    assert all(g.recipients and g.senders for g in world.guilds)
    assert database_name(GUILDS, MEMBERS).startswith("many_")


@postgres_only
async def test_a_tiny_day_on_two_shard_processes_posts_everything_once() -> None:
    try:
        result = await run_day(RAW_URL, GUILDS, MEMBERS, send_rate=40, dm_rate=10)
    finally:
        await drop_database(RAW_URL, database_name(GUILDS, MEMBERS))
    guild_ids = [g.guild_id for g in build_world(GUILDS, MEMBERS).guilds]
    assert result.posts["daily"] == dict.fromkeys(guild_ids, 1)
    assert result.posts["qotd"] == dict.fromkeys(guild_ids, 1)
    assert result.dms == result.dms_expected == GUILDS  # one live streak per guild
    assert result.complete(guild_ids)
    assert result.rate_limited == 0
    for shard in result.shards:
        assert shard.ready["guilds"] == GUILDS // SHARDS
        assert shard.report["job_runs"] > 0
        assert shard.sends >= 2 * (GUILDS // SHARDS)  # its guilds' posts went through it
        assert set(shard.report["collector"]) == {"0", "1", "2"}
    measured = bench_many.measurements(result)
    keys = {m.key for m in measured}
    assert keys >= {"many_day", "many_complete", "many_lag", "many_429", "many_startup"}
    assert next(m for m in measured if m.key == "many_complete").passed
    lag_note = next(m for m in measured if m.key == "many_lag").note
    assert all(f"{name} " in lag_note for name in ("gen 0", "gen 1", "full"))
    assert render_table(measured, quick=True).count("\n") == len(measured) + 1


def test_the_collector_watch_times_each_pass_by_generation() -> None:
    watch = CollectorWatch()
    with watch.watching():
        gc.collect()  # one full pass
        gc.collect(0)
    gc.collect()  # not watched any more
    summary = watch.summary()
    # (an automatic young pass may come in between: at least the two asked for)
    assert summary[0][0] >= 1 and summary[2][0] >= 1
    assert summary[2][1] > 0
    assert sum(len(times) for times in watch.passes.values()) == sum(n for n, _ in summary.values())


async def test_the_stall_sampler_finds_where_the_loop_thread_stood(tmp_path: Path) -> None:
    sampled = threading.Event()

    class Sampler(StallSampler):
        def _sample(self) -> None:
            super()._sample()
            sampled.set()

    sampler = Sampler(threshold=0.0, interval=0.001)
    async with sampler.running():
        # The loop's thread blocks (as a long synchronous call would) until it is sampled;
        # the timeout only keeps a broken sampler from hanging the suite.
        assert sampled.wait(timeout=30)
    where = [frame for stack in sampler.stacks for frame in stack]
    assert any("test_the_stall_sampler_finds_where_the_loop_thread_stood" in f for f in where)
    # The stall is named by the innermost frame of the project's own code: this test's.
    (_seconds, frames), *_ = sampler.longest()
    assert any("test_the_stall_sampler_finds_where" in frame for frame in frames)
    sampler.write(tmp_path / "stalls")
    written = (tmp_path / "stalls").read_text(encoding="utf-8")
    assert "stall of" in written and "samples" in written
    assert "test_the_stall_sampler" in written
