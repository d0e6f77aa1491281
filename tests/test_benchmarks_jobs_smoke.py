"""Smoke test of `benchmarks/bench_jobs.py` on the tiny guild of `test_benchmarks_smoke` (and
its backend): every job the bot ships runs under the loop-lag monitor, and members' commands
are answered while a sweep runs. No timing assertions (speed lives in `python -m benchmarks`)."""

from __future__ import annotations

import pytest

from benchmarks import bench_interactions, bench_jobs
from benchmarks.harness import Context, run_module
from tests.test_benchmarks_smoke import ctx, tiny

__all__ = ["ctx", "tiny"]  # the tiny dataset's fixtures, shared with the suite's smoke test


async def test_jobs(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench_interactions, "QUICK_SAMPLES", 2)
    results = await run_module(bench_jobs, ctx)
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
    assert all(result.backend == ctx.backend for result in results)
    assert all("errors logged" not in result.note for result in results), results
