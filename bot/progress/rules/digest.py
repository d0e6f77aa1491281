"""The weekly digest: last week's numbers and one focus for the coming week."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from datetime import date

from bot.core.records import frozen
from bot.progress.rules.weeks import GoalProgress, WeekMinutes, format_ratio, goal_progress


@frozen
class Focus:
    kind: str  # practice | interview | roadmap | goal | keep_going
    detail: str = ""


def suggest_focus(
    *,
    theory: int,
    practice: int,
    interview_strengths: Mapping[str, float],
    next_skill_id: str | None,
    goal: GoalProgress | None = None,
) -> Focus:
    """One suggestion for the coming week, first match wins:

    1. theory outweighs practice more than 3:1 (or practice is 0 with 2 h+ of theory):
       build something;
    2. a practised interview category below 0.5 strength: the weakest one;
    3. the roadmap's next unchecked skill;
    4. otherwise keep going (or meet the goal, when it was missed).
    """
    if (practice == 0 and theory >= 120) or (practice > 0 and theory / practice > 3):
        return Focus("practice")
    weak = [(s, c) for c, s in interview_strengths.items() if s < 0.5]
    if weak:
        return Focus("interview", min(weak)[1])
    if next_skill_id:
        return Focus("roadmap", next_skill_id)
    if goal is not None and goal.goal_minutes and not goal.met:
        return Focus("goal")
    return Focus("keep_going")


@frozen
class Digest:
    week_start: date
    minutes: int
    by_kind: Mapping[str, int]
    goal: GoalProgress
    streak: int
    interview_sessions: int
    reviews_due: int
    project_updates: int
    focus: Focus
    ratio_text: str = field(default="")


def build_digest(
    *,
    last_week: WeekMinutes,
    goal_minutes: int | None,
    streak: int,
    interview_sessions: int,
    reviews_due: int,
    project_updates: int,
    interview_strengths: Mapping[str, float],
    next_skill_id: str | None,
) -> Digest:
    theory, practice = last_week.theory, last_week.practice
    goal = goal_progress(goal_minutes, last_week)
    return Digest(
        week_start=last_week.start,
        minutes=last_week.total,
        by_kind=dict(last_week.by_kind),
        goal=goal,
        streak=streak,
        interview_sessions=interview_sessions,
        reviews_due=reviews_due,
        project_updates=project_updates,
        focus=suggest_focus(
            theory=theory,
            practice=practice,
            interview_strengths=interview_strengths,
            next_skill_id=next_skill_id,
            goal=goal,
        ),
        ratio_text=format_ratio(theory, practice),
    )
