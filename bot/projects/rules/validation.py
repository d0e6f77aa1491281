"""What members type: domains, lengths, dates, links, progress, and the limits they meet.

Pure: no Discord, no SQL, no clock. Callers pass the member's local `today`; every function
returns a value or raises `UserFacingError` with a sentence the member can act on.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlsplit

from bot.catalog.constants import PROJECT_DOMAIN_LABELS as IDEA_DOMAIN_LABELS
from bot.catalog.constants import PROJECT_DOMAINS as IDEA_DOMAINS
from bot.core.errors import UserFacingError, quoted
from bot.core.records import frozen
from bot.core.wording import plural

#: Domains a project may belong to: the catalog's idea domains plus "other".
PROJECT_DOMAINS: tuple[str, ...] = (*IDEA_DOMAINS, "other")
DOMAIN_LABELS: dict[str, str] = {**IDEA_DOMAIN_LABELS, "other": "Other"}

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
#: The target date the start form suggests: six weeks keeps a first project shippable.
SUGGESTED_TARGET = timedelta(weeks=6)
#: Time a check-in may report: at most one day.
MINUTES_MAX = 1440


# --- validation --------------------------------------------------------------------------


@frozen
class ProjectDraft:
    """A validated `/project start` submission."""

    title: str
    domain: str
    goal: str
    target_date: date
    link: str | None


@frozen
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
            f"{suggested_target(today).isoformat()}."
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


def suggested_target(today: date) -> date:
    """The target date the start form is pre-filled with."""
    return today + SUGGESTED_TARGET


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


def validate_minutes(minutes: int | None) -> int:
    """Time spent since the last check-in: 0 to one day; omitted counts as 0."""
    if minutes is not None and not 0 <= minutes <= MINUTES_MAX:
        raise UserFacingError(f"`minutes` must be between 0 and {MINUTES_MAX} (one day).")
    return minutes or 0


def check_capacity(active_count: int, limit: int) -> None:
    """Refuse a new project past the configured number of active ones."""
    if active_count >= limit:
        raise UserFacingError(
            f"You already have {plural(active_count, 'active project')} "
            f"(the limit here is {limit}). Ship, finish (`/project done`) or drop one first: "
            "finishing beats starting."
        )
