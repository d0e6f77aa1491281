"""Scheduled sends through the real Deliverer against a fake Discord that enforces limits.

The fake answers with rate-limit headers and 429s (per route + channel: 5 per 5 s, as
commonly observed for message sends; global: 50 per second, Discord's documented bot limit).
The bot's Deliverer paces every scheduled send through its limiter (default 25/s, burst 10).
Target: the achieved rate is >= 90 % of the limiter's rate (the limiter, not discord.py's 429
handling, is what paces us) and the fake sent zero 429s.

Achieved rate = (sends - burst) / elapsed: the first `burst` sends pass at once by design, the
rest are paced; the limiter is refilled before each run.
"""

from __future__ import annotations

import asyncio

import discord

from benchmarks.harness import Context, Measurement, median, time_runs
from benchmarks.world import bot_factory

QUICK_SENDS = 60
FULL_SENDS = 260
CHANNELS = 50
RATE = 25.0
BURST = 10


async def run(ctx: Context) -> list[Measurement]:
    from bot.sandbox import Sandbox

    sends = QUICK_SENDS if ctx.quick else FULL_SENDS
    # No dataset needed, only a database: an empty one (the bot migrates it at start).
    database = await ctx.database("sends", empty=True)
    factory = bot_factory(database, send_rate_per_second=RATE, send_burst=BURST)
    sb = Sandbox(factory, timeout=60.0)
    channel_ids = [sb.add_channel(f"study-{index:02d}").id for index in range(CHANNELS)]
    mode = sb.fake.enable_rate_limits(5, 5.0, global_limit=50, global_per=1.0)
    rates: list[float] = []
    async with sb:
        deliverer = sb.bot.services.core.deliverer  # type: ignore[union-attr]
        before = sb.fake.rate_limited_count

        async def refill() -> None:
            await asyncio.sleep(BURST / RATE + 0.1)

        async def burst_of_sends() -> None:
            embed = discord.Embed(title="Weekly check-in", description="How did your week go?")
            loop = asyncio.get_running_loop()
            began = loop.time()
            await asyncio.gather(
                *(
                    deliverer.to_channel(channel_ids[index % CHANNELS], embed=embed)
                    for index in range(sends)
                )
            )
            rates.append((sends - BURST) / (loop.time() - began))

        samples = await time_runs(burst_of_sends, ctx.runs, setup=refill)
        await sb.wait_idle()
        limited = sb.fake.rate_limited_count - before
    achieved = median(rates)
    share = 100 * achieved / RATE
    return [
        Measurement(
            "sends_rate",
            f"scheduled sends: {sends} channel posts over {CHANNELS} channels through the "
            f"Deliverer (limiter {RATE:g}/s, burst {BURST}); fake enforces 5/5 s per channel "
            "and 50/s global",
            share,
            "%",
            target=">= 90 % of the limiter rate",
            passed=share >= 90,
            kind="ratio",
            samples=[100 * r / RATE for r in rates],
            note=f"achieved {achieved:.1f}/s; {median(samples):.2f} s per batch",
        ),
        Measurement(
            "sends_429",
            "scheduled sends: 429 responses from the fake over all runs",
            float(limited),
            "",
            target="0",
            passed=limited == 0,
            kind="ratio",
            note=f"route {mode.route_429s}, global {mode.global_429s}",
        ),
    ]
