"""Load: 1,000 interactions from 50 members at once through the fake Discord, all answered.

Every one must be answered without an error while 50 run concurrently. How fast they are
answered (Discord's 3 s deadline) is a benchmark figure (`benchmarks/bench_interactions.py`),
not an assertion here: a test must not fail because the machine is busy. The figures are
printed for the curious.
"""

from __future__ import annotations

import asyncio
import statistics
import time

import pytest

from bot.sandbox import Sandbox

MEMBERS = 50
CONCURRENCY = 50
ROUNDS = 20
COMMANDS: list[tuple[str, dict[str, object]]] = [
    ("daily today", {}),
    ("daily streak", {}),
    ("settings show", {}),
    ("daily history", {}),
    ("help", {}),
]


@pytest.mark.slow
async def test_thousand_interactions_from_fifty_members(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    await sb.slash(mod, "setup channels", daily="daily")
    await sb.slash(mod, "daily post-now")
    members = [sb.member(f"m{i:02d}") for i in range(MEMBERS)]
    latencies: list[float] = []

    async def one(member_index: int, round_index: int) -> None:
        name, options = COMMANDS[(member_index + round_index) % len(COMMANDS)]
        started = time.perf_counter()
        reply = await sb.slash(members[member_index], name, **options)
        latencies.append(time.perf_counter() - started)
        assert reply.ephemeral and "Something went wrong" not in reply.text

    began = time.perf_counter()
    for round_index in range(ROUNDS):
        for start in range(0, MEMBERS, CONCURRENCY):
            batch = range(start, min(MEMBERS, start + CONCURRENCY))
            await asyncio.gather(*(one(i, round_index) for i in batch))
    elapsed = time.perf_counter() - began
    latencies.sort()
    p50 = statistics.median(latencies)
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(
        f"\nload: {len(latencies)} interactions in {elapsed:.1f} s; "
        f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms"
    )
    assert len(latencies) == MEMBERS * ROUNDS
