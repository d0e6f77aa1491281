"""The IANA zone names, read once from tzdata when first needed (never at import)."""

from __future__ import annotations

import functools
import zoneinfo

from discord import app_commands

from bot.core.time import search_timezones


@functools.cache
def all_timezones() -> tuple[str, ...]:
    """Every IANA zone a member or server may pick (no legacy or POSIX aliases)."""
    names = sorted(
        zone
        for zone in zoneinfo.available_timezones()
        if not zone.startswith(("Etc/", "SystemV/", "posix/", "right/"))
        and zone not in {"localtime", "Factory"}
    )
    return (*names, "Etc/UTC")


def timezone_choices(current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete for a timezone option: the best 25 matches for what was typed."""
    return [
        app_commands.Choice(name=zone, value=zone)
        for zone in search_timezones(current, all_timezones(), limit=25)
    ]
