"""`BatchWorker`: items handled in order, in batches, by a task that exists only while there
is work; a failed batch is logged and dropped, the worker goes on."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.core.background import TASK_PREFIX, BatchWorker


async def test_items_are_handled_in_order_in_batches() -> None:
    seen: list[list[int]] = []
    gate = asyncio.Event()

    async def handle(batch: list[int]) -> None:
        seen.append(batch)
        await gate.wait()

    worker = BatchWorker("test", handle, max_batch=3)
    for item in range(1, 8):
        worker.submit(item)
    await asyncio.sleep(0)
    names = [t.get_name() for t in asyncio.all_tasks()]
    assert f"{TASK_PREFIX}test" in names
    assert worker.pending == 7
    gate.set()
    await worker.drain()
    assert seen == [[1, 2, 3], [4, 5, 6], [7]]
    assert (worker.handled, worker.batches, worker.pending) == (7, 3, 0)
    assert f"{TASK_PREFIX}test" not in [t.get_name() for t in asyncio.all_tasks()]


async def test_items_submitted_while_a_batch_is_written_form_the_next_batch() -> None:
    seen: list[list[int]] = []

    async def handle(batch: list[int]) -> None:
        seen.append(batch)
        if batch == [1]:
            worker.submit(2)
            worker.submit(3)
        await asyncio.sleep(0)

    worker = BatchWorker("test", handle)
    worker.submit(1)
    await worker.drain()
    assert seen == [[1], [2, 3]]


async def test_a_failed_batch_is_logged_and_the_next_one_still_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[int] = []

    async def handle(batch: list[int]) -> None:
        if batch == [1]:
            raise RuntimeError("database gone")
        seen.extend(batch)

    worker = BatchWorker("test", handle)
    with caplog.at_level(logging.ERROR):
        worker.submit(1)
        await worker.drain()
        worker.submit(2)
        await worker.drain()
    assert seen == [2] and worker.failed == 1
    assert "a batch of 1 items failed" in caplog.text
