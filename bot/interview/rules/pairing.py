"""Pairing: which two waiting members make the best pair, and the candidate's question."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, tzinfo

from bot.core.records import frozen
from bot.interview.rules.practice import Choice, QuestionRef, next_question


@frozen
class Waiting:
    user_id: int
    category: str | None  # None: any category
    utc_offset_minutes: int
    joined_at: datetime


@frozen
class Pairing:
    interviewer: Waiting
    candidate: Waiting
    category: str | None  # the shared category, or None when both take anything


def _tz_gap(a: int, b: int) -> int:
    gap = abs(a - b) % (24 * 60)
    return min(gap, 24 * 60 - gap)


def _overlap(a: Waiting, b: Waiting) -> tuple[bool, str | None]:
    if a.category is None or b.category is None or a.category == b.category:
        return True, a.category or b.category
    return False, None


def choose_pair(waiting: Sequence[Waiting]) -> Pairing | None:
    """The best pair among members waiting in one guild, or None when fewer than two wait.

    Preference: overlapping categories first, then the closest timezones, then who waited
    longest. Of the two, the member who waited longer is the candidate (they came to
    practise answering); the other interviews.
    """
    best: tuple[tuple[int, int, datetime, datetime], Pairing] | None = None
    people = sorted(waiting, key=lambda w: (w.joined_at, w.user_id))
    for i, first in enumerate(people):
        for second in people[i + 1 :]:
            if first.user_id == second.user_id:
                continue
            overlaps, category = _overlap(first, second)
            rank = (
                0 if overlaps else 1,
                _tz_gap(first.utc_offset_minutes, second.utc_offset_minutes),
                first.joined_at,
                second.joined_at,
            )
            if best is None or rank < best[0]:
                shared = category if overlaps else first.category
                best = (rank, Pairing(interviewer=second, candidate=first, category=shared))
    return best[1] if best else None


def queue_expired(expires_at: datetime, now: datetime) -> bool:
    return now >= expires_at


def utc_offset_minutes(now: datetime, zone: tzinfo) -> int:
    """The zone's offset from UTC at `now`, in minutes (what pairing compares)."""
    offset = now.astimezone(zone).utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)


def pair_question(
    questions: Sequence[QuestionRef],
    due: Mapping[str, datetime],
    now: datetime,
    category: str | None,
) -> Choice:
    """The candidate's question for a pairing: their next question in the pair's category,
    else (seen everything, nothing due) the one of theirs that falls due soonest."""
    choice = next_question(questions, due, now, category=category)
    if choice is not None:
        return choice
    pool = [q for q in questions if category in (None, q.category)]
    return Choice(min(pool, key=lambda q: due.get(q.id, now)).id, "review")
