"""The study vocabulary every feature shares: activity kinds and how study time is classified.

Shared like time is (logging, streaks, charts, leaderboards and nudges all speak it), so it
lives in the core rather than in one feature that the others would have to import."""

from __future__ import annotations

ACTIVITY_KINDS: tuple[str, ...] = (
    "course",
    "reading",
    "math",
    "coding",
    "project",
    "interview",
    "community",
)
THEORY_KINDS = frozenset({"course", "reading", "math"})
PRACTICE_KINDS = frozenset({"coding", "project", "interview"})

# What finishing a daily prompt of a track counts as.
TRACK_ACTIVITY_KIND: dict[str, str] = {
    "math": "math",
    "toolkit": "coding",
    "curriculum": "course",
    "portfolio": "project",
    "community": "community",
    "interviews": "interview",
    "current": "reading",
}


def kind_for_track(track: str) -> str:
    """The activity kind finishing a daily prompt of `track` counts as (reading if unknown)."""
    return TRACK_ACTIVITY_KIND.get(track, "reading")
