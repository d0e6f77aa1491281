"""Progress rules: minutes by kind and week, theory:practice, roadmap coverage, readiness,
goals, the weekly digest's contents and leaderboard ranking.

Pure: every function receives the data and "today" (a member-local date) and returns values.
Weeks are ISO weeks on the member's own calendar: Monday to Sunday.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.activity.rules import ACTIVITY_KINDS, PRACTICE_KINDS, THEORY_KINDS
from bot.core.errors import UserFacingError

#: Minutes a single `/log` entry may carry.
MIN_LOG_MINUTES = 1
MAX_LOG_MINUTES = 600
#: Longest note kept with a `/log` entry (characters).
MAX_NOTE_CHARS = 200
#: Longest free-text topic (skill ids are shorter).
MAX_TOPIC_CHARS = 64
#: A `/log` entry can be undone with its button for this long.
UNDO_WINDOW = timedelta(hours=24)
#: Community messages counted per member per local day (more messages add nothing).
COMMUNITY_DAILY_CAP = 20
#: Weekly goal bounds, in hours.
MIN_GOAL_HOURS = 1
MAX_GOAL_HOURS = 80
#: Leaderboards show this many members (plus the caller's own rank).
LEADERBOARD_SIZE = 10
#: The readiness score looks at community activity in this many days.
READINESS_COMMUNITY_WINDOW_DAYS = 28

_EVIDENCE_RE = re.compile(r"^https://[A-Za-z0-9.-]+(?::\d+)?(?:/[^\s<>()\[\]`|*\"']*)?$")
MAX_EVIDENCE_CHARS = 300


# --- weeks and minutes ---------------------------------------------------------------


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
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


def format_ratio(theory: int, practice: int) -> str:
    """'2.5 : 1', 'all theory', 'all practice' or 'no study logged'."""
    if theory <= 0 and practice <= 0:
        return "no study logged"
    if practice <= 0:
        return "all theory"
    if theory <= 0:
        return "all practice"
    return f"{theory / practice:.1f} : 1"


def format_minutes(minutes: int) -> str:
    """'45 min', '2 h', '3 h 20 min'."""
    hours, rest = divmod(max(0, int(minutes)), 60)
    if hours and rest:
        return f"{hours} h {rest} min"
    if hours:
        return f"{hours} h"
    return f"{rest} min"


# --- log input -------------------------------------------------------------------------


def clean_note(note: str | None) -> str | None:
    """Strip and bound a `/log` note; empty becomes None."""
    if note is None:
        return None
    cleaned = " ".join(note.split())
    if not cleaned:
        return None
    if len(cleaned) > MAX_NOTE_CHARS:
        raise UserFacingError(f"Keep the note under {MAX_NOTE_CHARS} characters.")
    return cleaned


def validate_minutes(minutes: int) -> int:
    if not MIN_LOG_MINUTES <= minutes <= MAX_LOG_MINUTES:
        raise UserFacingError(
            f"Minutes must be between {MIN_LOG_MINUTES} and {MAX_LOG_MINUTES} (10 hours)."
        )
    return minutes


def validate_kind(kind: str) -> str:
    if kind not in ACTIVITY_KINDS:
        raise UserFacingError(f"Kind must be one of: {', '.join(ACTIVITY_KINDS)}.")
    return kind


def validate_evidence(url: str | None) -> str | None:
    """An https link to a repo, notebook or post; None when not given."""
    if url is None or not url.strip():
        return None
    url = url.strip()
    if len(url) > MAX_EVIDENCE_CHARS:
        raise UserFacingError(f"Keep the evidence link under {MAX_EVIDENCE_CHARS} characters.")
    if not url.lower().startswith("https://"):
        raise UserFacingError("Evidence must be an https:// link (a repo, notebook or post).")
    if not _EVIDENCE_RE.match(url):
        raise UserFacingError(
            "That does not look like a plain https:// link; paste the address of the repo, "
            "notebook or post."
        )
    return url


def undo_allowed(logged_at_elapsed: timedelta) -> bool:
    return timedelta(0) <= logged_at_elapsed <= UNDO_WINDOW


def validate_goal_hours(hours: int) -> int:
    if not MIN_GOAL_HOURS <= hours <= MAX_GOAL_HOURS:
        raise UserFacingError(
            f"A weekly goal is between {MIN_GOAL_HOURS} and {MAX_GOAL_HOURS} hours."
        )
    return hours


# --- roadmap -------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackCoverage:
    track_id: str
    checked: int
    total: int


@dataclass(frozen=True)
class Coverage:
    tracks: tuple[TrackCoverage, ...]

    @property
    def checked(self) -> int:
        return sum(t.checked for t in self.tracks)

    @property
    def total(self) -> int:
        return sum(t.total for t in self.tracks)

    @property
    def fraction(self) -> float:
        return self.checked / self.total if self.total else 0.0


def roadmap_coverage(
    tracks: Sequence[tuple[str, Sequence[str]]], checked: Iterable[str]
) -> Coverage:
    """Checked skills per track. `tracks` = [(track_id, [skill_id, ...])]; checks of skills
    no longer in the catalog do not count."""
    done = set(checked)
    return Coverage(
        tuple(
            TrackCoverage(track_id, sum(1 for s in skills if s in done), len(skills))
            for track_id, skills in tracks
        )
    )


def next_skill(
    tracks: Sequence[tuple[str, Sequence[str]]],
    checked: Iterable[str],
    focus: Iterable[str] = (),
) -> str | None:
    """The first unchecked skill in learning order, preferring the member's focus tracks."""
    done = set(checked)
    focus_set = set(focus)
    ordered = [t for t in tracks if t[0] in focus_set] + [
        t for t in tracks if t[0] not in focus_set
    ]
    for _track, skills in ordered:
        for skill in skills:
            if skill not in done:
                return skill
    return None


# --- readiness ---------------------------------------------------------------------------

READINESS_WEIGHTS: Mapping[str, int] = {
    "roadmap": 35,
    "portfolio": 25,
    "interview": 25,
    "community": 15,
}
#: Shipped projects in this many distinct domains earn the whole portfolio part.
READINESS_DOMAINS_FOR_FULL = 3
#: Days with community activity (in the last 28) that earn the whole community part.
READINESS_COMMUNITY_DAYS_FOR_FULL = 8


@dataclass(frozen=True)
class Readiness:
    score: int
    parts: Mapping[str, float]  # points earned per component


def readiness_score(
    *,
    coverage: float,
    shipped_domains: int,
    interview_strengths: Mapping[str, float],
    interview_categories: Sequence[str],
    community_days: int,
) -> Readiness:
    """Job-readiness, 0-100, the sum of four capped parts:

    - roadmap (35): the fraction of roadmap skills checked, times 35;
    - portfolio (25): distinct domains with a shipped project, 3 or more = 25
      (i.e. min(domains, 3) / 3 * 25);
    - interview (25): the mean interview strength (0-1) over every question category of the
      catalog, a category never practised counting 0, times 25;
    - community (15): days with community activity in the last 28 days, 8 or more = 15
      (min(days, 8) / 8 * 15).

    Each input is clamped to its range first; the total is rounded to the nearest integer.
    """

    def clamp(value: float) -> float:
        if math.isnan(value):
            return 0.0
        return min(1.0, max(0.0, value))

    categories = list(interview_categories) or list(interview_strengths)
    if categories:
        interview = sum(clamp(interview_strengths.get(c, 0.0)) for c in categories) / len(
            categories
        )
    else:
        interview = 0.0
    fractions = {
        "roadmap": clamp(coverage),
        "portfolio": clamp(shipped_domains / READINESS_DOMAINS_FOR_FULL),
        "interview": interview,
        "community": clamp(community_days / READINESS_COMMUNITY_DAYS_FOR_FULL),
    }
    parts = {name: fractions[name] * weight for name, weight in READINESS_WEIGHTS.items()}
    return Readiness(score=round(sum(parts.values())), parts=parts)


# --- goals -----------------------------------------------------------------------------


@dataclass(frozen=True)
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


# --- streaks on leaderboards ----------------------------------------------------------


def live_streak(current: int, last_day: date | None, freezes: int, today: date) -> int:
    """The cached streak as it stands today: days missed since the last completion spend
    freezes; more misses than freezes end it (the same rule as `bot.daily.streaks`)."""
    if last_day is None or current <= 0:
        return 0
    missed = (today - last_day).days - 1
    if missed <= 0:
        return current
    return current if missed <= freezes else 0


# --- leaderboards ----------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    rank: int
    user_id: int
    value: int


@dataclass(frozen=True)
class Board:
    top: tuple[Ranked, ...]
    me: Ranked | None  # the caller, when ranked
    total: int  # members ranked


def rank_board(
    values: Mapping[int, int], me: int | None = None, size: int = LEADERBOARD_SIZE
) -> Board:
    """Competition ranking ("1, 2, 2, 4"): equal values share a rank; ties are listed by
    user id so the order is stable. Members with 0 are not ranked."""
    ordered = sorted(((v, u) for u, v in values.items() if v > 0), key=lambda x: (-x[0], x[1]))
    ranked: list[Ranked] = []
    previous: int | None = None
    rank = 0
    for position, (value, user) in enumerate(ordered, start=1):
        if value != previous:
            rank = position
            previous = value
        ranked.append(Ranked(rank, user, value))
    mine = next((r for r in ranked if r.user_id == me), None) if me is not None else None
    return Board(top=tuple(ranked[:size]), me=mine, total=len(ranked))


def period_start(period: str, today: date) -> date | None:
    """First local date a leaderboard period covers: rolling 7 or 30 days; None for all."""
    if period == "week":
        return today - timedelta(days=6)
    if period == "month":
        return today - timedelta(days=29)
    if period == "all":
        return None
    raise UserFacingError("Period must be week, month or all.")


# --- digest ----------------------------------------------------------------------------


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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
