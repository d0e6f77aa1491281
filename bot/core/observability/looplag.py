"""A small probe of the event loop's lag: how late a timer fires.

Every `interval` seconds the probe asks to be woken after `interval` seconds and measures
how much later it actually ran. A loop kept busy (a long synchronous call, a flood of
events) wakes it late; the lag is reported to a callback (the metrics gauge).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

DEFAULT_INTERVAL_SECONDS = 1.0


class LoopLagProbe:
    """Measures event-loop lag in a background task of its own (kept, cancelled on stop)."""

    def __init__(
        self,
        report: Callable[[float], None],
        *,
        interval: float = DEFAULT_INTERVAL_SECONDS,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        now: Callable[[], float] | None = None,
    ) -> None:
        self.report = report
        self.interval = interval
        self._sleep = sleep
        self._now = now
        self._task: asyncio.Task[None] | None = None

    def _time(self) -> float:
        return self._now() if self._now is not None else asyncio.get_running_loop().time()

    async def sample(self) -> float:
        """Sleep one interval and report how much later than asked the probe woke."""
        started = self._time()
        await self._sleep(self.interval)
        lag = max(0.0, self._time() - started - self.interval)
        self.report(lag)
        return lag

    async def _run(self) -> None:
        while True:
            await self.sample()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="studybot-loop-lag")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
