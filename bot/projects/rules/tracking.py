"""Where a project stands: statuses, silence (reminders, stale marks), milestones, and the
facts other features read (the portfolio summary, the most stuck project).

Pure: no Discord, no SQL, no clock. Callers pass `now` (aware UTC).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from bot.core.errors import UserFacingError
from bot.core.records import frozen
from bot.core.wording import plural
from bot.projects.rules.validation import (
    DEFAULT_MILESTONES,
    MAX_MILESTONES,
    MILESTONE_TITLE_MAX,
    clean_text,
)

ACTIVE = "active"
DONE = "done"
DROPPED = "dropped"
STATUSES = (ACTIVE, DONE, DROPPED)

#: Silent this long (no check-in) -> a reminder; twice as long -> the project is stale.
REMIND_AFTER = timedelta(days=7)
STALE_AFTER = timedelta(days=14)


def ref_matches(text: str, project_id: int, title: str) -> bool:
    """Whether what a member typed (a project number or a title, any case) names a project."""
    cleaned = text.strip()
    return cleaned == str(project_id) or cleaned.lower() == title.lower()


# --- staleness -------------------------------------------------------------------------


@frozen
class Staleness:
    state: str  # fresh | remind | stale
    silent_for: timedelta
    remind_at: datetime
    stale_at: datetime


def staleness(last_checkin_at: datetime | None, created_at: datetime, now: datetime) -> Staleness:
    """How long a project has been silent, counting from its last check-in (or its start)."""
    anchor = last_checkin_at or created_at
    silent = max(timedelta(0), now - anchor)
    if silent >= STALE_AFTER:
        state = "stale"
    elif silent >= REMIND_AFTER:
        state = "remind"
    else:
        state = "fresh"
    return Staleness(state, silent, anchor + REMIND_AFTER, anchor + STALE_AFTER)


@frozen
class SilenceInfo:
    """What the reminder sweep needs to know about one active project."""

    project_id: int
    created_at: datetime
    last_checkin_at: datetime | None
    stale: bool  # already marked stale
    reminded: bool = False  # the 7-day reminder already went out for this silence

    @property
    def anchor(self) -> datetime:
        return self.last_checkin_at or self.created_at


@frozen
class ReminderPlan:
    remind: tuple[int, ...]  # projects silent 7+ days (a reminder each, once per silence)
    mark_stale: tuple[int, ...]  # projects silent 14+ days not yet marked
    next_due: datetime | None  # when to look again; None: no active project


def plan_reminders(projects: Sequence[SilenceInfo], now: datetime) -> ReminderPlan:
    """Decide reminders and stale marks for one member's active projects.

    The next look is the earliest future threshold (7 or 14 days after a project's last
    check-in) so a member's one `due_reminders` row serves all their projects.
    """
    remind: list[int] = []
    stale: list[int] = []
    upcoming: list[datetime] = []
    for project in projects:
        state = staleness(project.last_checkin_at, project.created_at, now)
        if state.state in ("remind", "stale") and not project.stale and not project.reminded:
            remind.append(project.project_id)
        if state.state == "stale" and not project.stale:
            stale.append(project.project_id)
        for threshold in (state.remind_at, state.stale_at):
            if threshold > now:
                upcoming.append(threshold)
    if not projects:
        return ReminderPlan((), (), None)
    if remind or stale:
        # Something is due now: serve it at once (the handler acts, then reschedules).
        return ReminderPlan(tuple(remind), tuple(stale), now)
    next_due = min(upcoming) if upcoming else None
    if next_due is None:
        # Every project is already stale: look again weekly, cheap, until they check in.
        next_due = now + REMIND_AFTER
    return ReminderPlan(tuple(remind), tuple(stale), next_due)


def next_look(next_due: datetime | None, now: datetime) -> datetime | None:
    """When the reminder row is served again after acting: never the same instant (no spin)."""
    if next_due is not None and next_due <= now:
        return now + REMIND_AFTER
    return next_due


def silence_text(last: datetime | None, now: datetime) -> str:
    """`today`, `1 day ago`, `12 days ago`, or `never` — for the weekly list."""
    if last is None:
        return "no check-in yet"
    days = max(0, (now - last).days)
    if days == 0:
        return "checked in today"
    return f"last check-in {plural(days, 'day')} ago"


# --- milestones ------------------------------------------------------------------------


@frozen
class MilestoneProgress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return 0 if self.total == 0 else round(100 * self.done / self.total)

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total

    def bar(self, width: int = 10) -> str:
        filled = 0 if self.total == 0 else round(width * self.done / self.total)
        return "■" * filled + "□" * (width - filled)


def milestone_progress(done_flags: Iterable[bool]) -> MilestoneProgress:
    flags = list(done_flags)
    return MilestoneProgress(sum(1 for f in flags if f), len(flags))


def milestones_for(idea_milestones: Sequence[str] | None) -> tuple[str, ...]:
    """The idea's milestone titles, else the default arc; trimmed and capped."""
    titles = [clean_text(t)[:MILESTONE_TITLE_MAX] for t in (idea_milestones or ())]
    titles = [t for t in titles if t]
    return tuple(titles[:MAX_MILESTONES]) if titles else DEFAULT_MILESTONES


def find_milestone(titles: Sequence[str], query: str) -> int:
    """The index of a milestone by its 1-based number or its title (case-insensitive)."""
    text = clean_text(query)
    if text.isdigit():
        index = int(text) - 1
        if 0 <= index < len(titles):
            return index
    lowered = text.lower()
    for index, title in enumerate(titles):
        if title.lower() == lowered:
            return index
    matches = [i for i, title in enumerate(titles) if lowered and lowered in title.lower()]
    if len(matches) == 1:
        return matches[0]
    raise UserFacingError("I could not find that milestone; pick one from the list.")


# --- facts for other features ----------------------------------------------------------


@frozen
class PortfolioSummary:
    active: int
    shipped: int
    shipped_domains: frozenset[str]
    last_checkin_at: datetime | None


@frozen
class ProjectFacts:
    """One member's most "stuck" active project, for the perfectionism rule."""

    project_title: str
    project_age_days: int
    days_since_progress: int
    shipped_anything: bool
    stale: bool
    target_moves: int


@frozen
class ActiveProjectRow:
    """The columns `most_stuck` needs, as read from the store."""

    title: str
    created_at: datetime
    last_progress_at: datetime | None
    last_checkin_at: datetime | None
    stale_at: datetime | None
    target_moves: int


def _facts(row: ActiveProjectRow, shipped_anything: bool, now: datetime) -> ProjectFacts:
    progress_anchor = row.last_progress_at or row.created_at
    silent = staleness(row.last_checkin_at, row.created_at, now)
    return ProjectFacts(
        project_title=row.title,
        project_age_days=max(0, (now - row.created_at).days),
        days_since_progress=max(0, (now - progress_anchor).days),
        shipped_anything=shipped_anything,
        stale=row.stale_at is not None or silent.state == "stale",
        target_moves=row.target_moves,
    )


def most_stuck(
    rows: Sequence[ActiveProjectRow], shipped_anything: bool, now: datetime
) -> ProjectFacts | None:
    """The most stuck project: longest without progress, then stale, then most moved, then
    oldest; a full tie goes to the first of `rows` (the store passes them oldest first)."""
    if not rows:
        return None
    facts = [_facts(row, shipped_anything, now) for row in rows]
    return max(
        facts,
        key=lambda f: (f.days_since_progress, f.stale, f.target_moves, f.project_age_days),
    )
