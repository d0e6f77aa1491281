from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.daily.rules.streaks import compute_streak

D = date(2026, 3, 1)


def days(*offsets: int) -> list[date]:
    return [D + timedelta(days=o) for o in offsets]


def test_no_activity_no_streak() -> None:
    state = compute_streak([], D)
    assert (state.current, state.best, state.freezes) == (0, 0, 0)


def test_consecutive_days_count_and_today_is_still_open() -> None:
    assert compute_streak(days(0, 1, 2), D + timedelta(days=2)).current == 3
    state = compute_streak(days(0, 1, 2), D + timedelta(days=3))
    assert state.current == 3 and not state.done_today and state.at_risk


def test_missed_day_without_freeze_resets() -> None:
    state = compute_streak(days(0, 1, 3), D + timedelta(days=3))
    assert state.current == 1 and state.best == 2


def test_seven_days_earn_a_freeze_which_a_missed_day_spends() -> None:
    state = compute_streak(days(*range(7)), D + timedelta(days=6))
    assert state.freezes == 1
    after_gap = compute_streak(days(*range(7), 8), D + timedelta(days=8))
    assert after_gap.current == 8 and after_gap.freezes == 0


def test_freezes_are_capped_at_two() -> None:
    state = compute_streak(days(*range(28)), D + timedelta(days=27))
    assert state.freezes == 2


@given(st.sets(st.integers(0, 60)), st.integers(0, 70))
def test_streak_invariants(offsets: set[int], today_offset: int) -> None:
    today = D + timedelta(days=today_offset)
    state = compute_streak(days(*offsets), today)
    assert 0 <= state.current <= state.best
    assert 0 <= state.freezes <= 2
    counted = {o for o in offsets if o <= today_offset}
    assert state.best <= len(counted)
    assert state.done_today == (today_offset in offsets)
    if not state.done_today:
        # Finishing today extends whatever streak is alive by exactly one day.
        finished = compute_streak(days(*offsets, today_offset), today)
        assert finished.current == state.current + 1
        assert finished.done_today
