"""Role rewards and the weekly board (pure): thresholds, who qualifies, periods, week keys
and ranked places."""

from __future__ import annotations

from datetime import date

import pytest

from bot.boards.rules import Place, board_key, covered_since, top
from bot.core.errors import UserFacingError
from bot.rewards import rules


def test_thresholds_are_checked_per_kind() -> None:
    rules.validate("streak", 7)
    rules.validate("month_hours", 744)
    with pytest.raises(UserFacingError, match="1 to 744"):
        rules.validate("month_hours", 745)
    with pytest.raises(UserFacingError, match="Pick the kind"):
        rules.validate("karma", 1)
    with pytest.raises(UserFacingError, match="already has 25"):
        rules.check_room(rules.MAX_REWARDS)


def test_who_qualifies_counts_hours_in_minutes() -> None:
    minutes = {1: 119, 2: 120, 3: 600, 4: 600}
    assert rules.qualifying("hours", 2, minutes, skip={4}) == [2, 3]
    assert rules.qualifying("streak", 3, {1: 2, 2: 3, 3: 9}, skip=set()) == [2, 3]


def test_a_monthly_grant_belongs_to_its_local_month() -> None:
    assert rules.period("month_hours", date(2026, 3, 31)) == "2026-03"
    assert rules.period("hours", date(2026, 3, 31)) == ""
    assert rules.month_start(date(2026, 3, 31)) == date(2026, 3, 1)


@pytest.mark.parametrize(
    ("kind", "threshold", "text"),
    [
        ("streak", 7, "a 7-day streak"),
        ("hours", 1, "1 study hour"),
        ("month_hours", 10, "10 study hours this month"),
        ("ships", 2, "2 projects shipped"),
    ],
)
def test_describe(kind: str, threshold: int, text: str) -> None:
    assert rules.describe(kind, threshold) == text


def test_one_board_key_per_iso_week() -> None:
    monday, sunday = date(2026, 3, 2), date(2026, 3, 8)
    assert board_key(7, monday) == board_key(7, sunday) == "board:7:2026-W10"
    assert board_key(7, date(2026, 3, 9)) == "board:7:2026-W11"
    assert covered_since(monday) == date(2026, 2, 24)


def test_top_places_share_ranks_and_skip_zero() -> None:
    assert top({5: 30, 3: 60, 4: 30, 9: 0, 1: 10}, size=3) == (
        Place(1, 3, 60),
        Place(2, 4, 30),
        Place(2, 5, 30),
    )
