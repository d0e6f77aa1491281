"""Building the bot: `create_bot`, and the extensions it loads (every module in `cogs`).

This sits above the cogs (it discovers them); cogs import `StudyBot` from `bot.studybot`.
"""

from __future__ import annotations

import pkgutil
from collections.abc import Sequence

import cogs
from bot.core.clock import Clock, SystemClock
from bot.core.settings import Settings
from bot.studybot import StudyBot


def default_extensions() -> list[str]:
    """Every module in the `cogs` package that defines `setup`."""
    return sorted(f"cogs.{module.name}" for module in pkgutil.iter_modules(cogs.__path__))


def create_bot(
    settings: Settings,
    *,
    clock: Clock | None = None,
    extensions: Sequence[str] | None = None,
    serve: bool = True,
) -> StudyBot:
    """Build a bot; nothing connects until `start()` (or `prepare()` for offline checks).
    `serve=False`: for a maintenance command (see `StudyBot`)."""
    names = list(extensions) if extensions is not None else default_extensions()
    return StudyBot(settings, clock=clock or SystemClock(), extensions=names, serve=serve)
