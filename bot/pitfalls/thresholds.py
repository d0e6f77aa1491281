"""A guild's pitfall thresholds: the defaults, their bounds, and the checks `/setup pitfalls`
and the dashboard run on a moderator's changes (split from `bot.pitfalls.rules`, which
re-exports them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, replace
from typing import Final

from bot.core.records import frozen


@frozen
class PitfallThresholds:
    """Per-guild thresholds; the defaults are the issue's (and the guide's) numbers.

    - tutorial hell: in the last `tutorial_days` days at least `tutorial_course_minutes`
      minutes of `course` and no `project` activity at all;
    - perfectionism: an active project at least `perfection_age_days` old, nothing shipped
      and no progress for `perfection_quiet_days` days — or a stale project — or its target
      date moved at least `perfection_target_moves` times;
    - isolation: study (any kind but community) on at least `isolation_study_days` distinct
      days of the last `isolation_days`, and no community activity in that window;
    - theory–practice gap: over `gap_days` days at least `gap_theory_minutes` of theory
      (course + reading + math) and theory above `gap_ratio` times practice
      (coding + project + interview).
    """

    tutorial_days: int = 14
    tutorial_course_minutes: int = 300
    perfection_age_days: int = 21
    perfection_quiet_days: int = 14
    perfection_target_moves: int = 2
    isolation_days: int = 14
    isolation_study_days: int = 5
    gap_days: int = 21
    gap_theory_minutes: int = 240
    gap_ratio: float = 3.0

    def with_overrides(self, overrides: Mapping[str, object]) -> PitfallThresholds:
        """These thresholds with the known, valid `overrides` applied (others ignored)."""
        values: dict[str, int | float] = {}
        for name, value in overrides.items():
            usable = (
                name in THRESHOLD_LIMITS
                and isinstance(value, int | float)
                and not isinstance(value, bool)
                and threshold_problem(name, value) is None
            )
            if usable:
                assert isinstance(value, int | float)
                values[name] = float(value) if name == "gap_ratio" else int(value)
        return replace(self, **values)  # type: ignore[arg-type]

    def as_dict(self) -> dict[str, int | float]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def longest_window(self) -> int:
        return max(self.tutorial_days, self.isolation_days, self.gap_days)


#: Accepted range of each threshold (inclusive), so a typo cannot silence or flood a guild.
THRESHOLD_LIMITS: Final[dict[str, tuple[float, float]]] = {
    "tutorial_days": (1, 90),
    "tutorial_course_minutes": (1, 10_000),
    "perfection_age_days": (1, 365),
    "perfection_quiet_days": (1, 365),
    "perfection_target_moves": (1, 50),
    "isolation_days": (1, 90),
    "isolation_study_days": (1, 90),
    "gap_days": (1, 90),
    "gap_theory_minutes": (1, 10_000),
    "gap_ratio": (1.0, 100.0),
}


def threshold_problem(name: str, value: float) -> str | None:
    """A sentence for a moderator when `value` is out of range for `name`, else None."""
    low, high = THRESHOLD_LIMITS[name]
    if not low <= value <= high:
        shown_low = f"{low:g}"
        shown_high = f"{high:g}"
        return f"`{name}` must be between {shown_low} and {shown_high} (got {value:g})."
    return None


def validate_thresholds(t: PitfallThresholds) -> list[str]:
    """Every problem with `t`: ranges, and windows that cannot contain the day counts."""
    problems = [
        problem
        for name in THRESHOLD_LIMITS
        if (problem := threshold_problem(name, getattr(t, name))) is not None
    ]
    if t.isolation_study_days > t.isolation_days:
        problems.append(
            f"`isolation_study_days` ({t.isolation_study_days}) cannot exceed "
            f"`isolation_days` ({t.isolation_days})."
        )
    return problems


def threshold_changes(
    overrides: Mapping[str, int | float], values: Mapping[str, float | None]
) -> tuple[dict[str, int | float], list[str]]:
    """`overrides` with a moderator's `values` applied (None leaves one as it is).

    Returns the overrides to store (those equal to the default dropped) and every problem,
    each a sentence for the moderator; with any problem nothing should be saved.
    """
    changed = dict(overrides)
    problems: list[str] = []
    for name, value in values.items():
        if value is None:
            continue
        if name not in THRESHOLD_LIMITS:
            raise ValueError(f"unknown threshold {name!r}")
        problem = threshold_problem(name, value)
        if problem:
            problems.append(problem)
            continue
        if name != "gap_ratio" and value != int(value):
            problems.append(f"`{name}` must be a whole number (got {value:g}).")
            continue
        changed[name] = float(value) if name == "gap_ratio" else int(value)
    problems += validate_thresholds(PitfallThresholds().with_overrides(changed))
    defaults = PitfallThresholds().as_dict()
    return {k: v for k, v in changed.items() if defaults[k] != v}, problems
