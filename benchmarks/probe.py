"""One bot process for the start-up and memory benchmarks (run in a fresh subprocess).

    python -m benchmarks.probe DATABASE_URL [--command "daily today"] [--command progress]

Starts the fake Discord and the real StudyBot on DATABASE, waits until the bot is ready and
idle (its on_ready work — jobs, catch-up — finished), optionally answers commands, then
prints one JSON line: start-up seconds, resident memory now (VmRSS) and at peak (VmHWM).
A fresh process per measurement, so nothing a previous run loaded or cached is counted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time

from benchmarks.harness import children_rss_mb, peak_rss_mb, rss_mb
from benchmarks.world import bot_factory, member_name, new_sandbox


async def probe(database: str, commands: list[str]) -> dict[str, float | str]:
    imported_mb = rss_mb()
    sb = new_sandbox(bot_factory(database))
    began = time.perf_counter()
    await sb.start()
    ready = time.perf_counter() - began
    try:
        member = next(m for m in sb.members if m.user.username == member_name(0))
        for command in commands:
            await sb.slash(member, command)
        bot = sb.bot
        failures = getattr(bot, "extension_failures", {})
        result: dict[str, float | str] = {
            "startup_s": ready,
            "extensions": float(len(getattr(bot, "extensions", {}))),
            "failures": "; ".join(f"{name}: {why}" for name, why in failures.items()),
            "rss_mb": rss_mb(),
            "workers_mb": children_rss_mb(),
            "peak_mb": peak_rss_mb(),
            "imported_mb": imported_mb,
            "errors": " | ".join(sb.errors),
        }
    finally:
        await sb.close(check=False)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.probe")
    parser.add_argument("database", help="a database URL")
    parser.add_argument("--command", action="append", default=[])
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    # Import what the bot imports before the baseline reading, so "imported_mb" is the cost
    # of the code, and the rest is the cost of the data and the running bot.
    import bot.app  # noqa: F401

    result = asyncio.run(probe(args.database, args.command))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
