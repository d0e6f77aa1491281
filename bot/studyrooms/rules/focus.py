"""Focus sessions (pure): the plan, its phases, and what each round credits.

A session is `rounds` rounds of `focus_minutes`, with `break_minutes` between them (none after
the last). Every phase change happens at its scheduled instant, whenever the bot's scheduler
gets to it; a change the bot could not make within `MISSED_GRACE` (it was down) ends the
session there, uncredited: nobody can say who was still at their desk.

A participant present at the end of a round (joined before it, not left) is credited the
part of the round since they joined, minus the time their study-room sessions already cover
(no minute counts twice), if that reaches the guild's minimum.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Final, Literal

from bot.core.errors import UserFacingError
from bot.core.records import frozen

FOCUS_MIN: Final = 5
FOCUS_MAX: Final = 120
BREAK_MIN: Final = 0
BREAK_MAX: Final = 30
ROUNDS_MIN: Final = 1
ROUNDS_MAX: Final = 8
FOCUS_RANGE: Final = (FOCUS_MIN, FOCUS_MAX)
BREAK_RANGE: Final = (BREAK_MIN, BREAK_MAX)
ROUNDS_RANGE: Final = (ROUNDS_MIN, ROUNDS_MAX)
DEFAULT_FOCUS_MINUTES: Final = 50
DEFAULT_BREAK_MINUTES: Final = 10
DEFAULT_ROUNDS: Final = 3
MISSED_GRACE: Final = timedelta(minutes=15)
#: Participants shown on the board by name (the rest as "+N more").
BOARD_NAMES: Final = 20

PhaseName = Literal["focus", "break", "ended"]


@frozen
class FocusPlan:
    focus_minutes: int
    break_minutes: int
    rounds: int

    @property
    def total_minutes(self) -> int:
        return self.rounds * self.focus_minutes + (self.rounds - 1) * self.break_minutes


def validate_plan(focus: int, brk: int, rounds: int) -> FocusPlan:
    """The plan, or a refusal naming the option out of range."""
    for name, value, (low, high) in (
        ("length", focus, FOCUS_RANGE),
        ("break", brk, BREAK_RANGE),
        ("rounds", rounds, ROUNDS_RANGE),
    ):
        if not low <= value <= high:
            raise UserFacingError(f"`{name}` must be between {low} and {high}.")
    return FocusPlan(focus, brk, rounds)


@frozen
class Phase:
    round: int
    name: PhaseName
    started_at: datetime
    ends_at: datetime


def first_phase(plan: FocusPlan, now: datetime) -> Phase:
    return Phase(1, "focus", now, now + timedelta(minutes=plan.focus_minutes))


def next_phase(plan: FocusPlan, phase: Phase) -> Phase:
    """The phase after `phase`, starting when it ends (`ended` after the last round)."""
    at = phase.ends_at
    if phase.name == "focus":
        if phase.round >= plan.rounds:
            return Phase(phase.round, "ended", at, at)
        if plan.break_minutes > 0:
            return Phase(phase.round, "break", at, at + timedelta(minutes=plan.break_minutes))
    if phase.name == "ended":
        return phase
    return Phase(phase.round + 1, "focus", at, at + timedelta(minutes=plan.focus_minutes))


def present_at(joined_at: datetime, left_at: datetime | None, instant: datetime) -> bool:
    """In the session at `instant`: joined by then, and not left before it."""
    return joined_at <= instant and (left_at is None or left_at > instant)


def _merged(
    intervals: Iterable[tuple[datetime, datetime]], start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    clipped = sorted((max(a, start), min(b, end)) for a, b in intervals if a < end and b > start)
    merged: list[tuple[datetime, datetime]] = []
    for a, b in clipped:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def round_credit(
    round_start: datetime,
    round_end: datetime,
    joined_at: datetime,
    voice: Iterable[tuple[datetime, datetime]],
    *,
    minimum: int,
) -> int:
    """Minutes one participant present at `round_end` earns for the round: from when they
    joined (or the round began), less what their study-room sessions cover, if at least
    `minimum`."""
    start = max(round_start, joined_at)
    if start >= round_end:
        return 0
    covered = sum(((b - a) for a, b in _merged(voice, start, round_end)), timedelta())
    minutes = int((round_end - start - covered).total_seconds() // 60)
    return minutes if minutes >= minimum else 0


def late_beyond_grace(due: datetime, now: datetime) -> bool:
    """A phase change this late was missed (the bot was down): the session ends there."""
    return now - due > MISSED_GRACE
