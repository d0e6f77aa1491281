"""The IANA zone names, read once from tzdata when first needed (never at import)."""

from __future__ import annotations

import functools
import zoneinfo


@functools.cache
def all_timezones() -> tuple[str, ...]:
    names = sorted(
        zone
        for zone in zoneinfo.available_timezones()
        if not zone.startswith(("Etc/", "SystemV/", "posix/", "right/"))
        and zone not in {"localtime", "Factory"}
    )
    return (*names, "Etc/UTC")
