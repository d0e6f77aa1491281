"""When a daily prompt can be completed, and when a streak-at-risk reminder is due."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.errors import UserFacingError
from bot.core.time import at_local_time

#: A prompt counts for 24 hours after it was posted, whatever the member's timezone.
COMPLETION_WINDOW = timedelta(hours=24)
#: How long before their local midnight a member may ask to be reminded.
REMINDER_HOURS = range(1, 13)


def completion_open(opened_at: datetime, now: datetime) -> bool:
    """True while a prompt opened at `opened_at` can still be marked done."""
    return now - opened_at <= COMPLETION_WINDOW


def validate_hours_before(hours_before: int) -> int:
    """The reminder's lead time, refused with a clear message outside 1–12 hours."""
    if hours_before not in REMINDER_HOURS:
        raise UserFacingError("`hours_before` must be between 1 and 12.")
    return hours_before


def next_streak_check(
    now: datetime, local_day: date, zone: ZoneInfo, hours_before: int
) -> datetime:
    """The next instant `hours_before` hours before one of the member's coming midnights."""
    for offset in (1, 2):
        midnight = at_local_time(local_day + timedelta(days=offset), time(0, 0), zone)
        due = midnight - timedelta(hours=hours_before)
        if due > now:
            return due
    raise AssertionError("unreachable: tomorrow's midnight minus at most 12 h is in the future")
