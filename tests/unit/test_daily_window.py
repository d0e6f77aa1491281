"""The daily feature's window rules: completing within 24 h, reminder lead time and timing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.errors import UserFacingError
from bot.daily.rules.window import (
    completion_open,
    next_streak_check,
    validate_hours_before,
)

POSTED = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_a_prompt_can_be_completed_for_exactly_24_hours() -> None:
    assert completion_open(POSTED, POSTED + timedelta(hours=24))
    assert not completion_open(POSTED, POSTED + timedelta(hours=24, seconds=1))


@pytest.mark.parametrize("hours", [0, 13, -1])
def test_reminder_lead_time_outside_1_to_12_is_refused(hours: int) -> None:
    with pytest.raises(UserFacingError, match="between 1 and 12"):
        validate_hours_before(hours)


def test_the_check_is_before_tonights_midnight_in_the_members_zone() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # 11:00 in Berlin on Monday
    due = next_streak_check(now, date(2026, 3, 2), berlin, 4)
    assert due == datetime(2026, 3, 2, 19, 0, tzinfo=UTC)  # 20:00 Berlin, 4 h before midnight


def test_past_tonights_check_it_is_tomorrows() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    now = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)  # 22:30 Berlin, past the 20:00 check
    due = next_streak_check(now, date(2026, 3, 2), berlin, 4)
    assert due == datetime(2026, 3, 3, 19, 0, tzinfo=UTC)


@given(
    minutes=st.integers(min_value=0, max_value=24 * 60 - 1),
    hours=st.integers(min_value=1, max_value=12),
    zone=st.sampled_from(["UTC", "Asia/Tokyo", "America/New_York", "Europe/Berlin"]),
)
def test_the_check_is_always_in_the_future_and_within_two_days(
    minutes: int, hours: int, zone: str
) -> None:
    tz = ZoneInfo(zone)
    local_day = date(2026, 10, 24)  # the weekend Europe falls back
    now = datetime(2026, 10, 24, tzinfo=tz).astimezone(UTC) + timedelta(minutes=minutes)
    due = next_streak_check(now, local_day, tz, hours)
    assert now < due <= now + timedelta(days=2)
