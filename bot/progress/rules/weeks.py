"""Weeks and minutes: study minutes by kind and week, theory : practice, the weekly goal.

Weeks are ISO weeks on the member's own calendar: Monday to Sunday.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from bot.core.kinds import ACTIVITY_KINDS, PRACTICE_KINDS, THEORY_KINDS
from bot.core.records import frozen


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


@frozen
class WeekMinutes:
    """Minutes per activity kind for one Monday-to-Sunday week."""

    start: date
    by_kind: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())

    @property
    def theory(self) -> int:
        return sum(self.by_kind.get(k, 0) for k in THEORY_KINDS)

    @property
    def practice(self) -> int:
        return sum(self.by_kind.get(k, 0) for k in PRACTICE_KINDS)

    @property
    def ratio(self) -> float | None:
        return theory_practice_ratio(self.theory, self.practice)


def minutes_by_week(
    rows: Iterable[tuple[date, str, int]], today: date, weeks: int
) -> list[WeekMinutes]:
    """Bucket (local_date, kind, minutes) rows into the last `weeks` weeks, oldest first.

    The current (possibly partial) week is last. Rows outside the window or in the future
    are ignored; unknown kinds are ignored too.
    """
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    current = week_start(today)
    starts = [current - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    buckets: dict[date, dict[str, int]] = {s: dict.fromkeys(ACTIVITY_KINDS, 0) for s in starts}
    for day, kind, minutes in rows:
        if day > today or kind not in ACTIVITY_KINDS:
            continue
        start = week_start(day)
        if start in buckets:
            buckets[start][kind] += int(minutes)
    return [WeekMinutes(s, buckets[s]) for s in starts]


def totals_by_kind(weeks: Iterable[WeekMinutes]) -> dict[str, int]:
    totals = dict.fromkeys(ACTIVITY_KINDS, 0)
    for week in weeks:
        for kind, minutes in week.by_kind.items():
            totals[kind] = totals.get(kind, 0) + minutes
    return totals


def theory_practice_ratio(theory: int, practice: int) -> float | None:
    """Theory minutes per practice minute; None when there is no practice to divide by.

    Theory = course + reading + math; practice = coding + project + interview.
    """
    if practice <= 0:
        return None
    return theory / practice


def split_theory_practice(by_kind: Mapping[str, int]) -> tuple[int, int]:
    theory = sum(by_kind.get(k, 0) for k in THEORY_KINDS)
    practice = sum(by_kind.get(k, 0) for k in PRACTICE_KINDS)
    return theory, practice


@frozen
class OneSided:
    """How a theory : practice split without a ratio reads (a side, or both, have no
    minutes): briefly (`format_ratio`) and in words (the progress chart's balance)."""

    brief: str
    words: str


_NOTHING = OneSided("no study logged", "no theory or practice logged")
_ALL_THEORY = OneSided("all theory", "all theory, no practice yet")
_ALL_PRACTICE = OneSided("all practice", "all practice: coding, projects and interviews")


def one_sided(theory: int, practice: int) -> OneSided | None:
    """The wording of a split with a side missing; None when both sides have minutes."""
    if theory <= 0 and practice <= 0:
        return _NOTHING
    if practice <= 0:
        return _ALL_THEORY
    if theory <= 0:
        return _ALL_PRACTICE
    return None


def format_ratio(theory: int, practice: int) -> str:
    """'2.5 : 1', 'all theory', 'all practice' or 'no study logged'."""
    side = one_sided(theory, practice)
    return side.brief if side else f"{theory / practice:.1f} : 1"


def format_minutes(minutes: int) -> str:
    """'45 min', '2 h', '3 h 20 min'."""
    hours, rest = divmod(max(0, int(minutes)), 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    if hours:
        return f"{hours} h"
    return f"{rest} min"


# --- goals -----------------------------------------------------------------------------


@frozen
class GoalProgress:
    goal_minutes: int | None
    done_minutes: int

    @property
    def fraction(self) -> float | None:
        if not self.goal_minutes:
            return None
        return self.done_minutes / self.goal_minutes

    @property
    def met(self) -> bool:
        return bool(self.goal_minutes) and self.done_minutes >= (self.goal_minutes or 0)


def goal_progress(goal_minutes: int | None, week: WeekMinutes | None) -> GoalProgress:
    """Study minutes of the week toward the goal. Community minutes count: helping others
    is study time too."""
    return GoalProgress(goal_minutes, week.total if week else 0)


def progress_bar(fraction: float | None, width: int = 10) -> str:
    if fraction is None:
        return ""
    filled = min(width, max(0, round(fraction * width)))
    return "█" * filled + "░" * (width - filled)
