"""What makes a study day, the streak cache built from study days, and the Done minutes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.errors import UserFacingError
from bot.core.kinds import ACTIVITY_KINDS
from bot.daily.rules.streaks import cached_streak, cached_streaks, compute_streak
from bot.daily.rules.study import (
    DEFAULT_STUDY_MINUTES,
    DONE_MINUTE_CHOICES,
    STUDY_KINDS,
    is_study_day,
    minutes_to_go,
    study_days,
    validate_done_minutes,
    validate_study_minutes,
)
from bot.progress.rules import live_streak

D = date(2026, 3, 2)


def day(offset: int) -> date:
    return D + timedelta(days=offset)


def test_defaults_and_what_counts() -> None:
    assert DEFAULT_STUDY_MINUTES == 15
    assert DONE_MINUTE_CHOICES == (15, 30, 45, 60, 90)
    # Every activity kind is study time (community too: pair interviews, study groups).
    assert frozenset(ACTIVITY_KINDS) == STUDY_KINDS


@pytest.mark.parametrize(
    ("done", "minutes", "counts"),
    [(False, 0, False), (False, 14, False), (False, 15, True), (True, 0, True), (True, 5, True)],
)
def test_a_day_counts_with_done_or_enough_minutes(done: bool, minutes: int, counts: bool) -> None:
    assert is_study_day(done, minutes, 15) is counts


def test_study_days_join_done_days_and_logged_days() -> None:
    minutes = {day(0): 20, day(1): 10, day(2): 15}
    assert study_days([day(1), day(5)], minutes, 15) == {day(0), day(1), day(2), day(5)}
    assert study_days([], minutes, 30) == set()


def test_minutes_to_go() -> None:
    assert minutes_to_go(10, 15) == 5
    assert minutes_to_go(0, 15) == 15
    assert minutes_to_go(40, 15) == 0


@pytest.mark.parametrize("minutes", [5, 15, 240])
def test_the_threshold_is_accepted_within_range(minutes: int) -> None:
    assert validate_study_minutes(minutes) == minutes


@pytest.mark.parametrize("minutes", [0, 4, 241, -15])
def test_the_threshold_is_refused_out_of_range_with_the_range(minutes: int) -> None:
    with pytest.raises(UserFacingError, match="between 5 and 240"):
        validate_study_minutes(minutes)


def test_done_minutes_are_one_of_the_offered_values_or_skip() -> None:
    assert validate_done_minutes(30) == 30
    assert validate_done_minutes(None) is None
    with pytest.raises(UserFacingError, match="Pick one of 15, 30, 45, 60, 90"):
        validate_done_minutes(20)


def test_the_cache_is_the_state_on_the_last_study_day() -> None:
    assert cached_streak([]) is None
    state = cached_streak([day(0), day(1), day(2)])
    assert state is not None
    assert (state.current, state.best, state.last_day, state.done_today) == (3, 3, day(2), True)


def test_a_whole_guild_is_cached_from_done_days_and_logged_minutes() -> None:
    states = cached_streaks(
        {1: [day(0)], 2: [day(0)]},
        {2: {day(1): 20}, 3: {day(0): 10}, 4: {day(3): 60}},
        15,
    )
    assert sorted(states) == [1, 2, 4]  # 3 logged too little
    assert states[2].current == 2 and states[4].last_day == day(3)


@given(st.sets(st.integers(0, 60), min_size=1), st.integers(0, 20))
def test_the_cache_moved_to_a_later_day_is_the_live_streak(offsets: set[int], later: int) -> None:
    """Leaderboards read the cache and move it to today (`live_streak`): that must be the
    streak computed from all study days, as `/daily streak` shows it."""
    days = {day(o) for o in offsets}
    cached = cached_streak(days)
    assert cached is not None and cached.last_day is not None
    today = cached.last_day + timedelta(days=later)
    live = live_streak(cached.current, cached.last_day, cached.freezes, today)
    assert live == compute_streak(days, today).current
