"""The weekly accountability thread: ISO week numbering, its ledger key, its weekday, and
how long a thread stays the one check-ins are shared in.

Pure: no Discord, no SQL, no clock. Callers pass `now` (aware UTC).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.core.time import parse_weekday as parse_weekday

#: A weekly thread is "current" for check-in summaries up to this long after it was posted.
THREAD_CURRENT_FOR = timedelta(days=8)


def iso_week(day: date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso.year, iso.week


def week_key(guild_id: int, day: date) -> str:
    """The ledger key of the weekly accountability post for the week containing `day`."""
    year, week = iso_week(day)
    return f"weekly:{guild_id}:{year}-W{week:02d}"


def week_label(day: date) -> str:
    year, week = iso_week(day)
    return f"{year}-W{week:02d}"


def week_thread_name(day: date) -> str:
    """ "Week N accountability": N is the ISO week number, the same for every server."""
    return f"Week {iso_week(day)[1]} accountability"


def week_bounds(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def thread_is_current(posted_at: datetime, now: datetime) -> bool:
    """Whether a weekly thread is still the one this week's check-ins are shared in."""
    return now - posted_at <= THREAD_CURRENT_FOR
