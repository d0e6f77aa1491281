"""CPU-heavy work runs in worker processes, survives a dead worker, and stops on close; the
serving bot's garbage-collector settings."""

from __future__ import annotations

import gc
import os
import signal
import threading
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot import testing
from bot.core.clock import FakeClock
from bot.core.gc_policy import SERVING_GC_THRESHOLDS
from bot.core.workers import CpuWorkers, exit_with_parent
from bot.sandbox import Sandbox
from tests.e2e.conftest import bot_of


def where() -> tuple[int, int]:
    """This process's id and this thread's."""
    return os.getpid(), threading.get_ident()


def add(a: int, b: int, *, times: int = 1) -> int:
    return (a + b) * times


@pytest.fixture
async def workers() -> AsyncIterator[CpuWorkers]:
    pool = CpuWorkers(1)
    try:
        yield pool
    finally:
        pool.close()


async def test_work_runs_in_another_process_with_its_arguments(workers: CpuWorkers) -> None:
    pid, _thread = await workers.run(where)
    assert pid != os.getpid()
    assert await workers.run(add, 2, 3, times=4) == 20


async def test_no_processes_means_a_thread_of_this_process() -> None:
    pool = CpuWorkers(0)
    pid, thread = await pool.run(where)
    assert pid == os.getpid() and thread != threading.get_ident()
    assert await pool.run(add, 1, 1) == 2


async def test_a_dead_worker_is_replaced_and_the_call_retried(workers: CpuWorkers) -> None:
    first, _thread = await workers.run(where)
    os.kill(first, signal.SIGKILL)
    second, _thread = await workers.run(where)
    assert second not in (first, os.getpid())


async def test_a_closed_pool_refuses_work() -> None:
    pool = CpuWorkers(1)
    assert await pool.run(add, 1, 2) == 3
    pool.close()
    with pytest.raises(RuntimeError, match="closed"):
        await pool.run(add, 1, 2)


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="processes"):
        CpuWorkers(-1)


async def test_a_bot_with_a_worker_process_runs_the_sweeps_rules_there(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = testing.settings(
        database_url=db_url, cpu_workers=1, send_rate_per_second=50, send_burst=50
    )
    clock = FakeClock(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))
    async with Sandbox(lambda: testing.build_bot(settings, clock)) as sb:
        alice = sb.member("alice")
        await sb.slash(alice, "log", minutes=400, kind="course")
        services = bot_of(sb).services
        workers = services.core.workers
        offloaded: list[str] = []
        run = workers.run

        async def spying(fn: Any, *args: Any, **kwargs: Any) -> Any:
            offloaded.append(fn.__name__)
            return await run(fn, *args, **kwargs)

        monkeypatch.setattr(workers, "run", spying)
        result = await services.pitfalls.sweep(sb.guild.id)
        assert result.members_evaluated >= 1
        assert "evaluate_whole_chunk" in offloaded
        pid, _thread = await run(where)
        assert pid != os.getpid()
    assert not sb.errors, sb.errors
    with pytest.raises(RuntimeError, match="closed"):
        await run(where)  # the bot's close stopped its workers


def test_a_worker_ends_itself_once_the_bot_process_is_gone() -> None:
    parents = iter([41, 41, 1])  # the bot's pid twice, then the re-parented orphan's
    waits: list[float] = []
    exits: list[int] = []
    exit_with_parent(
        41,
        parent_now=lambda: next(parents),
        wait=waits.append,
        exit_now=exits.append,
        background=False,
    )
    assert exits == [0] and len(waits) == 2


async def test_a_serving_bot_collects_young_objects_less_often_and_restores_it(
    db_url: str,
) -> None:
    before = gc.get_threshold()
    settings = testing.settings(database_url=db_url)
    clock = FakeClock(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))
    async with Sandbox(lambda: testing.build_bot(settings, clock)) as sb:
        assert gc.get_threshold() == SERVING_GC_THRESHOLDS
        assert gc.get_freeze_count() > 0
        assert sb.bot is not None
    assert gc.get_threshold() == before
