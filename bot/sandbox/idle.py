"""Waiting until the bot is idle, without sleeping for wall-clock time.

Idle means: a gateway barrier proved the client processed every event sent so far, none of
discord.py's handler tasks is running (:data:`BUSY_TASK_PREFIXES`; the bot's own background
tasks are named ``studybot: …``), no REST call is in flight and nothing is queued to dispatch,
and that still holds a few loop iterations later. Tasks a bot spawns under other names are not
tracked.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from bot.sandbox.server import FakeDiscord

BUSY_TASK_PREFIXES = (
    "CommandTree-invoker",
    "discord-ui-view-dispatch",
    "discord-ui-modal-dispatch",
    "discord-ui-dynamic-item",
    "discord.py: ",
    # The bot's own background work (bot.core.background: writes behind a handler).
    "studybot: ",
)


def busy_tasks() -> set[asyncio.Task[Any]]:
    """discord.py's handler tasks still running, other than the caller."""
    current = asyncio.current_task()
    return {
        t
        for t in asyncio.all_tasks()
        if t is not current and not t.done() and t.get_name().startswith(BUSY_TASK_PREFIXES)
    }


def _seq(fake: FakeDiscord) -> int:
    """Grows with every dispatch, on any session."""
    return len(fake.dispatched)


async def wait_until(
    fake: FakeDiscord,
    done: Callable[[], bool],
    what: str,
    within: float,
    *,
    check: Callable[[], None],
) -> bool:
    """Wait until ``done()`` or the bot is idle. Returns ``done()``; ``check()`` (called before
    every look) raises if the bot can no longer answer."""
    timeout = within
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        check()
        if done():
            return True
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        seq = _seq(fake)
        await fake.barrier(remaining)
        busy = busy_tasks()
        if not busy and fake.in_flight == 0:
            for _ in range(5):
                await asyncio.sleep(0)
            if (
                not busy_tasks()
                and fake.in_flight == 0
                and _seq(fake) == seq
                and not fake.events.pending
            ):
                return done()
            continue
        changed = fake.changed()
        await asyncio.wait({*busy, changed}, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
        changed.cancel()
