"""CPU-heavy pure work (the pitfall sweep's rules) in worker processes.

A worker *thread* keeps such work off the event loop but not off the interpreter lock: the
sweep's rules (about a second of CPU for 100k members) in a thread take the lock in 5 ms
turns from the loop, and every member's command waits its turns behind them. A process has
its own interpreter: the work runs on another core and the loop only pickles the arguments
and the answer. That round trip has a price, so short work (the `/progress` chart, ~100 ms)
stays in a thread: measured, its p99 was lower that way (`bot.progress.charts.render`).

`CpuWorkers(n)` is a pool of `n` spawned processes (spawn, not fork: a fork of a process
that runs database and executor threads can inherit a held lock). `n = 0` runs the same
functions in a thread instead (the test suite's default, where a process per test bot would
cost a second each). The functions must be importable module-level functions with picklable
arguments. A pool whose process died (killed, out of memory) is replaced and the call
retried once; a second failure is the caller's error.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Any, ParamSpec, TypeVar

log = logging.getLogger(__name__)

#: How often a worker checks that the bot's process is still its parent.
PARENT_CHECK_SECONDS = 1.0

P = ParamSpec("P")
T = TypeVar("T")


class CpuWorkers:
    """`await workers.run(fn, *args)`: `fn(*args)` in a worker process (or a thread)."""

    def __init__(self, processes: int) -> None:
        if processes < 0:
            raise ValueError("processes must be 0 (threads) or more")
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        self._closed = False

    def _executor(self) -> ProcessPoolExecutor:
        if self._closed:
            raise RuntimeError("the worker processes were closed")
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=exit_with_parent,
                initargs=(os.getpid(),),
            )
        return self._pool

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`fn(*args, **kwargs)` off this interpreter (in a thread when `processes` is 0)."""
        call = partial(fn, *args, **kwargs)
        if self.processes == 0:
            return await asyncio.to_thread(call)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor(), call)
        except BrokenProcessPool:
            log.warning("a worker process died; starting a new pool and retrying once")
            self._discard()
            return await loop.run_in_executor(self._executor(), call)

    def start(self, *warm_ups: Callable[[], Any]) -> None:
        """Start the processes now and run `warm_ups` in them (imports a first call would
        otherwise wait for), without waiting: a failure is logged, never raised."""
        if self.processes == 0 or self._closed:
            return
        pool = self._executor()
        for _ in range(self.processes):
            for warm_up in warm_ups:
                pool.submit(warm_up).add_done_callback(_log_failure)

    def _discard(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        """Stop the processes (calls still queued are cancelled); later `run`s fail."""
        self._closed = True
        self._discard()


def exit_with_parent(
    parent: int,
    *,
    parent_now: Callable[[], int] = os.getppid,
    wait: Callable[[float], None] = time.sleep,
    exit_now: Callable[[int], None] = os._exit,
    background: bool = True,
) -> None:
    """In a worker: end this process when the bot's process is gone. A worker holds both
    ends of its task queue, so a bot killed without `close` would otherwise leave it
    waiting forever (holding the bot's stdout open, too)."""

    def watch() -> None:
        while parent_now() == parent:
            wait(PARENT_CHECK_SECONDS)
        exit_now(0)

    if background:
        threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
    else:
        watch()


def _log_failure(future: Any) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.warning("a worker process's warm-up failed: %s", future.exception())
