"""Smoke test of `benchmarks/bench_jobs.py` on a tiny guild: every job the bot ships runs
under the loop-lag monitor, and members' commands are answered while a sweep runs. No
timing assertions (speed lives in `python -m benchmarks`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import bench_interactions, bench_jobs
from benchmarks.data import dataset
from benchmarks.harness import Context
from benchmarks.world import FAKE_MEMBERS, Layout


@pytest.fixture
def ctx(tmp_path: Path) -> Context:
    # Generated outside the test's event loop (the generator runs the migrations itself).
    layout = Layout.build()
    members = FAKE_MEMBERS + 50
    return Context(
        quick=True,
        members=members,
        runs=1,
        slow_runs=1,
        layout=layout,
        data=dataset(layout, members, cache_dir=tmp_path / "cache"),
        work=tmp_path / "work",
        log=lambda _message: None,
    )


@pytest.mark.sqlite_only(reason="the benchmark dataset is a SQLite file")
async def test_jobs(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench_interactions, "QUICK_SAMPLES", 2)
    results = await bench_jobs.run(ctx)
    keys = {result.key for result in results}
    # The scheduler's jobs are found at run time: every kind the bot registers is there.
    for kind in ("daily", "qotd", "accountability", "board", "pitfalls", "dispatcher_tick"):
        assert f"jobs_job_{kind}" in keys, sorted(keys)
    for kind in ("rewards_scan", "rewards", "retention_purge", "change_feed", "focus_tick"):
        assert f"jobs_job_{kind}" in keys, sorted(keys)
    assert "jobs_healthz_and_metrics_scrape" in keys
    assert "jobs_web_snapshot_recount_overview" in keys
    assert {f"during_sweep_{key}" for key, *_ in bench_interactions.ALL_COMMANDS} <= keys
    assert all(result.value is not None for result in results)
    assert all("errors logged" not in result.note for result in results), results
