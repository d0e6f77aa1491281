"""`python -m benchmarks [--quick]`: run the suite, print the table, write BENCHMARKS.md.

Every benchmark runs on each backend (`--backends`, default both): SQLite, and PostgreSQL on
the server `--postgres URL` (or $STUDYBOT_BENCH_POSTGRES_URL) names; without one, the
PostgreSQL column says it was not run and why (a server given that cannot be reached is
an error: exit 1). The results table sets the backends side by side; the ratio targets are
enforced on every backend.

--quick   10k members, fewer repetitions of the slow naive baselines; for CI. Exits 1 when a
          ratio target (same-run ratio or count, e.g. "zero 429s") is missed or a benchmark
          crashed; absolute times are printed, not enforced (CI machines vary).
(full)    100k members; writes the results into BENCHMARKS.md (between its result markers)
          and exits 1 when any target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from benchmarks.backends import (
    DEFAULT_PREFIX,
    ENV_PREFIX,
    ENV_SERVER,
    Backend,
    NotRun,
    choose,
)
from benchmarks.harness import Context, Measurement, run_module
from benchmarks.report import (
    Column,
    RunInfo,
    cpu_reference_ms,
    environment,
    environment_lines,
    render_table,
    update_markdown,
)
from benchmarks.world import Layout

MODULES = (
    "bench_dispatch",
    "bench_schedule",
    "bench_pitfalls",
    "bench_sends",
    "bench_interactions",
    "bench_startup",
    "bench_web",
    "bench_voice",
    "bench_jobs",
    "bench_many",
)
REPO = Path(__file__).resolve().parent.parent


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="10k members, for CI")
    parser.add_argument("--members", type=int, default=None, help="override the guild size")
    parser.add_argument("--only", default="", help="comma-separated modules, e.g. bench_sends")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "studybot-bench",
        help="where generated datasets are kept between runs",
    )
    parser.add_argument(
        "--work", type=Path, default=None, help="scratch folder (default: a new one, removed)"
    )
    parser.add_argument(
        "--backends",
        default="sqlite,postgresql",
        help="comma-separated: sqlite, postgresql (default both)",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get(ENV_SERVER, ""),
        metavar="URL",
        help=f"a PostgreSQL server, e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/postgres "
        f"(default ${ENV_SERVER}); the benchmarks create and drop their own databases on it",
    )
    parser.add_argument(
        "--db-prefix",
        default=os.environ.get(ENV_PREFIX, DEFAULT_PREFIX),
        help=f"name prefix of the databases made on the server (default ${ENV_PREFIX} or "
        f"{DEFAULT_PREFIX}); the dataset database is cached under it between runs",
    )
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument("--no-write", action="store_true", help="do not update BENCHMARKS.md")
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _crash(name: str, error: BaseException) -> Measurement:
    return Measurement(
        name,
        f"{name} crashed",
        None,
        "",
        passed=False,
        kind="ratio",
        note=f"{type(error).__name__}: {error}"[:300],
    )


def missed_targets(results: list[Measurement], *, quick: bool) -> list[Measurement]:
    """The enforced targets missed, on any backend: ratio targets (same-run ratios and
    counts) always, absolute ones in full runs only (CI machines vary)."""
    enforced = [r for r in results if r.kind == "ratio" or (not quick and r.kind != "info")]
    return [r for r in enforced if r.passed is False]


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    members = args.members or (10_000 if args.quick else 100_000)
    began = time.perf_counter()
    env_before = environment()
    layout = Layout.build()
    # A private scratch folder per run: two runs at once (CI and a developer, say) must not
    # overwrite each other's database copies.
    args.cache.mkdir(parents=True, exist_ok=True)
    work = args.work or Path(tempfile.mkdtemp(prefix="work-", dir=args.cache))
    chosen = choose(
        [name.strip() for name in args.backends.split(",") if name.strip()],
        server=args.postgres.strip() or None,
        prefix=args.db_prefix,
        cache_dir=args.cache,
        work=work,
    )
    info = RunInfo("", members, 5, 3 if args.quick else 5, columns=[], before=env_before)
    contexts: list[Context] = []
    crashed: list[str] = []
    for backend in chosen:
        if isinstance(backend, NotRun):
            log(f"{backend.name}: {backend.reason}")
            if backend.failed:
                crashed.append(f"{backend.name} server")
            info.columns.append(Column(backend.name, backend.reason))
            continue
        ready = _dataset(backend, layout, members, args.cache)
        if isinstance(ready, NotRun):
            crashed.append(f"{backend.name} dataset")
            info.columns.append(Column(backend.name, ready.reason))
            continue
        info.columns.append(Column(backend.name))
        info.described[backend.name] = backend.describe()
        info.datasets[backend.name] = ready
        contexts.append(
            Context(
                quick=args.quick,
                members=members,
                runs=info.runs,
                slow_runs=info.slow_runs,
                layout=layout,
                data=ready,
                work=work / backend.name,
                log=log,
                source=backend,
            )
        )
    # Writing a dataset leaves up to a gigabyte of dirty pages that the kernel writes back
    # over the next minutes, under the first benchmarks. With the fsync of each SQLite copy
    # (`data.copy_dataset`) and the CHECKPOINT after a PostgreSQL load (`pgdata`), every
    # benchmark starts from a settled disk (BENCHMARKS.md, "Method", says what it changed).
    synced = time.perf_counter()
    os.sync()
    log(f"flushed the datasets' writes to disk in {time.perf_counter() - synced:.1f} s")
    wanted = [m for m in MODULES if not args.only or m in args.only.split(",")]
    results: list[Measurement] = []
    for name in wanted:
        for ctx in contexts:
            reference = cpu_reference_ms()
            info.references[f"{name} on {ctx.backend}"] = reference
            log(f"running {name} on {ctx.backend} (host speed: reference loop {reference:.0f} ms)")
            started = time.perf_counter()
            try:
                module = importlib.import_module(f"benchmarks.{name}")
                produced = asyncio.run(run_module(module, ctx))
            except Exception as error:
                traceback.print_exc()
                crashed.append(f"{name} on {ctx.backend}")
                produced = [_crash(name, error)]
                produced[0].backend = ctx.backend
            for result in produced:
                log(f"  {result.key}: {result.shown()} {result.note}")
            results += produced
            log(f"{name} on {ctx.backend} took {time.perf_counter() - started:.1f} s")
    info.elapsed = time.perf_counter() - began
    info.after = environment()
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    print("\n".join(environment_lines(info)))
    print()
    print(render_table(results, info.columns, quick=args.quick))
    missed = missed_targets(results, quick=args.quick)
    if not args.quick and not args.no_write:
        info.command = "python -m benchmarks" + (f" --members {members}" if args.members else "")
        update_markdown(args.out, results, info)
        log(f"wrote {args.out}")
    log(f"finished in {info.elapsed:.0f} s; {len(missed)} enforced target(s) missed")
    for result in missed:
        log(
            f"  MISSED {result.key} on {result.backend}: {result.shown()} "
            f"(target {result.target}) {result.note}"
        )
    for what in crashed:
        log(f"  FAILED {what}")
    return 1 if missed or crashed else 0


def _dataset(backend: Backend, layout: Layout, members: int, cache: Path) -> Any:
    """The backend's dataset, or a NotRun saying why it could not be made."""
    log(f"{backend.name} dataset: {members:,} members (cache {cache})")
    try:
        made = backend.dataset(layout, members)
    except Exception as error:
        traceback.print_exc()
        return NotRun(
            backend.name, f"not run: the dataset failed: {type(error).__name__}: {error}"[:300]
        )
    log(
        f"{backend.name} dataset ready: {'cached, ' if made.cached else ''}generated in "
        f"{made.seconds:.1f} s; "
        + ", ".join(f"{table} {count:,}" for table, count in made.rows.items())
    )
    return made


if __name__ == "__main__":
    raise SystemExit(main())
