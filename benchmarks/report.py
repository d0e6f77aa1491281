"""The results table and BENCHMARKS.md (only the part between the result markers is
rewritten; the analysis around it is kept)."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.data import DatasetInfo
from benchmarks.harness import Context, Measurement

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
        "sqlite": sqlite3.sqlite_version,
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
        return "pass" if result.passed else "over (not enforced in --quick)"
    return "pass" if result.passed else "**MISS**"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_table(results: list[Measurement], *, quick: bool) -> str:
    lines = [
        "| Measurement | Median | Target | Result | Notes |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {_cell(r.what)} | {r.shown()} | {_cell(r.target) or '—'} | "
            f"{_verdict(r, quick)} | {_cell(r.note)} |"
        )
    return "\n".join(lines)


def render_results(
    results: list[Measurement],
    before: dict[str, Any],
    after: dict[str, Any],
    command: str,
    data: DatasetInfo,
    elapsed: float,
    ctx: Context,
) -> str:
    rows = ", ".join(f"{table} {count:,}" for table, count in data.rows.items())
    load_before = " / ".join(f"{x:.1f}" for x in before["load"])
    load_after = " / ".join(f"{x:.1f}" for x in after["load"])
    return "\n".join(
        [
            START,
            "",
            f"Run of {after['when']} (commit `{before['commit']}`), {elapsed / 60:.1f} min.",
            "",
            f"- Machine: `nproc` = {before['nproc']}, {before['cpu']}, "
            f"{before['memory_gb']:.1f} GB RAM; {before['platform']}",
            f"- Python {before['python']}, SQLite {before['sqlite']} (aiosqlite, WAL)",
            f"- Load average (1/5/15 min) at start {load_before}, at end {load_after} "
            "(other processes shared the cores)",
            f"- Command: `{command}`",
            f"- Dataset: {ctx.members:,} members, seed {data.seed}, generated in "
            f"{data.seconds:.1f} s: {rows}",
            f"- Repetitions: medians of {ctx.runs} runs ({ctx.slow_runs} for the slow naive "
            "baselines, start-up and memory subprocesses); latency rows give p99 over their "
            "samples",
            "",
            render_table(results, quick=False),
            "",
            END,
        ]
    )


TEMPLATE = """# Benchmarks

How the bot scales to a guild of 100,000 members on a small machine, measured against naive
designs in the same run. Regenerate with `python -m benchmarks` (full, ~10 minutes, rewrites
the results below) or `python -m benchmarks --quick` (10k members, for CI: fails when a
ratio target is missed).

{results}
"""


def update_markdown(
    path: Path,
    results: list[Measurement],
    before: dict[str, Any],
    after: dict[str, Any],
    command: str,
    data: DatasetInfo,
    elapsed: float,
    ctx: Context,
) -> None:
    block = render_results(results, before, after, command, data, elapsed, ctx)
    if path.exists():
        text = path.read_text(encoding="utf-8")
        if START in text and END in text:
            head, rest = text.split(START, 1)
            _, tail = rest.split(END, 1)
            path.write_text(head + block + tail, encoding="utf-8")
            return
    path.write_text(TEMPLATE.format(results=block), encoding="utf-8")
