"""Numeric answers: how a submitted number is read, graded and turned into a suggested rating."""

from __future__ import annotations

import re

from bot.interview.rules.practice import Rating

#: A number as members type it: sign, digits with optional separators, decimals, exponent.
_NUMBER = re.compile(r"[-+]?(?:\d[\d,_ ]*)?(?:[.,]\d+)?(?:e[-+]?\d+)?", re.IGNORECASE)


def _plain_number(text: str) -> float | None:
    """One number written with `.` or `,` as the decimal mark and `,`, `_` or spaces between
    thousands ("69,000" and "69 000" are 69000; "0,25" is 0.25)."""
    text = text.replace("_", "").replace(" ", "")
    if not text or _NUMBER.fullmatch(text) is None:
        return None
    if "," in text and "." not in text:
        groups = text.split(",")
        thousands = all(len(group) == 3 for group in groups[1:])
        text = text.replace(",", "") if thousands else text.replace(",", ".", 1)
    else:
        text = text.replace(",", "")
    try:
        return float(text)
    except ValueError:
        return None


def parse_number(text: str) -> float | None:
    """The number a member submitted, or None: "69000", "69,000", "6.9e4", "~0.25 GB",
    "25 %", "1/4"; a trailing unit and a leading "~" are ignored."""
    core = text.strip()
    if "/" in core:
        top, _, bottom = core.partition("/")
        numerator, denominator = _plain_number(top.strip()), _plain_number(bottom.strip())
        if numerator is None or not denominator:
            return None
        return numerator / denominator
    match = re.fullmatch(r"[~≈$€£]*\s*(.*?)\s*[A-Za-z%²³µ$€£ ]*", core)
    return _plain_number(match.group(1)) if match else None


def answer_is_right(given: float, answer: float, tolerance: float) -> bool:
    """Within `tolerance` of `answer` (a hair of slack for binary floating point)."""
    return abs(given - answer) <= tolerance + 1e-9 * max(1.0, abs(answer))


def suggested_rating(right: bool, *, hints_shown: int, key_points_shown: bool) -> Rating:
    """What a submitted number suggests for the self-rating: right unaided is Good (the member
    may still say Easy), right after a hint or the key points is Hard, wrong is Again."""
    if not right:
        return "again"
    return "hard" if hints_shown or key_points_shown else "good"


def format_number(value: float) -> str:
    """A number as members read it: thousands separated, no trailing zeros, at most 6
    significant digits for small values ("69,000", "0.25", "1.5e-05")."""
    if value != 0 and (abs(value) >= 1e15 or abs(value) < 1e-4):
        return f"{value:.4g}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.2f}"
