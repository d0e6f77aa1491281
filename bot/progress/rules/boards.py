"""Leaderboards: live streaks, competition ranking and periods."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from bot.core.errors import UserFacingError
from bot.core.records import frozen

#: Leaderboards show this many members (plus the caller's own rank).
LEADERBOARD_SIZE = 10


def live_streak(current: int, last_day: date | None, freezes: int, today: date) -> int:
    """The cached streak as it stands today: days missed since the last completion spend
    freezes; more misses than freezes end it (the same rule as `bot.daily.rules.streaks`)."""
    if last_day is None or current <= 0:
        return 0
    missed = (today - last_day).days - 1
    if missed <= 0:
        return current
    return current if missed <= freezes else 0


# --- leaderboards ----------------------------------------------------------------------


@frozen
class Ranked:
    """One member's place on a leaderboard."""

    rank: int
    user_id: int
    value: int


@frozen
class Board:
    """A leaderboard: the top places, the caller's own, and how many were ranked."""

    top: tuple[Ranked, ...]
    me: Ranked | None  # the caller, when ranked
    total: int  # members ranked


def cached_live_streak(current: int, freezes: int, last_day: str | None, today: date) -> int:
    """`live_streak` of a stored streak row (`last_day` as stored: ISO text or None)."""
    return live_streak(current, date.fromisoformat(last_day) if last_day else None, freezes, today)


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


#: The leaderboards, in the order `/leaderboard` offers them.
BOARDS = ("streak", "minutes", "shipped", "reviews")


def validate_board(board: str) -> str:
    """A leaderboard name, refused when unknown."""
    if board not in BOARDS:
        raise UserFacingError("Board must be streak, minutes, shipped or reviews.")
    return board


def period_start(period: str, today: date) -> date | None:
    """First local date a leaderboard period covers: rolling 7 or 30 days; None for all."""
    if period == "week":
        return today - timedelta(days=6)
    if period == "month":
        return today - timedelta(days=29)
    if period == "all":
        return None
    raise UserFacingError("Period must be week, month or all.")


#: The streak distribution's buckets on the web dashboard: (label, shortest streak in it).
STREAK_BUCKETS: tuple[tuple[str, int], ...] = (
    ("1–2 days", 1),
    ("3–6 days", 3),
    ("1–2 weeks", 7),
    ("2–4 weeks", 14),
    ("30+ days", 30),
)


def streak_distribution(
    groups: Iterable[tuple[int, str | None, int, int]], today: date
) -> list[tuple[str, int]]:
    """Members per live-streak bucket, from (current, last_day, freezes, members) groups of
    cached streaks, as of `today` (the guild's day: a member a zone away may be a day off)."""
    counts = dict.fromkeys((label for label, _ in STREAK_BUCKETS), 0)
    for current, last_day, freezes, members in groups:
        live = cached_live_streak(current, freezes, last_day, today)
        if live <= 0:
            continue
        label = next(label for label, low in reversed(STREAK_BUCKETS) if live >= low)
        counts[label] += members
    return list(counts.items())
