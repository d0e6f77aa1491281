from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.errors import UserFacingError
from bot.core.time import (
    at_local_time,
    canonical_timezone,
    format_weekdays,
    latest_fire,
    local_date,
    next_fire,
    parse_hhmm,
    parse_weekdays,
    resolve_zone,
    search_timezones,
)
from bot.core.zones import all_timezones

ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"]


def test_parse_hhmm_accepts_common_forms() -> None:
    assert parse_hhmm("09:00") == time(9, 0)
    assert parse_hhmm("9:05") == time(9, 5)
    assert parse_hhmm("21.15") == time(21, 15)


@pytest.mark.parametrize("text", ["24:00", "9", "nine", "12:60", ""])
def test_parse_hhmm_refuses_with_example(text: str) -> None:
    with pytest.raises(UserFacingError, match="HH:MM"):
        parse_hhmm(text)


def test_weekdays_parse_and_format() -> None:
    assert parse_weekdays("mon,wed,fri") == frozenset({0, 2, 4})
    assert parse_weekdays("mon-fri") == frozenset(range(5))
    assert parse_weekdays("fri-mon") == frozenset({4, 5, 6, 0})
    assert format_weekdays(parse_weekdays("weekdays")) == "weekdays"
    assert format_weekdays({0, 3}) == "mon,thu"
    with pytest.raises(UserFacingError, match="not a weekday"):
        parse_weekdays("funday")


def test_search_timezones_is_partial_and_case_insensitive() -> None:
    zones = all_timezones()
    assert search_timezones("berlin", zones)[0] == "Europe/Berlin"
    assert search_timezones("BERL", zones)[0] == "Europe/Berlin"
    assert search_timezones("new york", zones)[0] == "America/New_York"
    assert "America/New_York" in search_timezones("new_y", zones)
    assert len(search_timezones("", zones)) == 25


def test_unknown_zone_is_refused_with_suggestions() -> None:
    zones = all_timezones()
    assert canonical_timezone("europe/berlin", zones) == "Europe/Berlin"
    assert canonical_timezone("tokyo", zones) == "Asia/Tokyo"
    assert canonical_timezone("New York", zones) == "America/New_York"
    with pytest.raises(UserFacingError, match="Europe/Berlin"):
        canonical_timezone("Europe/Berln", zones)
    with pytest.raises(UserFacingError, match="not a timezone"):
        canonical_timezone("Mars/Olympus", zones)


def test_member_zone_falls_back_to_guild_then_utc() -> None:
    assert resolve_zone("Asia/Kolkata", "Europe/Berlin") == ZoneInfo("Asia/Kolkata")
    assert resolve_zone(None, "Europe/Berlin") == ZoneInfo("Europe/Berlin")
    assert resolve_zone("Nope/Nowhere", None) == ZoneInfo("UTC")


def test_spring_forward_time_that_does_not_exist_fires_an_hour_later() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    fire = at_local_time(date(2026, 3, 29), time(2, 30), berlin)
    assert fire == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST


def test_fall_back_time_fires_on_first_occurrence_only() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    first = next_fire(datetime(2026, 10, 24, 12, tzinfo=UTC), time(2, 30), berlin, range(7))
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    again = next_fire(first, time(2, 30), berlin, range(7))
    assert again.date() == date(2026, 10, 26)


instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=200, deadline=None)
@given(
    after=instants,
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    zone=st.sampled_from(ZONES),
    days=st.frozensets(st.integers(0, 6), min_size=1),
)
def test_next_fire_is_the_first_allowed_local_occurrence(
    after: datetime, hour: int, minute: int, zone: str, days: frozenset[int]
) -> None:
    tz = ZoneInfo(zone)
    fire = next_fire(after, time(hour, minute), tz, days)
    assert fire > after
    assert fire - after <= timedelta(days=8)
    assert local_date(fire, tz).weekday() in days
    # Nothing allowed fires in between: the previous fire is at or before `after`.
    assert latest_fire(fire - timedelta(microseconds=1), time(hour, minute), tz, days) <= after
    # At most one fire per local date.
    following = next_fire(fire, time(hour, minute), tz, days)
    assert local_date(following, tz) > local_date(fire, tz)
