"""`python -m benchmarks [--quick]`: run the suite, print the table, write BENCHMARKS.md.

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
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

from benchmarks.data import dataset
from benchmarks.harness import Context, Measurement
from benchmarks.report import environment, render_table, update_markdown
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
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    parser.add_argument("--no-write", action="store_true", help="do not update BENCHMARKS.md")
    return parser.parse_args(argv)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    members = args.members or (10_000 if args.quick else 100_000)
    began = time.perf_counter()
    env_before = environment()
    layout = Layout.build()
    log(f"dataset: {members:,} members (cache {args.cache})")
    data = dataset(layout, members, cache_dir=args.cache)
    log(
        f"dataset ready: {'cached, ' if data.cached else ''}generated in {data.seconds:.1f} s; "
        + ", ".join(f"{table} {count:,}" for table, count in data.rows.items())
    )
    # A private scratch folder per run: two runs at once (CI and a developer, say) must not
    # overwrite each other's database copies.
    args.cache.mkdir(parents=True, exist_ok=True)
    work = args.work or Path(tempfile.mkdtemp(prefix="work-", dir=args.cache))
    ctx = Context(
        quick=args.quick,
        members=members,
        runs=5,
        slow_runs=3 if args.quick else 5,
        layout=layout,
        data=data,
        work=work,
        log=log,
    )
    wanted = [m for m in MODULES if not args.only or m in args.only.split(",")]
    results: list[Measurement] = []
    crashed: list[str] = []
    for name in wanted:
        log(f"running {name}")
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"benchmarks.{name}")
            produced = asyncio.run(module.run(ctx))
        except Exception as error:
            traceback.print_exc()
            crashed.append(name)
            produced = [
                Measurement(
                    name,
                    f"{name} crashed",
                    None,
                    "",
                    passed=False,
                    kind="ratio",
                    note=f"{type(error).__name__}: {error}"[:300],
                )
            ]
        for result in produced:
            log(f"  {result.key}: {result.shown()} {result.note}")
        results += produced
        log(f"{name} took {time.perf_counter() - started:.1f} s")
    elapsed = time.perf_counter() - began
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    print(render_table(results, quick=args.quick))
    enforced = [r for r in results if r.kind == "ratio" or (not args.quick and r.kind != "info")]
    missed = [r for r in enforced if r.passed is False]
    if not args.quick and not args.no_write:
        command = "python -m benchmarks" + (f" --members {members}" if args.members else "")
        update_markdown(args.out, results, env_before, environment(), command, data, elapsed, ctx)
        log(f"wrote {args.out}")
    log(f"finished in {elapsed:.0f} s; {len(missed)} enforced target(s) missed")
    for result in missed:
        log(f"  MISSED {result.key}: {result.shown()} (target {result.target}) {result.note}")
    return 1 if missed or crashed else 0


if __name__ == "__main__":
    raise SystemExit(main())
