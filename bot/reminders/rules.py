"""Personal reminders (pure): reading "tomorrow 9am" and "weekday 18:30" in the member's zone,
the next occurrence of a repeating one, and the limits.

One-off times are read by `dateparser` (a maintained natural-language date library) on the
member's wall clock, then turned into a UTC instant the way every local time in the bot is
(`bot.core.time.at_local_time`: a time skipped by DST moves an hour on, an ambiguous one is
its first occurrence). A repeating reminder is a local time on chosen weekdays, like the
guild posts: each next occurrence is computed in the member's zone with
`bot.core.time.next_fire`, so 18:30 stays 18:30 local across a DST change (an RRULE would say
the same, but the bot already has one tested way to walk local days).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import dateparser

from bot.core.errors import UserFacingError, quoted
from bot.core.records import frozen
from bot.core.time import (
    ALL_WEEKDAYS,
    WEEKDAY_LABELS,
    at_local_time,
    format_hhmm,
    format_weekdays,
    next_fire,
    parse_weekdays,
)

#: Reminders one member may keep in a server.
MAX_REMINDERS = 25
#: Characters of a reminder's text.
TEXT_MAX = 300
#: How far ahead a one-off reminder may be set.
HORIZON = timedelta(days=366)
#: What `when` and `every` accept, as examples (shown when a text cannot be read).
WHEN_EXAMPLES = "`tomorrow 9am`, `in 2 hours`, `friday 17:30` or `2026-04-01 10:00`"
EVERY_EXAMPLES = "`daily 07:00`, `weekday 18:30`, `weekly monday 9am` or `mon,wed,fri 20:00`"
#: The same, for an autocomplete choice (plain text, no markdown).
WHEN_HINT = "tomorrow 9am, in 2 hours, friday 17:30"
EVERY_HINT = "daily 07:00, weekday 18:30, weekly monday 9am"

# "in 2 hours", "in 1 day and 30 minutes": a span from now, not a wall-clock time.
_SPAN = re.compile(r"^\s*in\s+[\w\s,]+$", re.IGNORECASE)
_CLOCK = re.compile(r"(?<![\w:])(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm)?(?![\w:])", re.IGNORECASE)
_DAY_WORDS = {
    "day": "daily",
    "days": "daily",
    "daily": "daily",
    "weekday": "weekdays",
    "weekdays": "weekdays",
    "weekend": "weekends",
    "weekends": "weekends",
}
_FILLER = frozenset({"every", "at", "on", "weekly", "and", "each"})


class Unreadable(UserFacingError):
    """A `when` or `every` text the bot could not read at all."""


@frozen
class Repeat:
    """A repeating reminder: a local time of day on some weekdays (Monday = 0)."""

    at: time
    weekdays: frozenset[int]

    def describe(self) -> str:
        """ "every weekday at 18:30", "every Monday at 09:00", "mon,wed at 20:00"."""
        days = format_weekdays(self.weekdays)
        when = format_hhmm(self.at)
        if days == "daily":
            return f"every day at {when}"
        if days in ("weekdays", "weekends"):
            return f"every {days[:-1]} at {when}"
        if len(self.weekdays) == 1:
            (day,) = self.weekdays
            return f"every {WEEKDAY_LABELS[day]} at {when}"
        return f"{days} at {when}"

    def next_after(self, after: datetime, zone: ZoneInfo) -> datetime:
        """The first occurrence strictly after `after`, as a UTC instant."""
        return next_fire(after, self.at, zone, self.weekdays)


def _local_naive(now: datetime, zone: ZoneInfo) -> datetime:
    return now.astimezone(zone).replace(tzinfo=None)


def parse_when(text: str, now: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant `text` names on the member's wall clock; refuses text it cannot read,
    a time that has passed and one more than a year ahead."""
    cleaned = (text or "").strip()
    base = _local_naive(now, zone)
    parsed = (
        dateparser.parse(
            cleaned,
            languages=["en"],
            settings={
                "RELATIVE_BASE": base,
                "PREFER_DATES_FROM": "future",
                "RETURN_AS_TIMEZONE_AWARE": False,
            },
        )
        if cleaned
        else None
    )
    if parsed is None:
        raise Unreadable(f"I couldn't read {quoted(cleaned)} as a time. Try {WHEN_EXAMPLES}.")
    due: datetime
    if _SPAN.match(cleaned):
        # A span counts real time from now (two hours are two hours across a DST change).
        due = now + (parsed.replace(tzinfo=None) - base)
    else:
        due = at_local_time(parsed.date(), parsed.time().replace(microsecond=0), zone)
    if due <= now:
        raise UserFacingError(
            f"{quoted(cleaned)} is {describe_local(due, zone)}, which has passed. "
            "Pick a time in the future."
        )
    if due - now > HORIZON:
        raise UserFacingError("A reminder can be at most a year ahead.")
    return due.astimezone(UTC)


def _clock(text: str) -> tuple[time, str] | None:
    """The time of day in `text` ("18:30", "6:30pm", "9am", "noon") and the text without it."""
    lowered = text.lower()
    for word, at in (("noon", time(12, 0)), ("midnight", time(0, 0))):
        if re.search(rf"\b{word}\b", lowered):
            return at, re.sub(rf"\b{word}\b", " ", lowered)
    for match in _CLOCK.finditer(lowered):
        hour, minute, meridiem = int(match[1]), int(match[2] or 0), match[3]
        if match[2] is None and meridiem is None:
            continue  # a bare number ("3") is not a time of day
        if meridiem:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if meridiem == "pm" else 0)
        if hour > 23 or minute > 59:
            return None
        rest = lowered[: match.start()] + " " + lowered[match.end() :]
        return time(hour, minute), rest
    return None


def parse_every(text: str) -> Repeat:
    """A repeat rule: `daily 07:00`, `weekday 18:30`, `weekly monday 9am`, `mon,wed 20:00`,
    `every weekend at noon`; refuses anything else with examples."""
    cleaned = (text or "").strip()
    found = _clock(cleaned)
    if found is None:
        raise Unreadable(
            f"I couldn't find a time of day in {quoted(cleaned)}. Try {EVERY_EXAMPLES}."
        )
    at, rest = found
    words = [w for w in re.split(r"[\s,]+", rest) if w and w not in _FILLER]
    if not words:
        return Repeat(at, ALL_WEEKDAYS)
    spelled = [_DAY_WORDS.get(word, word) for word in words]
    try:
        days = (
            parse_weekdays(spelled[0])
            if len(spelled) == 1 and spelled[0] in _DAY_WORDS.values()
            else parse_weekdays(",".join(spelled))
        )
    except UserFacingError:
        raise Unreadable(
            f"I couldn't read the days in {quoted(cleaned)}. Try {EVERY_EXAMPLES}."
        ) from None
    return Repeat(at, days)


def validate_text(text: str) -> str:
    """What to be reminded of: required, at most `TEXT_MAX` characters."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise UserFacingError("Say what to remind you of, e.g. `finish the notebook`.")
    if len(cleaned) > TEXT_MAX:
        raise UserFacingError(f"Keep the reminder under {TEXT_MAX} characters.")
    return cleaned


def check_room(count: int) -> None:
    """Refuse a new reminder when the member already keeps `MAX_REMINDERS`."""
    if count >= MAX_REMINDERS:
        raise UserFacingError(
            f"You already have {MAX_REMINDERS} reminders, the most I keep for one member. "
            "Delete one with `/remind delete` first."
        )


def describe_local(instant: datetime, zone: ZoneInfo) -> str:
    """ "Tue 3 Mar 2026, 09:00" on the member's wall clock."""
    local = instant.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y}, {local:%H:%M}"


def is_late(due: datetime, now: datetime, grace: timedelta) -> bool:
    """A reminder missed while the bot was down by more than `grace` is skipped, not sent."""
    return now - due > grace
