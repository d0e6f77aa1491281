"""Smoke test of the benchmark suite: the generator and every benchmark run on a tiny guild.

No timing assertions (CI machines vary; `python -m benchmarks --quick` checks the ratio
targets): this only proves the harness works against the current schema and services.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from benchmarks import (
    bench_dispatch,
    bench_interactions,
    bench_pitfalls,
    bench_schedule,
    bench_sends,
    bench_startup,
    bench_voice,
    bench_web,
)
from benchmarks.data import DatasetInfo, dataset
from benchmarks.harness import Context, Measurement, percentile
from benchmarks.report import render_table, update_markdown
from benchmarks.world import FAKE_MEMBERS, Layout, bot_factory

MEMBERS = FAKE_MEMBERS + 50

# The benchmarks measure the default deployment: their dataset is a SQLite file generated and
# prepared with sqlite3 (a PostgreSQL run of them would need a dataset loader of its own).
sqlite_dataset = pytest.mark.sqlite_only(reason="the benchmark dataset is a SQLite file")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Layout, DatasetInfo, Path]:
    root = tmp_path_factory.mktemp("bench")
    layout = Layout.build()
    return layout, dataset(layout, MEMBERS, cache_dir=root / "cache"), root


@pytest.fixture
def ctx(tiny: tuple[Layout, DatasetInfo, Path], tmp_path: Path) -> Context:
    layout, data, _ = tiny
    return Context(
        quick=True,
        members=MEMBERS,
        runs=1,
        slow_runs=1,
        layout=layout,
        data=data,
        work=tmp_path,
        log=lambda _message: None,
    )


def _check(results: list[Measurement], keys: set[str]) -> None:
    assert {r.key for r in results} >= keys
    for result in results:
        assert result.value is not None, result
    assert render_table(results, quick=True).count("\n") == len(results) + 1


@sqlite_dataset
def test_generator_is_seeded_and_matches_the_layout(
    tiny: tuple[Layout, DatasetInfo, Path],
) -> None:
    layout, data, root = tiny
    assert data.rows["members"] == MEMBERS
    assert data.rows["activity"] > 10 * MEMBERS
    con = sqlite3.connect(data.path)
    try:
        users = [u for (u,) in con.execute("SELECT user_id FROM members ORDER BY user_id")]
        guilds = {g for (g,) in con.execute("SELECT DISTINCT guild_id FROM activity")}
    finally:
        con.close()
    assert users == list(layout.user_ids(MEMBERS))
    assert guilds == {layout.guild_id}
    again = dataset(layout, MEMBERS, cache_dir=root / "cache")
    assert again.cached and again.rows == data.rows


@sqlite_dataset
async def test_dispatch(ctx: Context, caplog: pytest.LogCaptureFixture) -> None:
    _check(await bench_dispatch.run(ctx), {"tick", "tick_per_row"})
    # A handler that fails is logged and retried, so the timing would still "work": the
    # benchmark measures the real path only when nothing failed.
    failures = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not failures, failures[:3]


@sqlite_dataset
async def test_schedule(ctx: Context) -> None:
    _check(
        await bench_schedule.run(ctx),
        {"schedule_startup", "schedule_build", "naive_startup", "naive_missed"},
    )


@sqlite_dataset
async def test_pitfalls(ctx: Context) -> None:
    _check(await bench_pitfalls.run(ctx), {"sweep", "sweep_naive", "sweep_ratio", "loop_lag"})


async def test_sends(ctx: Context, monkeypatch: pytest.MonkeyPatch, db_url: str) -> None:
    # This one needs no dataset, only a fresh database: the test backend's.
    monkeypatch.setattr(bench_sends, "QUICK_SENDS", 20)
    monkeypatch.setattr(bench_sends, "bot_factory", lambda _path, **kw: bot_factory(db_url, **kw))
    results = await bench_sends.run(ctx)
    _check(results, {"sends_rate", "sends_429"})


@sqlite_dataset
async def test_interactions(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench_interactions, "QUICK_SAMPLES", 2)
    results = await bench_interactions.run(ctx)
    _check(results, {f"latency_{key}" for key, *_ in bench_interactions.COMMANDS})
    assert all("errors logged" not in r.note for r in results)


@sqlite_dataset
async def test_startup_probe(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench_startup, "WARM_UP", False)
    _check(await bench_startup.run(ctx), {"startup", "rss"})


@sqlite_dataset
async def test_web(ctx: Context) -> None:
    results = await bench_web.run(ctx)
    _check(results, {"web_overview", "web_settings", "web_me", "web_board_minutes"})


async def test_voice(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench_voice, "MEMBERS", 40)
    monkeypatch.setattr(bench_voice, "NAIVE_MEMBERS", 10)
    monkeypatch.setattr(bench_voice, "COUNTED", 5)
    monkeypatch.setattr(bench_voice, "MINUTE", bench_voice.MINUTE / 20)  # a 3 s minute
    results = await bench_voice.run(ctx)
    _check(results, {"voice_handler", "voice_loop_block", "voice_ratio", "voice_counted"})
    assert all("errors logged" not in r.note for r in results)


def test_report_keeps_the_text_around_the_markers(ctx: Context, tmp_path: Path) -> None:
    from benchmarks.report import END, START, environment

    out = tmp_path / "BENCHMARKS.md"
    out.write_text(f"# Title\n\nintro\n\n{START}\nold\n{END}\n\n## Analysis\nkept\n")
    result = Measurement("x", "something", 1.5, "s", target="< 2 s", passed=True, kind="absolute")
    env = environment()
    update_markdown(out, [result], env, env, "python -m benchmarks", ctx.data, 60.0, ctx)
    text = out.read_text()
    assert text.startswith("# Title\n\nintro\n\n" + START)
    assert "old" not in text and "| something | 1.500 s | < 2 s | pass |" in text
    assert text.endswith("## Analysis\nkept\n")


def test_percentile_is_nearest_rank() -> None:
    samples = [float(i) for i in range(1, 101)]
    assert percentile(samples, 99) == 99.0
    assert percentile(samples, 50) == 50.0
    assert percentile([3.0], 99) == 3.0
