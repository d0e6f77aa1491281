"""Interaction -> response latency through the fake Discord, with the whole dataset loaded.

The real StudyBot runs against a copy of the dataset; each sample is one slash command sent
as INTERACTION_CREATE over the gateway by a different member (members with 28 days of
history), timed from the dispatch until the fake Discord received the bot's first response
(the interaction callback), and until the complete answer (for a deferred command: the
followup; `/progress` defers, then renders its chart and follows up). Samples run one at a
time, with the bot idle in between; p99 is nearest-rank over the samples.

Targets: p99 < 50 ms for the first response; `/progress` (chart) < 400 ms for its complete
answer.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from benchmarks.harness import Context, Measurement, median, percentile
from benchmarks.world import FAKE_MEMBERS, bot_factory, check_layout, new_sandbox

QUICK_SAMPLES = 30
FULL_SAMPLES = 100
ALL_COMMANDS: tuple[tuple[str, str, dict[str, Any], float, bool], ...] = (
    # (key, command, options, target ms, target applies to the complete answer)
    ("daily_today", "daily today", {}, 50.0, False),
    ("log", "log", {"minutes": 30, "kind": "coding"}, 50.0, False),
    ("interview_practice", "interview practice", {}, 50.0, False),
    ("progress", "progress", {}, 400.0, True),
)
COMMANDS = ALL_COMMANDS
ERROR_MARKERS = ("Something went wrong", "error id")


def _available(sb: Any, command: str) -> bool:
    try:
        sb.command_options(command)
    except Exception:
        return False
    return True


async def settle(sb: Any, within: float = 30.0) -> None:
    """Wait until the bot's handler tasks and the fake's REST calls are done.

    Not `Sandbox.wait_idle()`: its gateway barrier makes the client send a heartbeat, and
    discord.py allows itself ~110 gateway sends a minute — a few hundred samples would run
    into that limit and stall for up to a minute (an artefact of the harness, not of the
    bot: real interactions need no gateway sends from the client).
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while sb._busy_tasks() or sb.fake.in_flight:
        if loop.time() > deadline:
            raise TimeoutError("the bot did not settle")
        await asyncio.sleep(0.001)


async def _one(sb: Any, member: Any, command: str, options: dict[str, Any]) -> tuple[float, float]:
    """Seconds to the first response and to the complete answer."""
    fake = sb.fake
    data = sb._build_command_data(command, options)
    channel = sb._default_channel(None)
    rec, payload = fake.new_interaction(2, member.user, channel, data)
    began = time.perf_counter()
    await fake.dispatch("INTERACTION_CREATE", payload)
    await fake.wait_for(lambda: rec.response_type is not None, sb.timeout, f"/{command}")
    first = time.perf_counter() - began

    def complete() -> bool:
        if rec.response_type != 5:
            return True
        if rec.followup_ids:
            return True
        message = fake.messages.get(rec.original_message_id or 0)
        return message is not None and not message.loading

    await fake.wait_for(complete, sb.timeout, f"the answer to /{command}")
    done = time.perf_counter() - began
    await settle(sb)
    texts = []
    for mid in [rec.original_message_id, *rec.followup_ids]:
        message = fake.messages.get(mid or 0)
        if message is not None:
            texts.append(message.content or "")
            texts += [
                str(e.get("description", "")) + str(e.get("title", "")) for e in message.embeds
            ]
    text = " ".join(texts)
    if any(marker in text for marker in ERROR_MARKERS):
        raise RuntimeError(f"/{command} answered with an error: {text[:300]}")
    return first, done


async def run(ctx: Context) -> list[Measurement]:
    samples_per_command = QUICK_SAMPLES if ctx.quick else FULL_SAMPLES
    samples_per_command = min(samples_per_command, FAKE_MEMBERS)
    sb = new_sandbox(bot_factory(await ctx.database("interactions")), timeout=60.0)
    check_layout(sb, ctx.layout)
    results: list[Measurement] = []
    async with sb:
        members = sorted(
            (m for m in sb.members if m.user.username.startswith("member")),
            key=lambda m: m.user.username,
        )
        for key, command, options, target_ms, on_complete in COMMANDS:
            if not _available(sb, command):
                results.append(
                    Measurement(
                        f"latency_{key}",
                        f"/{command}: not available in this build",
                        None,
                        "ms",
                        target=f"p99 < {target_ms:g} ms",
                        kind="absolute",
                    )
                )
                continue
            await _one(sb, members[-1], command, options)  # warm-up (first import, caches)
            firsts: list[float] = []
            dones: list[float] = []
            for index in range(samples_per_command):
                first, done = await _one(sb, members[index], command, options)
                firsts.append(first * 1000)
                dones.append(done * 1000)
            judged = dones if on_complete else firsts
            p99 = percentile(judged, 99)
            what = (
                "complete answer (deferral, chart, followup)" if on_complete else "first response"
            )
            results.append(
                Measurement(
                    f"latency_{key}",
                    f"/{command} with {ctx.members:,} members: interaction -> {what}, p99 "
                    f"of {samples_per_command}",
                    p99,
                    "ms",
                    target=f"p99 < {target_ms:g} ms",
                    passed=p99 < target_ms,
                    kind="absolute",
                    samples=judged,
                    note=f"median {median(judged):.1f} ms; first response p99 "
                    f"{percentile(firsts, 99):.1f} ms, complete p99 {percentile(dones, 99):.1f} ms",
                )
            )
        errors = list(sb.errors)
    if errors:
        for result in results:
            result.note += f"; bot errors logged: {' | '.join(errors)[:300]}"
            result.passed = False if result.passed is not None else None
    return results
