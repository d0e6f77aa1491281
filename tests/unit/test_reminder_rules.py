"""Reading reminder times (pure): one-off text on the member's clock, repeat rules, limits."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.errors import UserFacingError
from bot.core.time import ALL_WEEKDAYS
from bot.reminders import rules

BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")
# Monday 2 March 2026, 07:00 UTC (08:00 Berlin, 16:00 Tokyo).
NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "zone", "expected"),
    [
        ("tomorrow 9am", TOKYO, datetime(2026, 3, 3, 0, 0, tzinfo=UTC)),
        ("tomorrow 9am", BERLIN, datetime(2026, 3, 3, 8, 0, tzinfo=UTC)),
        ("friday 17:30", BERLIN, datetime(2026, 3, 6, 16, 30, tzinfo=UTC)),
        ("in 2 hours", BERLIN, datetime(2026, 3, 2, 9, 0, tzinfo=UTC)),
        ("7am", BERLIN, datetime(2026, 3, 3, 6, 0, tzinfo=UTC)),  # today's 07:00 has passed
        ("2026-04-01 10:00", BERLIN, datetime(2026, 4, 1, 8, 0, tzinfo=UTC)),  # summer time
    ],
)
def test_when_is_read_on_the_members_clock(text: str, zone: ZoneInfo, expected: datetime) -> None:
    assert rules.parse_when(text, NOW, zone) == expected


def test_a_span_counts_real_time_across_a_dst_change() -> None:
    # 01:30 Berlin on the spring-forward night: three hours later is 05:30 summer time.
    night = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert rules.parse_when("in 3 hours", night, BERLIN) == night + timedelta(hours=3)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "couldn't read"),
        ("blorp", "couldn't read"),
        ("yesterday", "has passed"),
        ("in 2 years", "at most a year"),
    ],
)
def test_when_refusals_say_why(text: str, message: str) -> None:
    with pytest.raises(UserFacingError, match=message):
        rules.parse_when(text, NOW, BERLIN)


@pytest.mark.parametrize(
    ("text", "at", "days", "described"),
    [
        ("weekday 18:30", time(18, 30), frozenset(range(5)), "every weekday at 18:30"),
        ("every weekday at 6:30pm", time(18, 30), frozenset(range(5)), "every weekday at 18:30"),
        ("daily 7am", time(7, 0), ALL_WEEKDAYS, "every day at 07:00"),
        ("every day at noon", time(12, 0), ALL_WEEKDAYS, "every day at 12:00"),
        ("20:00", time(20, 0), ALL_WEEKDAYS, "every day at 20:00"),
        ("weekly monday 9am", time(9, 0), frozenset({0}), "every Monday at 09:00"),
        ("mon,wed,fri 20:00", time(20, 0), frozenset({0, 2, 4}), "mon,wed,fri at 20:00"),
        ("weekends 10.15", time(10, 15), frozenset({5, 6}), "every weekend at 10:15"),
        ("12am sunday", time(0, 0), frozenset({6}), "every Sunday at 00:00"),
    ],
)
def test_repeat_rules(text: str, at: time, days: frozenset[int], described: str) -> None:
    repeat = rules.parse_every(text)
    assert (repeat.at, repeat.weekdays) == (at, days)
    assert repeat.describe() == described


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("weekdays", "time of day"),
        ("daily 25:00", "time of day"),
        ("13pm daily", "time of day"),
        ("someday 9am", "days"),
    ],
)
def test_repeat_refusals_say_why(text: str, message: str) -> None:
    with pytest.raises(UserFacingError, match=message):
        rules.parse_every(text)


def test_the_next_weekday_occurrence_keeps_local_time_across_dst() -> None:
    repeat = rules.parse_every("weekday 18:30")
    friday = repeat.next_after(datetime(2026, 3, 27, 12, 0, tzinfo=UTC), BERLIN)
    assert friday == datetime(2026, 3, 27, 17, 30, tzinfo=UTC)
    monday = repeat.next_after(friday, BERLIN)
    assert monday == datetime(2026, 3, 30, 16, 30, tzinfo=UTC)
    assert monday.astimezone(BERLIN).time() == time(18, 30)


def test_text_and_room() -> None:
    assert rules.validate_text("  finish it ") == "finish it"
    with pytest.raises(UserFacingError):
        rules.validate_text("   ")
    with pytest.raises(UserFacingError, match="under 300"):
        rules.validate_text("x" * 301)
    rules.check_room(rules.MAX_REMINDERS - 1)
    with pytest.raises(UserFacingError, match="already have 25"):
        rules.check_room(rules.MAX_REMINDERS)
