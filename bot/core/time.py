"""Member-local days and DST-safe fire times.

Stored instants are UTC; a member's "day" is the calendar date in their IANA zone, falling
back to the guild's zone, then UTC. Wall-clock times that do not exist (spring forward)
resolve to the instant one hour later; times that happen twice (fall back) resolve to the
first occurrence only, so a daily post never fires twice or not at all.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.errors import UserFacingError, quoted

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_LABELS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ALL_WEEKDAYS = frozenset(range(7))
_WEEKDAY_ALIASES = {
    "daily": ALL_WEEKDAYS,
    "every": ALL_WEEKDAYS,
    "all": ALL_WEEKDAYS,
    "weekdays": frozenset(range(5)),
    "weekends": frozenset({5, 6}),
}
_HHMM = re.compile(r"^\s*([01]?\d|2[0-3])[:.h]([0-5]\d)\s*$")

# The one text form of an instant inside a ledger key (`kind:guild:user:<instant>`), whatever
# the database: the UTC instant to the microsecond. Never `str()` or `isoformat()` of a value
# a backend returned (their text differs: SQLite keeps what it was given, PostgreSQL prints
# its own way). It is the text SQLite has always stored for an instant, so keys claimed before
# this was written down keep their meaning; SQL builds the same text
# (`bot.core.store.types.instant_key_sql`).
INSTANT_KEY_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def instant_key(instant: datetime) -> str:
    """An instant as it appears in a ledger key (INSTANT_KEY_FORMAT, in UTC)."""
    if instant.tzinfo is None:
        raise ValueError("an instant in a key must be aware (UTC), not naive")
    return instant.astimezone(UTC).strftime(INSTANT_KEY_FORMAT)


@functools.lru_cache(maxsize=1024)
def zone_or_none(name: str | None) -> ZoneInfo | None:
    """The zone for an IANA name, or None when the name is empty or unknown.

    Cached: `ZoneInfo` keeps only its 8 latest zones alive, so a pass over many members in
    more zones than that re-read zone files per member (seconds per 100k members).
    """
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def resolve_zone(member_zone: str | None, guild_zone: str | None) -> ZoneInfo:
    """The zone a member's day is computed in: theirs, else the guild's, else UTC."""
    return zone_or_none(member_zone) or zone_or_none(guild_zone) or ZoneInfo("UTC")


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    """The calendar date of `instant` on a wall clock in `zone`."""
    if instant.tzinfo is None:
        raise ValueError("instant must be timezone-aware")
    return instant.astimezone(zone).date()


def at_local_time(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock `at` on `day` in `zone`.

    A wall time skipped by a DST jump maps to the same offset as before the jump (so 02:30
    on a spring-forward night is 03:30 local); an ambiguous one maps to its first occurrence.
    """
    naive = datetime.combine(day, at)
    local = naive.replace(tzinfo=zone, fold=0)
    utc = local.astimezone(UTC)
    # A non-existent wall time round-trips to a different wall time; zoneinfo with fold=0
    # already gives the pre-transition offset, which is the "one hour later" we want.
    return utc


def parse_hhmm(text: str) -> time:
    """Parse "09:00", "9:30", "21.15" or "7h05" into a time; refuse anything else clearly."""
    match = _HHMM.match(text or "")
    if not match:
        raise UserFacingError(
            f"{quoted(text)} is not a time of day. Use 24-hour HH:MM, for example `09:00` or "
            "`18:30`."
        )
    return time(int(match.group(1)), int(match.group(2)))


def format_hhmm(at: time) -> str:
    return f"{at.hour:02d}:{at.minute:02d}"


def parse_weekday(text: str) -> int:
    """One weekday ("mon", "Tuesday", …) as its number, Monday = 0 (a weekly post's day)."""
    key = text.strip().lower()[:3]
    if key not in WEEKDAY_NAMES:
        raise UserFacingError("Pick a weekday: mon, tue, wed, thu, fri, sat or sun.")
    return WEEKDAY_NAMES.index(key)


def parse_weekdays(text: str) -> frozenset[int]:
    """Parse "mon,wed,fri", "mon-fri", "weekdays", "daily" into weekday numbers (Mon = 0)."""
    cleaned = (text or "").strip().lower()
    if cleaned in _WEEKDAY_ALIASES:
        return _WEEKDAY_ALIASES[cleaned]
    days: set[int] = set()
    for part in re.split(r"[\s,]+", cleaned):
        if not part:
            continue
        if "-" in part:
            start, _, end = part.partition("-")
            first, last = _weekday_index(start), _weekday_index(end)
            span = (last - first) % 7
            days.update((first + offset) % 7 for offset in range(span + 1))
        else:
            days.add(_weekday_index(part))
    if not days:
        raise UserFacingError(
            "Name at least one weekday, for example `mon,wed,fri`, `mon-fri` or `daily`."
        )
    return frozenset(days)


def _weekday_index(name: str) -> int:
    key = name.strip()[:3]
    if key not in WEEKDAY_NAMES:
        raise UserFacingError(
            f"{quoted(name)} is not a weekday. Use mon, tue, wed, thu, fri, sat, sun "
            "(or `weekdays`, `weekends`, `daily`)."
        )
    return WEEKDAY_NAMES.index(key)


def format_weekdays(days: Iterable[int]) -> str:
    chosen = frozenset(days)
    for alias in ("daily", "weekdays", "weekends"):
        if chosen == _WEEKDAY_ALIASES[alias]:
            return alias
    return ",".join(WEEKDAY_NAMES[day] for day in sorted(chosen))


def weekdays_to_mask(days: Iterable[int]) -> int:
    mask = 0
    for day in days:
        mask |= 1 << day
    return mask


def mask_to_weekdays(mask: int) -> frozenset[int]:
    return frozenset(day for day in range(7) if mask & (1 << day))


def _fire(
    anchor: datetime, at: time, zone: ZoneInfo, weekdays: Iterable[int], step: int
) -> datetime:
    """Walk local days from `anchor`'s (forwards for step 1, backwards for -1) to the first
    allowed weekday whose local `at` lies on the right side of `anchor`."""
    allowed = frozenset(weekdays)
    if not allowed:
        raise ValueError("weekdays must not be empty")
    day = local_date(anchor, zone)
    for offset in range(8):
        candidate_day = day + timedelta(days=step * offset)
        if candidate_day.weekday() not in allowed:
            continue
        candidate = at_local_time(candidate_day, at, zone)
        if (candidate > anchor) if step > 0 else (candidate <= anchor):
            return candidate
    raise AssertionError("unreachable: a week always contains an allowed weekday")


def next_fire(after: datetime, at: time, zone: ZoneInfo, weekdays: Iterable[int]) -> datetime:
    """The first UTC instant strictly after `after` at local `at` on one of `weekdays`."""
    return _fire(after, at, zone, weekdays, 1)


def latest_fire(until: datetime, at: time, zone: ZoneInfo, weekdays: Iterable[int]) -> datetime:
    """The last UTC instant at or before `until` at local `at` on one of `weekdays`."""
    return _fire(until, at, zone, weekdays, -1)


def _zone_keys(name: str) -> tuple[str, str]:
    lowered = name.lower()
    city = lowered.rsplit("/", 1)[-1].replace("_", " ")
    return lowered, city


def search_timezones(query: str, zones: Iterable[str], limit: int = 25) -> list[str]:
    """Zones matching `query`, best first: case-insensitive, partial, city-aware.

    "berlin" offers Europe/Berlin; "new york" and "new_york" offer America/New_York.
    """
    needle = query.strip().lower().replace(" ", "_")
    spaced = needle.replace("_", " ")
    ranked: list[tuple[int, str]] = []
    for zone in zones:
        full, city = _zone_keys(zone)
        if not needle:
            rank = 5
        elif full == needle or city == spaced:
            rank = 0
        elif city.startswith(spaced):
            rank = 1
        elif full.startswith(needle):
            rank = 2
        elif spaced in city:
            rank = 3
        elif needle in full:
            rank = 4
        else:
            continue
        ranked.append((rank, zone))
    ranked.sort(key=lambda item: (item[0], len(item[1]), item[1]))
    return [zone for _, zone in ranked[:limit]]


def suggest_timezones(query: str, zones: Iterable[str], limit: int = 3) -> list[str]:
    """Near misses for an unknown zone name, for a helpful refusal."""
    pool = sorted(zones)
    direct = search_timezones(query, pool, limit)
    if direct:
        return direct
    by_lower = {zone.lower(): zone for zone in pool}
    cities = {_zone_keys(zone)[1]: zone for zone in pool}
    needle = query.strip().lower()
    close = difflib.get_close_matches(needle, list(by_lower), n=limit, cutoff=0.6)
    close_cities = difflib.get_close_matches(needle.replace("_", " "), list(cities), n=limit)
    found = [by_lower[name] for name in close] + [cities[name] for name in close_cities]
    return list(dict.fromkeys(found))[:limit]


def canonical_timezone(query: str, zones: Iterable[str]) -> str:
    """The IANA name for `query` (exact, any case); otherwise a refusal with suggestions."""
    pool = list(zones)
    by_lower = {zone.lower(): zone for zone in pool}
    found = by_lower.get(query.strip().lower())
    if found is not None:
        return found
    # A city name on its own ("berlin", "new york") is enough when exactly one zone has it.
    city = query.strip().lower().replace("_", " ")
    by_city = [zone for zone in pool if _zone_keys(zone)[1] == city]
    if len(by_city) == 1:
        return by_city[0]
    suggestions = suggest_timezones(query, pool)
    hint = (
        " Did you mean " + ", ".join(f"`{name}`" for name in suggestions) + "?"
        if suggestions
        else " Pick one from the list as you type, for example `Europe/Berlin`."
    )
    raise UserFacingError(f"{quoted(query, 64)} is not a timezone I know.{hint}")
