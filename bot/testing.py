"""The stable seam for test harnesses: build the bot on a fake clock, move time, shut it down.

Any harness can drive studybot through these functions — the project's own end-to-end
tests, the sandbox (`studybot sandbox`), the benchmarks, or a third-party fake Discord —
without reaching into internals. **The names in `__all__` are stable**: they keep their
meaning and signature across releases (CONTRIBUTING.md says so); anything else in `bot` may
move.

    settings = testing.settings(database_url="sqlite+aiosqlite:///t.db")
    clock = FakeClock(datetime(2026, 3, 2, 7, tzinfo=UTC))
    bot = testing.build_bot(settings, clock)       # not connected; point discord.py at your
    ...                                            # fake Discord and start it as usual
    await testing.advance(bot, timedelta(days=1))  # runs every job that falls due, in order
    await testing.shutdown(bot)                    # safe even if close() never ran

With a `FakeClock` the bot's scheduler is a simulation (APScheduler paused, nothing waits on
the wall clock): time moves only through `advance`, `advance_to` and `jump_to`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.app import create_bot
from bot.core.clock import FakeClock
from bot.core.scheduling.simulation import SimulatedScheduler
from bot.core.settings import Settings, load_settings
from bot.studybot import StudyBot
from bot.wiring import Services

__all__ = [
    "FakeClock",
    "StudyBot",
    "advance",
    "advance_to",
    "build_bot",
    "jump_to",
    "run_due",
    "services",
    "settings",
    "shutdown",
]


def settings(*, database_url: str, **overrides: object) -> Settings:
    """Settings for a test bot: no `.env` is read, guilds are ready at once, no metrics
    endpoint is opened (`metrics_port=0` opens one on a free loopback port), and sends are
    not throttled by the production rate limits (pass overrides to change any of it)."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "guild_ready_timeout": 0.01,
        "dev_guild_id": None,
        "metrics_port": None,
        # The sweep's rules on the loop: a worker process per test bot would cost a second
        # of start-up each (tests/core/test_workers.py covers the processes).
        "cpu_workers": 0,
    }
    values.update(overrides)
    return load_settings(_env_file=None, **values)


def build_bot(
    settings: Settings, clock: FakeClock, *, extensions: Sequence[str] | None = None
) -> StudyBot:
    """The real bot on a fake clock (every cog unless `extensions` says otherwise)."""
    return create_bot(settings, clock=clock, extensions=extensions)


def services(bot: StudyBot) -> Services:
    """The bot's services (after `setup_hook`, i.e. once it started or was prepared)."""
    return bot.services


def _simulation(bot: StudyBot) -> SimulatedScheduler:
    scheduler = bot.services.core.scheduler
    if not isinstance(scheduler, SimulatedScheduler):
        raise TypeError("time can only be moved on a bot built with a FakeClock")
    return scheduler


async def advance(bot: StudyBot, delta: timedelta) -> int:
    """Move the bot's clock by `delta`, running every job that falls due on the way, in
    order (daily posts, the dispatcher tick, sweeps). Returns how many job runs happened."""
    return await _simulation(bot).advance(delta)


async def advance_to(bot: StudyBot, instant: datetime) -> int:
    """Like `advance`, to an absolute instant."""
    return await _simulation(bot).advance_to(instant)


async def run_due(bot: StudyBot) -> int:
    """Run whatever is due now without moving the clock."""
    return await _simulation(bot).advance(timedelta(0))


def jump_to(bot: StudyBot, instant: datetime) -> None:
    """Move the clock without running anything in between (to skip weeks or months)."""
    _simulation(bot).jump_to(instant)


async def shutdown(bot: StudyBot) -> None:
    """Close what `setup_hook` opened (scheduler, live views, the database engine) and the
    connection. Idempotent, and safe when the bot never connected or `close()` never ran."""
    await bot.close()
