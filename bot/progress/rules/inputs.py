"""What members type: `/log` values, evidence links, goals and the welcome settings."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import timedelta

from bot.core.errors import UserFacingError
from bot.core.kinds import ACTIVITY_KINDS

#: Minutes a single `/log` entry may carry.
MIN_LOG_MINUTES = 1
MAX_LOG_MINUTES = 600
#: Longest note kept with a `/log` entry (characters).
MAX_NOTE_CHARS = 200
#: Longest free-text topic (skill ids are shorter).
MAX_TOPIC_CHARS = 64
#: A `/log` entry can be undone with its button for this long.
UNDO_WINDOW = timedelta(hours=24)
#: Weekly goal bounds, in hours.
MIN_GOAL_HOURS = 1
MAX_GOAL_HOURS = 80
#: Community messages counted per member per local day (more messages add nothing).
COMMUNITY_DAILY_CAP = 20
#: Weekly goals `/start` offers, in hours.
GOAL_CHOICES_HOURS = (2, 3, 5, 8, 10, 15, 20)

_EVIDENCE_RE = re.compile(r"^https://[A-Za-z0-9.-]+(?::\d+)?(?:/[^\s<>()\[\]`|*\"']*)?$")
MAX_EVIDENCE_CHARS = 300


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


def _bounded(value: int, low: int, high: int, refusal: str) -> int:
    if not low <= value <= high:
        raise UserFacingError(refusal)
    return value


def validate_minutes(minutes: int) -> int:
    """The minutes of one `/log` entry: 1 to 600."""
    return _bounded(
        minutes,
        MIN_LOG_MINUTES,
        MAX_LOG_MINUTES,
        f"Minutes must be between {MIN_LOG_MINUTES} and {MAX_LOG_MINUTES} (10 hours).",
    )


def validate_kind(kind: str) -> str:
    """One of the activity kinds."""
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
    """An entry can be undone with its button for 24 hours after it was logged."""
    return timedelta(0) <= logged_at_elapsed <= UNDO_WINDOW


def free_topic(text: str) -> str:
    """A `/log` topic that is not a roadmap skill: whitespace collapsed, length bounded."""
    topic = " ".join(text.split())
    if len(topic) > MAX_TOPIC_CHARS:
        raise UserFacingError(
            f"Keep the topic under {MAX_TOPIC_CHARS} characters, or pick a roadmap skill from "
            "the list."
        )
    return topic


def validate_goal_hours(hours: int) -> int:
    """A weekly goal: 1 to 80 hours."""
    return _bounded(
        hours,
        MIN_GOAL_HOURS,
        MAX_GOAL_HOURS,
        f"A weekly goal is between {MIN_GOAL_HOURS} and {MAX_GOAL_HOURS} hours.",
    )


def welcome_changes(
    current_channel: int | None, *, channel_id: int | None, enabled: bool | None
) -> dict[str, int | bool]:
    """What `/setup welcome` saves: picking a channel also turns the greeting on (unless
    `enabled` says otherwise); turning it on needs a channel, picked now or before."""
    values: dict[str, int | bool] = {}
    if channel_id is not None:
        values["channel_id"] = channel_id
        if enabled is None:
            values["enabled"] = True
    if enabled is not None:
        values["enabled"] = enabled
    if values.get("enabled") and channel_id is None and current_channel is None:
        raise UserFacingError("Pick a channel for the greeting: `/setup welcome channel:`.")
    return values


def goal_choice(values: Sequence[str]) -> int:
    """The weekly goal (hours) picked from the `/start` list."""
    try:
        hours = int(values[0])
    except (IndexError, ValueError):
        raise UserFacingError("Pick a weekly goal from the list.") from None
    return validate_goal_hours(hours)
