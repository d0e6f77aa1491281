"""The results table and BENCHMARKS.md (only the part between the result markers is
rewritten; the analysis around it is kept)."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.backends import LABELS
from benchmarks.data import DatasetInfo
from benchmarks.harness import Measurement

START = "<!-- results:start (written by `python -m benchmarks`; edit outside the markers) -->"
END = "<!-- results:end -->"


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def environment() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    mem_kb = next(
        (
            int(line.split()[1])
            for line in _read("/proc/meminfo").splitlines()
            if line.startswith("MemTotal:")
        ),
        0,
    )
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 0
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            cwd=Path(__file__).resolve().parent.parent,
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "nproc": cores,
        "cpu": cpu,
        "memory_gb": mem_kb / 1024 / 1024,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "load": os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0),
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "commit": commit,
    }


def _verdict(result: Measurement, quick: bool) -> str:
    if result.passed is None:
        return "—"
    if result.kind == "info":
        return "would pass" if result.passed else "would miss"
    if quick and result.kind == "absolute":
        return "pass" if result.passed else "over, not enforced in --quick"
    return "pass" if result.passed else "**MISS**"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


@dataclass(frozen=True)
class Column:
    """One backend's column: its name, and why it did not run (None when it ran)."""

    backend: str
    not_run: str | None = None

    @property
    def label(self) -> str:
        return LABELS.get(self.backend, self.backend)

    def header(self) -> str:
        return self.label if self.not_run is None else f"{self.label}: {self.not_run}"


def _by_key(results: list[Measurement]) -> list[dict[str, Measurement]]:
    """Rows in order of first appearance, each {backend: measurement}."""
    rows: dict[str, dict[str, Measurement]] = {}
    for result in results:
        rows.setdefault(result.key, {})[result.backend] = result
    return list(rows.values())


def _shared(row: dict[str, Measurement], columns: list[Column], pick: str) -> str:
    """A text the backends share once; otherwise each backend's, labelled."""
    texts = {c.label: getattr(row[c.backend], pick) for c in columns if c.backend in row}
    distinct = {text for text in texts.values() if text}
    if len(distinct) <= 1:
        return next(iter(distinct), "")
    return "; ".join(f"{label}: {text}" for label, text in texts.items() if text)


def render_table(
    results: list[Measurement], columns: list[Column] | None = None, *, quick: bool = False
) -> str:
    """One row per measurement, the backends side by side (value and verdict each)."""
    if columns is None:
        columns = [Column(b) for b in dict.fromkeys(r.backend for r in results)]
    heads = " | ".join(_cell(c.header()) for c in columns)
    lines = [
        f"| Measurement | Target | {heads} | Notes |",
        "|---|---|" + "---|" * len(columns) + "---|",
    ]
    for row in _by_key(results):
        cells = []
        for column in columns:
            result = row.get(column.backend)
            if result is None:
                cells.append("—")
                continue
            verdict = _verdict(result, quick)
            cells.append(result.shown() + ("" if verdict == "—" else f" ({verdict})"))
        first = next(iter(row.values()))
        target = _cell(_shared(row, columns, "target")) or "—"
        notes = _cell(_shared(row, columns, "note"))
        lines.append(f"| {_cell(first.what)} | {target} | {' | '.join(cells)} | {notes} |")
    return "\n".join(lines)


@dataclass
class RunInfo:
    """What the report says about a run besides the measurements."""

    command: str
    members: int
    runs: int
    slow_runs: int
    columns: list[Column]
    #: backend -> its description (version, settings) and its dataset.
    described: dict[str, str] = field(default_factory=dict)
    datasets: dict[str, DatasetInfo] = field(default_factory=dict)
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    elapsed: float = 0.0
    #: "module on backend" -> `cpu_reference_ms()` just before it ran.
    references: dict[str, float] = field(default_factory=dict)


#: Loop iterations of `cpu_reference_ms` (60-80 ms on this project's 2-core machines).
REFERENCE_LOOPS = 1_000_000
_clock = time.perf_counter


def cpu_reference_ms(repeats: int = 5) -> float:
    """How fast the host runs Python right now: the median ms of a fixed pure-Python loop.

    On a shared virtual machine the same loop varies by half within minutes while the load
    average stays flat (the neighbours' load is not ours to see): measured before each
    benchmark, it says which absolute times were taken on a slow stretch."""
    samples = []
    for _ in range(repeats):
        began = _clock()
        total = 0
        for number in range(REFERENCE_LOOPS):
            total += number * number % 7
        samples.append((_clock() - began) * 1000)
    return statistics.median(samples)


def _load(env: dict[str, Any]) -> str:
    return " / ".join(f"{x:.1f}" for x in env.get("load", ()))


def environment_lines(info: RunInfo) -> list[str]:
    before = info.before
    lines = [
        f"- Machine: `nproc` = {before['nproc']}, {before['cpu']}, "
        f"{before['memory_gb']:.1f} GB RAM; {before['platform']}; Python {before['python']}",
    ]
    for column in info.columns:
        what = info.described.get(column.backend) or column.not_run or ""
        lines.append(f"- {column.label}: {what}")
        data = info.datasets.get(column.backend)
        if data is not None:
            how = "COPY" if data.backend == "postgresql" else "executemany"
            rows = ", ".join(f"{table} {count:,}" for table, count in data.rows.items())
            phases = ", ".join(f"{name} {s:.1f} s" for name, s in data.phases.items())
            lines.append(
                f"  - dataset: {info.members:,} members, seed {data.seed}, loaded with {how} "
                f"in {data.seconds:.1f} s ({phases}){' (cached)' if data.cached else ''}: "
                f"{rows}"
            )
    lines.append(
        f"- Load average (1/5/15 min) at start {_load(info.before)}, at end "
        f"{_load(info.after) or 'n/a'} (other processes shared the cores)"
    )
    if info.references:
        values = info.references.values()
        each = ", ".join(f"{name} {ms:.0f}" for name, ms in info.references.items())
        lines.append(
            f"- Host speed: a fixed pure-Python loop (`report.cpu_reference_ms`, lower is "
            f"faster) took {min(values):.0f}-{max(values):.0f} ms before the benchmarks "
            f"({each}); absolute times scale with it"
        )
    return lines


def render_results(results: list[Measurement], info: RunInfo) -> str:
    return "\n".join(
        [
            START,
            "",
            f"Run of {info.after['when']} (commit `{info.before['commit']}`), "
            f"{info.elapsed / 60:.1f} min.",
            "",
            *environment_lines(info),
            f"- Command: `{info.command}`",
            f"- Repetitions: medians of {info.runs} runs ({info.slow_runs} for the slow naive "
            "baselines, start-up and memory subprocesses); latency rows give p99 over their "
            "samples",
            "",
            render_table(results, info.columns, quick=False),
            "",
            END,
        ]
    )


TEMPLATE = """# Benchmarks

How the bot scales to a guild of 100,000 members on a small machine, measured against naive
designs in the same run, on SQLite and on PostgreSQL. Regenerate with `python -m benchmarks`
(full, rewrites the results below) or `python -m benchmarks --quick` (10k members, for CI:
fails when a ratio target is missed).

{results}
"""


def update_markdown(path: Path, results: list[Measurement], info: RunInfo) -> None:
    block = render_results(results, info)
    if path.exists():
        text = path.read_text(encoding="utf-8")
        if START in text and END in text:
            head, rest = text.split(START, 1)
            _, tail = rest.split(END, 1)
            path.write_text(head + block + tail, encoding="utf-8")
            return
    path.write_text(TEMPLATE.format(results=block), encoding="utf-8")
