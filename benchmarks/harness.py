"""Timing, results, the backends and the event-loop lag monitor shared by every benchmark.

A benchmark module is `async def run(ctx: Context) -> list[Measurement]`. The suite calls it
once per backend (SQLite, then PostgreSQL), each time in a fresh event loop; the module never
needs to know which, except through the database URLs it is given:

    url = await ctx.database("pitfalls")  # a private, writable copy of the dataset
    store = Store(url)                     # ... or bot_factory(url), or a subprocess
    ...
    await store.close()                    # close what you opened; the copy is dropped
                                           # by the harness after run() returns

`await ctx.database(name, empty=True)` gives a database with no tables instead (the bot
migrates it when it starts). `ctx.backend` is "sqlite" or "postgresql", for the few places
that must differ (a target of the backend's own, a note); a module that means nothing on
one backend returns [] there. `ctx.data.url` is the cached original: read it, never write.
Raw `sqlite3` on a copy cannot work on PostgreSQL: prepare rows through SQLAlchemy
(`Store.begin()`). Measurements need not say their backend: the harness stamps it.

Every figure is the median of >= 5 runs timed with `time.perf_counter`; ratios compare two
designs measured in the same process, one right after the other, so machine noise (other
work on a shared 2-core box) hits both sides alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import inspect
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from benchmarks.backends import Backend
from benchmarks.data import DatasetInfo
from benchmarks.world import Layout

Kind = Literal["ratio", "absolute", "info"]


@dataclass
class Measurement:
    """One row of the results table.

    kind "ratio": a same-run ratio (or a count like "zero 429s"); enforced in --quick too.
    kind "absolute": a time/size target; reported in --quick, enforced in the full run.
    kind "info": reported only (the naive design's figures, breakdowns).
    """

    key: str
    what: str
    value: float | None
    unit: str
    target: str = ""
    passed: bool | None = None
    kind: Kind = "info"
    samples: list[float] = field(default_factory=list)
    note: str = ""
    #: Set by the harness: the backend this was measured on.
    backend: str = "sqlite"

    def shown(self) -> str:
        return format_value(self.value, self.unit)


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:,.0f} ms"
    if unit == "x":
        return f"{value:.1f}x"
    if unit == "%":
        return f"{value:.1f} %"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "":
        return f"{value:g}"
    return f"{value:.3g} {unit}"


@dataclass
class Context:
    """What a benchmark module gets: the mode, the backend, the dataset and a scratch folder."""

    quick: bool
    members: int
    runs: int
    #: Runs for the slow naive-design experiments (3 in --quick to stay near a minute).
    slow_runs: int
    layout: Layout
    data: DatasetInfo
    work: Path
    log: Callable[[str], None]
    #: Where `database()` copies come from (see benchmarks.backends).
    source: Backend
    _made: list[str] = field(default_factory=list, init=False, repr=False)
    _lock: asyncio.Lock | None = field(default=None, init=False, repr=False)

    @property
    def backend(self) -> str:
        """ "sqlite" or "postgresql"."""
        return self.source.name

    def scratch(self, name: str) -> Path:
        """A path for files of this run (not a database: use `database()`)."""
        path = self.work / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    async def database(self, name: str, *, empty: bool = False) -> str:
        """A private, writable copy of the dataset as a database URL (with `empty`, a
        database with no tables); dropped by the harness when `run()` returns."""
        # One copy at a time: PostgreSQL copies a template only while nobody else uses it.
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            began = time.perf_counter()
            url = await self.source.copy(self.data, name, empty=empty)
        what = "an empty database" if empty else "a copy of the dataset"
        self.log(f"  {name}: {what} on {self.backend} in {time.perf_counter() - began:.1f} s")
        self._made.append(url)
        return url

    async def release(self) -> None:
        """Drop every database `database()` made."""
        while self._made:
            await self.source.drop(self._made.pop())


async def run_module(module: Any, ctx: Context) -> list[Measurement]:
    """`module.run(ctx)`, its measurements stamped with the backend, its copies dropped."""
    try:
        results: list[Measurement] = await module.run(ctx)
    finally:
        await ctx.release()
    for result in results:
        result.backend = ctx.backend
    return results


async def _call(fn: Callable[[], Any]) -> Any:
    result = fn()
    if inspect.isawaitable(result):
        return await result
    return result


async def time_runs(
    body: Callable[[], Any],
    runs: int,
    *,
    setup: Callable[[], Any] | None = None,
    teardown: Callable[[], Any] | None = None,
) -> list[float]:
    """Seconds per run of `body` (sync or async); `setup`/`teardown` are not timed."""
    samples: list[float] = []
    for _ in range(runs):
        if setup is not None:
            await _call(setup)
        began = time.perf_counter()
        await _call(body)
        samples.append(time.perf_counter() - began)
        if teardown is not None:
            await _call(teardown)
    return samples


def sqlite_ratio(backend: str, key: str, what: str, ratio: float, minimum: float) -> Measurement:
    """A same-run ratio that issue 16 sets for SQLite only (PostgreSQL's target for the same
    work is an absolute time): enforced on SQLite, reported on PostgreSQL."""
    if backend == "sqlite":
        target = f">= {minimum:g}x"
        return Measurement(key, what, ratio, "x", target, ratio >= minimum, kind="ratio")
    return Measurement(key, what, ratio, "x", "reported (its time is the target)", kind="info")


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100): with n samples, p99 is the ceil(0.99 n)-th."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


class LagMonitor:
    """Sleeps `interval` in a loop and records how late each wake-up was (the overshoot).

    Anything that blocks the event loop (CPU work in a coroutine, a synchronous call) shows up
    as overshoot: that is how long every other coroutine — gateway heartbeats, interaction
    answers — had to wait.
    """

    def __init__(self, interval: float = 0.010) -> None:
        self.interval = interval
        self.overshoots: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            began = loop.time()
            await asyncio.sleep(self.interval)
            self.overshoots.append(max(0.0, loop.time() - began - self.interval))

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[LagMonitor]:
        self._task = asyncio.create_task(self._run(), name="bench-lag-monitor")
        await asyncio.sleep(0)
        try:
            yield self
        finally:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    @property
    def max_lag(self) -> float:
        return max(self.overshoots, default=0.0)


class CollectorWatch:
    """Times the garbage collector's passes by generation (`gc.callbacks`): a full pass
    stops the loop for as long as it walks every object not frozen, so a loop block with as
    long a full pass beside it was the collector."""

    def __init__(self) -> None:
        self.passes: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self._began = 0.0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.passes[info["generation"]].append(time.perf_counter() - self._began)

    @contextlib.contextmanager
    def watching(self) -> Iterator[CollectorWatch]:
        gc.callbacks.append(self._callback)
        try:
            yield self
        finally:
            gc.callbacks.remove(self._callback)

    def summary(self) -> dict[int, tuple[int, float]]:
        """Generation -> (passes, longest in ms)."""
        return {
            generation: (len(times), 1000 * max(times, default=0.0))
            for generation, times in self.passes.items()
        }


class CpuLagMonitor(LagMonitor):
    """The lag monitor that also records the loop thread's own CPU time in each interval:
    an overshoot with little CPU was the OS running other processes (a loaded machine), one
    with as much CPU was this process blocking its loop."""

    def __init__(self) -> None:
        super().__init__()
        self.cpu: list[float] = []

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            began, cpu = loop.time(), time.thread_time()
            await asyncio.sleep(self.interval)
            self.overshoots.append(max(0.0, loop.time() - began - self.interval))
            self.cpu.append(time.thread_time() - cpu)

    def worst_cpu(self) -> float:
        """The loop thread's CPU time in the interval with the longest overshoot (seconds)."""
        index = max(range(len(self.overshoots)), key=self.overshoots.__getitem__)
        return self.cpu[index]

    def own_block(self) -> float:
        """An upper bound of the longest block this process itself caused: per interval, the
        overshoot, but no more than the loop thread's CPU in it (seconds)."""
        return max((min(o, c) for o, c in zip(self.overshoots, self.cpu, strict=True)), default=0)


async def with_lag(work: Awaitable[Any], interval: float = 0.010) -> tuple[Any, LagMonitor]:
    monitor = LagMonitor(interval)
    async with monitor.running():
        result = await work
    return result, monitor


def rss_mb() -> float:
    """This process's resident set size now (VmRSS), in MB."""
    return _status_kb("VmRSS") / 1024


def peak_rss_mb() -> float:
    """This process's peak resident set size (VmHWM), in MB."""
    return _status_kb("VmHWM") / 1024


def children_rss_mb() -> float:
    """The resident set size of this process's live child processes (the bot's worker
    processes, `bot.core.workers`), in MB."""
    import multiprocessing

    return sum(
        _status_kb("VmRSS", f"/proc/{child.pid}/status") / 1024
        for child in multiprocessing.active_children()
    )


def _status_kb(field_name: str, path: str = "/proc/self/status") -> float:
    with open(path, encoding="ascii") as status:
        for line in status:
            if line.startswith(field_name + ":"):
                return float(line.split()[1])
    import resource

    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
