"""Work done behind an event handler, in order, in batches: `BatchWorker`.

A gateway handler that must answer in microseconds (10,000 members joining voice rooms in a
minute) hands its writes to a worker instead of awaiting a transaction per event: the worker
takes everything queued so far as one batch (one transaction for the lot, "group commit"),
and while it writes, the next batch gathers. Items are handled in the order they were
submitted.

The worker's task exists only while there is work, and is named `studybot: <name>` (a test
harness can wait for the bot's background work by that prefix; the sandbox's idle wait
does). A failed batch is logged with its size and dropped: the caller's in-memory state stays
right, and the feature decides what a lost write means (see its docs).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

#: The prefix of every background task the bot names (`BatchWorker` and friends).
TASK_PREFIX = "studybot: "


class BatchWorker(Generic[T]):
    """Runs `handle(batch)` for submitted items, in order, at most `max_batch` at a time."""

    def __init__(
        self, name: str, handle: Callable[[list[T]], Awaitable[None]], *, max_batch: int = 500
    ) -> None:
        self.name = name
        self.handle = handle
        self.max_batch = max_batch
        self._queue: deque[T] = deque()
        self._task: asyncio.Task[None] | None = None
        #: Items handled and batches run, for the operator's logs and the benchmarks.
        self.handled = 0
        self.batches = 0
        self.failed = 0

    @property
    def pending(self) -> int:
        """Items submitted and not handled yet (the batch being written included)."""
        return len(self._queue) + self._in_flight

    _in_flight = 0

    def submit(self, item: T) -> None:
        """Queue `item`; never awaits, never raises."""
        self._queue.append(item)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name=f"{TASK_PREFIX}{self.name}"
            )

    async def _run(self) -> None:
        while self._queue:
            batch = [self._queue.popleft() for _ in range(min(self.max_batch, len(self._queue)))]
            self._in_flight = len(batch)
            try:
                await self.handle(batch)
            except Exception:
                self.failed += len(batch)
                log.exception(
                    "%s: a batch of %s items failed and was dropped", self.name, len(batch)
                )
            else:
                self.handled += len(batch)
            finally:
                self._in_flight = 0
                self.batches += 1

    async def drain(self) -> None:
        """Wait until everything submitted so far (and since) is handled."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)
