"""Many servers: a simulated day over 1,000 guilds x 1,000 members (1 M members) on PostgreSQL,
served by two shard processes (SHARD_COUNT=2, one process per shard, README "Scaling out").

The day (00:00-24:00 UTC; guilds in 18 zones with post times spread over their day) holds every
guild's daily post and question of the day, its pitfall sweep, and the members' streak
reminders (DMs to opted-in members whose streak ends tonight); see `benchmarks.many_day` for
how it is driven and `benchmarks.many_data` for the dataset. Targets, per process: peak
event-loop lag < 50 ms, interaction p99 (first response) < 50 ms during the day, zero 429s,
sends >= 90 % of the process's budget while the limiter had a queue, start-up to ready < 10 s,
RSS < 300 MB.

PostgreSQL only (two processes on one SQLite file is not a supported deployment): it runs in
the suite's PostgreSQL run (`--postgres URL`) on that server and returns nothing on SQLite.
--quick runs 20 guilds x 500 members; STUDYBOT_MANY_GUILDS / STUDYBOT_MANY_MEMBERS override
the size.
"""

from __future__ import annotations

import os
from typing import Any

from benchmarks.harness import Context, Measurement, percentile
from benchmarks.many_day import DayResult, run_day

FULL = (1000, 1000)
QUICK = (20, 500)
# The whole bot's send budget (each of the two processes takes half) and each process's DM
# pace: under the fake's (Discord's) global 50/s with the DM's extra REST calls, and fast
# enough that the day's ~2,000 posts and ~1,000 DMs take minutes, not hours.
SEND_RATE = 30.0
DM_RATE = 8.0


def postgres_url(ctx: Context) -> str | None:
    """The PostgreSQL server of the suite's PostgreSQL run (None on the SQLite run)."""
    if ctx.backend != "postgresql":
        return None
    server = getattr(ctx.source, "server", None)
    if server is None:
        return None
    return str(server.set(database="postgres").render_as_string(hide_password=False))


def sizes(ctx: Context) -> tuple[int, int]:
    guilds, members = QUICK if ctx.quick else FULL
    guilds = int(os.environ.get("STUDYBOT_MANY_GUILDS", guilds))
    members = int(os.environ.get("STUDYBOT_MANY_MEMBERS", members))
    return guilds, members


def _collector(report: dict[str, Any]) -> str:
    """The collector's passes in one shard's day, by generation: how many, and the longest
    (a young pass walks what survived since the last, so a long one says much survived)."""
    passes = {int(generation): tuple(v) for generation, v in report["collector"].items()}
    parts = [
        f"{name} {int(passes[generation][0])} passes, longest {passes[generation][1]:.0f} ms"
        for generation, name in ((0, "gen 0"), (1, "gen 1"), (2, "full"))
    ]
    return "collector: " + "; ".join(parts)


async def run(ctx: Context) -> list[Measurement]:
    url = postgres_url(ctx)
    if url is None:
        return []  # PostgreSQL only; the SQLite column says nothing of it
    guilds, members = sizes(ctx)
    ctx.log(f"many servers: {guilds:,} guilds x {members:,} members, 2 shard processes")
    result = await run_day(url, guilds, members, send_rate=SEND_RATE, dm_rate=DM_RATE, log=ctx.log)
    return measurements(result)


def measurements(result: DayResult) -> list[Measurement]:
    where = f"{result.guilds:,} guilds x {result.members:,} members, 2 shard processes"
    shards = result.shards
    load = _loadavg()
    out = [
        Measurement(
            "many_day",
            f"many servers ({where}): the simulated day, busy seconds per process",
            max(s.report["busy_seconds"] for s in shards),
            "s",
            note=", ".join(
                f"shard {s.shard}: {s.report['busy_seconds']:.0f} s, {s.report['job_runs']} "
                f"job runs, {s.sends} sends"
                for s in shards
            )
            + f"; wall {result.wall_seconds:.0f} s with the dataset "
            + (
                "(cached)"
                if result.dataset_cached
                else f"(generated {result.dataset_seconds:.0f} s)"
            )
            + f"; load {load}",
        ),
        _complete(result, where),
        Measurement(
            "many_jobs",
            "many servers: job runs by kind, total and longest (worst process); with the "
            "longest loop block while one ran and the seconds its sends waited for the limiter",
            max((job[2] for s in shards for job in s.report["jobs"].values()), default=0.0),
            "s",
            note="; ".join(
                f"shard {s.shard}: "
                + ", ".join(
                    f"{kind} {n} runs {total:.0f} s (longest {longest:.2f} s, loop block "
                    f"{lag:.0f} ms, sends waited {waited:.1f} s)"
                    for kind, (n, total, longest, lag, waited) in s.report["jobs"].items()
                )
                for s in shards
            ),
        ),
    ]
    lag = max(s.report["lag_ms"] for s in shards)
    out.append(
        Measurement(
            "many_lag",
            "many servers: peak event-loop lag during the day, worst process",
            lag,
            "ms",
            target="< 50 ms",
            passed=lag < 50,
            kind="absolute",
            note=", ".join(
                f"shard {s.shard}: {s.report['lag_ms']:.0f} ms (of it at most "
                f"{s.report['own_block_ms']:.0f} ms the loop thread's own CPU; "
                f"{_collector(s.report)})"
                for s in shards
            ),
        )
    )
    samples = [x for s in shards for x in s.interactions]
    p99 = 1000 * percentile(samples, 99) if samples else None
    out.append(
        Measurement(
            "many_interactions_p99",
            "many servers: /daily today and /log first response p99 during the day",
            p99,
            "ms",
            target="< 50 ms",
            passed=p99 is not None and p99 < 50,
            kind="absolute",
            samples=[1000 * x for x in samples],
            note=", ".join(
                f"shard {s.shard}: {len(s.interactions)} samples, p99 "
                + (f"{1000 * percentile(s.interactions, 99):.0f} ms" if s.interactions else "n/a")
                for s in shards
            ),
        )
    )
    out.append(
        Measurement(
            "many_429",
            "many servers: 429 responses from the fake over the day",
            float(result.rate_limited),
            "",
            target="0",
            passed=result.rate_limited == 0,
            kind="ratio",
        )
    )
    out.append(_send_rate(result))
    startup = max(s.startup_seconds for s in shards)
    out.append(
        Measurement(
            "many_startup",
            "many servers: start-up to ready (spawn to jobs scheduled), slower process",
            startup,
            "s",
            target="< 10 s",
            passed=startup < 10,
            kind="absolute",
            note=", ".join(
                f"shard {s.shard}: {s.startup_seconds:.1f} s, {s.ready['guilds']} guilds, "
                f"{s.ready['jobs']} jobs"
                for s in shards
            ),
        )
    )
    rss = max(s.report["peak_rss_mb"] for s in shards)
    out.append(
        Measurement(
            "many_rss",
            "many servers: peak RSS, larger process",
            rss,
            "MB",
            target="< 300 MB",
            passed=rss < 300,
            kind="absolute",
            note=", ".join(f"shard {s.shard}: {s.report['peak_rss_mb']:.0f} MB" for s in shards),
        )
    )
    return out


def _complete(result: DayResult, where: str) -> Measurement:
    expected = result.guilds
    daily = sum(1 for count in result.posts["daily"].values() if count == 1)
    qotd = sum(1 for count in result.posts["qotd"].values() if count == 1)
    done = daily == expected and qotd == expected and result.dms == result.dms_expected
    return Measurement(
        "many_complete",
        f"many servers ({where}): every guild's post and question once, every due DM",
        1.0 if done else 0.0,
        "",
        target="1",
        passed=done,
        kind="ratio",
        note=f"daily {daily}/{expected}, qotd {qotd}/{expected}, "
        f"DMs {result.dms}/{result.dms_expected}",
    )


def _send_rate(result: DayResult) -> Measurement:
    rates = [(s, *s.queued_rate()) for s in result.shards]
    shares = [
        100 * rate / s.report["process_send_rate"] for s, rate, _n in rates if rate is not None
    ]
    share = min(shares) if shares else None
    return Measurement(
        "many_send_rate",
        "many servers: sends/s while the limiter had a queue, share of the process's budget",
        share,
        "%",
        target=">= 90 %",
        passed=None if share is None else share >= 90,
        kind="ratio",
        note=", ".join(
            f"shard {s.shard}: "
            + (
                f"{rate:.1f}/s of {s.report['process_send_rate']:g}/s over {n} queued sends"
                if rate is not None
                else "never queued"
            )
            + f", {s.sends} sends"
            for s, rate, n in rates
        ),
    )


def _loadavg() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"
