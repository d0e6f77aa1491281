"""How a submitted number is read, graded and turned into a suggested rating."""

from __future__ import annotations

import pytest

from bot.interview.rules import answer_is_right, format_number, parse_number, suggested_rating


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("69000", 69000.0),
        ("69,000", 69000.0),
        ("69 000", 69000.0),
        ("12,345,678.5", 12345678.5),
        ("6.9e4", 69000.0),
        ("1e3 tokens", 1000.0),
        ("~0.25 GB", 0.25),
        ("0,25", 0.25),  # a decimal comma
        ("25 %", 25.0),
        ("1/4", 0.25),
        ("-3", -3.0),
        (".5", 0.5),
    ],
)
def test_numbers_are_read_as_members_write_them(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "abc", "3 x 10^4", "1/0", "about a lot", "1.2.3"])
def test_what_is_not_one_number_is_refused(text: str) -> None:
    assert parse_number(text) is None


def test_grading_uses_the_tolerance_on_both_sides() -> None:
    assert answer_is_right(0.6, 0.596, 0.005)
    assert answer_is_right(0.591, 0.596, 0.005)
    assert not answer_is_right(0.602, 0.596, 0.005)
    assert answer_is_right(0.1 + 0.2, 0.3, 0)  # binary floating point is not a wrong answer
    assert not answer_is_right(100352, 100480, 0)


def test_the_suggested_rating_follows_what_the_member_needed() -> None:
    assert suggested_rating(True, hints_shown=0, key_points_shown=False) == "good"
    assert suggested_rating(True, hints_shown=1, key_points_shown=False) == "hard"
    assert suggested_rating(True, hints_shown=0, key_points_shown=True) == "hard"
    assert suggested_rating(False, hints_shown=0, key_points_shown=False) == "again"


def test_numbers_are_shown_readably() -> None:
    assert format_number(100480) == "100,480"
    assert format_number(0.25) == "0.25"
    assert format_number(1234.5678) == "1,234.57"
    assert format_number(1.5e-05) == "1.5e-05"
