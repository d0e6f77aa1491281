"""Start-up to ready, and resident memory, with the whole dataset in the database.

Each measurement is a fresh `python -m benchmarks.probe` subprocess: the fake Discord and the
real StudyBot start on a copy of the dataset; start-up runs from `Sandbox.start()` to the bot
being ready and idle (migrations checked, catalog loaded, cogs loaded, commands compared,
gateway READY + GUILD_CREATE, every on_ready job and catch-up finished). One warm-up run
first (it syncs the command tree once, as a first deployment would, and warms the page
cache); the measured runs are restarts.

The fake guild's GUILD_CREATE carries the 200 members the benchmarks act as, not all members:
for a large guild Discord does not send the member list at start, and the bot does not
request it (no startup chunking). discord.py's `guild_ready_timeout` is 0.01 s here; in
production it waits 2 s (configurable) after the last GUILD_CREATE, which is not our code.
Memory: VmRSS of that process after answering `/daily today` and `/progress` (whose first
chart imports matplotlib), which includes Python, discord.py, SQLAlchemy, matplotlib and the
fake Discord itself.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from benchmarks.harness import Context, Measurement, median

REPO = Path(__file__).resolve().parent.parent
WARM_UP = True
# Answered before memory is read: `/progress` imports matplotlib (lazily, on its first chart).
COMMANDS = ("daily today", "progress")


async def run_probe(database: str, *commands: str) -> dict[str, Any]:
    args = [sys.executable, "-m", "benchmarks.probe", database]
    for command in commands:
        args += ["--command", command]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    process = await asyncio.create_subprocess_exec(
        *args,
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"probe failed ({process.returncode}): {err.decode()[-2000:]}")
    line = out.decode().strip().splitlines()[-1]
    result: dict[str, Any] = json.loads(line)
    return result


async def run(ctx: Context) -> list[Measurement]:
    database = await ctx.database("startup")
    if WARM_UP:
        await run_probe(database)  # first command sync, page cache
    results = [await run_probe(database, *COMMANDS) for _ in range(ctx.slow_runs)]
    startup = [r["startup_s"] for r in results]
    # The bot's memory is its own process and its worker process (the sweep's rules).
    rss = [r["rss_mb"] + r.get("workers_mb", 0.0) for r in results]
    workers = [r.get("workers_mb", 0.0) for r in results]
    peak = [r["peak_mb"] for r in results]
    imported = [r["imported_mb"] for r in results]
    errors = {r["errors"] for r in results if r["errors"]}
    errors |= {f"extensions failed: {r['failures']}" for r in results if r.get("failures")}
    extensions = int(median([float(r.get("extensions", 0)) for r in results]))
    n = ctx.members
    return [
        Measurement(
            "startup",
            f"start-up to ready with {n:,} members (fresh process, through the fake Discord)",
            median(startup),
            "s",
            target="< 5 s",
            passed=median(startup) < 5 and not errors,
            kind="absolute",
            samples=startup,
            note=f"{extensions} extensions loaded; " + "; ".join(sorted(errors))[:300],
        ),
        Measurement(
            "rss",
            f"resident memory with {n:,} members (VmRSS of the bot and its worker processes "
            "after ready, /daily today and /progress with its chart)",
            median(rss),
            "MB",
            target="< 250 MB",
            passed=median(rss) < 250,
            kind="absolute",
            samples=rss,
            note=f"worker processes {median(workers):.0f} MB of it; the bot's own peak "
            f"{median(peak):.0f} MB, of which {median(imported):.0f} MB is the interpreter and "
            "imported code before any data",
        ),
    ]
