"""Project accountability rules: input validation, staleness, milestones, weekly numbering.

Pure: no Discord, no SQL, no clock. Callers pass `now` (aware UTC) and the member's local
`today`; every function returns a value or raises `UserFacingError` with a sentence the
member can act on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from bot.core.errors import UserFacingError, quoted

#: Domains a project may belong to: the catalog's idea domains plus "other".
PROJECT_DOMAINS: tuple[str, ...] = (
    "cv",
    "nlp",
    "recsys",
    "pipeline",
    "edge",
    "llm",
    "responsible_ai",
    "mlops",
    "other",
)
DOMAIN_LABELS: dict[str, str] = {
    "cv": "Computer vision",
    "nlp": "NLP",
    "recsys": "Recommender systems",
    "pipeline": "Data/ML pipeline",
    "edge": "Edge deployment",
    "llm": "LLM applications",
    "responsible_ai": "Responsible AI",
    "mlops": "MLOps",
    "other": "Other",
}

#: The arc the guide recommends: every portfolio project shows the whole lifecycle.
DEFAULT_MILESTONES: tuple[str, ...] = ("Data", "Baseline", "Evaluation", "Deploy", "Write-up")

# Lengths: titles appear in autocomplete choices (100 max) and embed titles.
TITLE_MAX = 100
GOAL_MAX = 1000
URL_MAX = 300
CHECKIN_TEXT_MAX = 1000
NOTE_MAX = 500
REASON_MAX = 500
MILESTONE_TITLE_MAX = 100
MAX_MILESTONES = 10
TARGET_HORIZON_DAYS = 365

#: Silent this long (no check-in) -> a reminder; twice as long -> the project is stale.
REMIND_AFTER = timedelta(days=7)
STALE_AFTER = timedelta(days=14)

ACTIVE = "active"
DONE = "done"
DROPPED = "dropped"
STATUSES = (ACTIVE, DONE, DROPPED)


# --- validation --------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectDraft:
    """A validated `/project start` submission."""

    title: str
    domain: str
    goal: str
    target_date: date
    link: str | None


@dataclass(frozen=True)
class CheckinDraft:
    """A validated check-in."""

    progress: int
    did: str
    blockers: str | None
    next_step: str | None
    link: str | None


def clean_text(value: str | None) -> str:
    """Trim, and fold runs of blank lines so a pasted wall of newlines cannot flood a post."""
    if value is None:
        return ""
    lines = [line.rstrip() for line in value.strip().splitlines()]
    out: list[str] = []
    for line in lines:
        if not line and out and not out[-1]:
            continue
        out.append(line)
    return "\n".join(out)


def _required(value: str | None, what: str, limit: int) -> str:
    text = clean_text(value)
    if not text:
        raise UserFacingError(f"The {what} cannot be empty.")
    if len(text) > limit:
        raise UserFacingError(f"The {what} is {len(text)} characters; keep it to {limit}.")
    return text


def _optional(value: str | None, what: str, limit: int) -> str | None:
    text = clean_text(value)
    if not text:
        return None
    if len(text) > limit:
        raise UserFacingError(f"The {what} is {len(text)} characters; keep it to {limit}.")
    return text


def validate_title(value: str | None) -> str:
    title = _required(value, "title", TITLE_MAX)
    if "\n" in title:
        raise UserFacingError("The title must fit on one line.")
    return title


def parse_domain(value: str | None) -> str:
    """Accept a domain id or its label in any case ("NLP", "responsible ai", "Responsible AI")."""
    raw = clean_text(value).lower()
    if not raw:
        raise UserFacingError(f"Pick a domain: {', '.join(PROJECT_DOMAINS)}.")
    key = raw.replace("-", "_").replace(" ", "_")
    if key in PROJECT_DOMAINS:
        return key
    for domain, label in DOMAIN_LABELS.items():
        if raw == label.lower():
            return domain
    raise UserFacingError(
        f"{quoted(raw, 40)} is not a project domain. Use one of: {', '.join(PROJECT_DOMAINS)} "
        "(`other` when none fits)."
    )


def validate_url(value: str | None, what: str = "link") -> str | None:
    """An optional https URL with a host; anything else is refused with the reason."""
    text = clean_text(value)
    if not text:
        return None
    if len(text) > URL_MAX:
        raise UserFacingError(f"The {what} is {len(text)} characters; keep it to {URL_MAX}.")
    if any(ch.isspace() for ch in text):
        raise UserFacingError(f"The {what} must be a single URL without spaces.")
    try:
        parts = urlsplit(text)
    except ValueError:
        raise UserFacingError(f"The {what} is not a valid URL.") from None
    if parts.scheme.lower() != "https":
        raise UserFacingError(
            f"The {what} must start with https:// (got {quoted(parts.scheme or 'no scheme', 10)})."
        )
    if not parts.hostname or "." not in parts.hostname:
        raise UserFacingError(f"The {what} needs a host, e.g. https://github.com/you/project.")
    return text


def parse_target_date(value: str | None, today: date) -> date:
    """A YYYY-MM-DD date after `today` (the member's local day) and within a year."""
    text = clean_text(value)
    if not text:
        raise UserFacingError("Give a target date as YYYY-MM-DD.")
    try:
        target = date.fromisoformat(text)
    except ValueError:
        raise UserFacingError(
            f"{quoted(text, 20)} is not a date; write it as YYYY-MM-DD, e.g. "
            f"{(today + timedelta(weeks=6)).isoformat()}."
        ) from None
    if len(text) != 10:
        raise UserFacingError("Write the target date as YYYY-MM-DD.")
    if target <= today:
        raise UserFacingError(
            f"The target date must be in the future (after {today.isoformat()}, your today)."
        )
    latest = today + timedelta(days=TARGET_HORIZON_DAYS)
    if target > latest:
        raise UserFacingError(
            f"Pick a target within a year (by {latest.isoformat()}): a closer deadline "
            "keeps the project shippable — split a bigger one into releases."
        )
    return target


def validate_start(
    *,
    title: str | None,
    domain: str | None,
    goal: str | None,
    target: str | None,
    link: str | None,
    today: date,
) -> ProjectDraft:
    return ProjectDraft(
        title=validate_title(title),
        domain=parse_domain(domain),
        goal=_required(goal, "goal / definition of done", GOAL_MAX),
        target_date=parse_target_date(target, today),
        link=validate_url(link, "repository or demo URL"),
    )


def parse_progress(value: str | int | None) -> int:
    if isinstance(value, int):
        number = value
    else:
        text = clean_text(value).rstrip("%").strip()
        if not text:
            raise UserFacingError("Give your progress as a whole number from 0 to 100.")
        try:
            number = int(text)
        except ValueError:
            raise UserFacingError(
                f"Progress must be a whole number from 0 to 100, not {quoted(text, 10)}."
            ) from None
    if not 0 <= number <= 100:
        raise UserFacingError(f"Progress must be between 0 and 100 (got {number}).")
    return number


def validate_checkin(
    *,
    progress: str | int | None,
    did: str | None,
    blockers: str | None,
    next_step: str | None,
    link: str | None,
) -> CheckinDraft:
    return CheckinDraft(
        progress=parse_progress(progress),
        did=_required(did, "“what I did”", CHECKIN_TEXT_MAX),
        blockers=_optional(blockers, "blockers", CHECKIN_TEXT_MAX),
        next_step=_optional(next_step, "next step", CHECKIN_TEXT_MAX),
        link=validate_url(link),
    )


def validate_reason(value: str | None) -> str:
    return _required(value, "reason", REASON_MAX)


def validate_note(value: str | None) -> str | None:
    return _optional(value, "note", NOTE_MAX)


def check_capacity(active_count: int, limit: int) -> None:
    """Refuse a new project past the configured number of active ones."""
    if active_count >= limit:
        raise UserFacingError(
            f"You already have {active_count} active project{'s' if active_count != 1 else ''} "
            f"(the limit here is {limit}). Ship, finish (`/project done`) or drop one first: "
            "finishing beats starting."
        )


# --- staleness -------------------------------------------------------------------------


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


def silence_text(last: datetime | None, now: datetime) -> str:
    """`today`, `1 day ago`, `12 days ago`, or `never` — for the weekly list."""
    if last is None:
        return "no check-in yet"
    days = max(0, (now - last).days)
    if days == 0:
        return "checked in today"
    return f"last check-in {days} day{'s' if days != 1 else ''} ago"


# --- milestones ------------------------------------------------------------------------


@dataclass(frozen=True)
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


# --- weekly thread ---------------------------------------------------------------------


def iso_week(day: date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso.year, iso.week


def week_key(guild_id: int, day: date) -> str:
    """The ledger key of the weekly accountability post for the week containing `day`."""
    year, week = iso_week(day)
    return f"weekly:{guild_id}:{year}-W{week:02d}"


def week_label(day: date) -> str:
    year, week = iso_week(day)
    return f"{year}-W{week:02d}"


def week_thread_name(day: date) -> str:
    """ "Week N accountability": N is the ISO week number, the same for every server."""
    return f"Week {iso_week(day)[1]} accountability"


def week_bounds(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


# --- facts for other features ----------------------------------------------------------


@dataclass(frozen=True)
class PortfolioSummary:
    active: int
    shipped: int
    shipped_domains: frozenset[str]
    last_checkin_at: datetime | None


@dataclass(frozen=True)
class ProjectFacts:
    """One member's most "stuck" active project, for the perfectionism rule."""

    project_title: str
    project_age_days: int
    days_since_progress: int
    shipped_anything: bool
    stale: bool
    target_moves: int


@dataclass(frozen=True)
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
    """The most stuck project: longest without progress, then stale, then most moved."""
    if not rows:
        return None
    facts = [_facts(row, shipped_anything, now) for row in rows]
    return max(
        facts,
        key=lambda f: (f.days_since_progress, f.stale, f.target_moves, f.project_age_days),
    )
