"""The roadmap: finding skills and tracks, coverage, the next skill, job readiness."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from bot.core.records import frozen

#: The readiness score looks at community activity in this many days.
READINESS_COMMUNITY_WINDOW_DAYS = 28

#: Autocomplete offers at most this many choices (Discord's limit).
MAX_CHOICES = 25


def find_skill(skills: Sequence[tuple[str, str]], text: str) -> str | None:
    """The id of the skill (id, name) named by `text`: its id, or its name in any case."""
    wanted = text.strip()
    lowered = wanted.lower()
    if any(wanted == skill_id for skill_id, _name in skills):
        return wanted
    for skill_id, name in skills:
        if name.lower() == lowered or skill_id == lowered:
            return skill_id
    return None


def match_skills(
    skills: Sequence[tuple[str, str]], typed: str, limit: int = MAX_CHOICES
) -> list[tuple[str, str]]:
    """(name, id) of the skills (id, name) matching `typed`: prefix matches of the name or
    id first, then other matches, each group in catalog order."""
    needle = typed.strip().lower()
    scored: list[tuple[int, int, str, str]] = []
    for index, (skill_id, name) in enumerate(skills):
        lowered = name.lower()
        if not needle:
            score = 1
        elif lowered.startswith(needle) or skill_id.startswith(needle):
            score = 0
        elif needle in lowered or needle in skill_id:
            score = 1
        else:
            continue
        scored.append((score, index, name, skill_id))
    scored.sort()
    return [(name, skill_id) for _score, _index, name, skill_id in scored[:limit]]


def match_tracks(tracks: Sequence[tuple[str, str]], typed: str) -> list[tuple[str, str]]:
    """(name, id) of the tracks (id, name) whose name or id contains `typed`."""
    needle = typed.strip().lower()
    return [
        (name, track_id)
        for track_id, name in tracks
        if not needle or needle in name.lower() or needle in track_id
    ][:MAX_CHOICES]


def find_track(tracks: Sequence[tuple[str, str]], text: str) -> str | None:
    """The id of the track (id, name) named by `text`: its id, or its name in any case."""
    wanted = text.strip()
    for track_id, name in tracks:
        if wanted in (track_id, name) or wanted.lower() == name.lower():
            return track_id
    return None


@frozen
class TrackCoverage:
    """How many of one track's skills a member checked."""

    track_id: str
    checked: int
    total: int


@frozen
class Coverage:
    """A member's roadmap coverage, track by track."""

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


@frozen
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
