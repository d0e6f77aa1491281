"""What makes a member's local day a study day (the day their streak counts).

The rule: a local day counts when the member pressed **Done** on a daily prompt that day, or
when their study log for that day adds up to at least the guild's threshold (a moderator
setting, `/setup streak`, default 15 minutes).

"Their study log for that day" is every activity row on the member's own local date, of every
activity kind (`STUDY_KINDS`), whichever feature recorded it: `/log` entries, minutes chosen
on the daily prompt's Done reply, interview practice and mock time, pair-interview sessions,
project check-ins with minutes. Rows with 0 minutes (a milestone, a ship, a check-in without
minutes) add nothing: the threshold is about time spent. The community kind counts too — a
pair interview or a logged study group is study, and the roadmap has a community track whose
prompts count by Done anyway. Community *messages* do not: they are counters outside the
activity log, with no minutes, and chatting is not studying.

Done alone credits no minutes: the member may say how long it took (one of
`DONE_MINUTE_CHOICES`), which logs that time once for the prompt; choosing again replaces it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Final

from bot.core.errors import UserFacingError
from bot.core.kinds import ACTIVITY_KINDS

#: Logged minutes that make a day count, unless a moderator set another threshold.
DEFAULT_STUDY_MINUTES: Final = 15
#: The thresholds a moderator may set (a minute or two is not a study session; more than
#: four hours a day would make streaks a privilege of the unemployed).
MIN_STUDY_MINUTES: Final = 5
MAX_STUDY_MINUTES: Final = 240
#: Activity kinds whose minutes count toward a study day: all of them (see the module doc).
STUDY_KINDS: Final = frozenset(ACTIVITY_KINDS)
#: What the Done reply offers to log, in minutes.
DONE_MINUTE_CHOICES: Final = (15, 30, 45, 60, 90)


def validate_study_minutes(minutes: int) -> int:
    """The guild's threshold, refused with a sentence for the moderator when out of range."""
    if not MIN_STUDY_MINUTES <= minutes <= MAX_STUDY_MINUTES:
        raise UserFacingError(
            f"`minutes` must be between {MIN_STUDY_MINUTES} and {MAX_STUDY_MINUTES} "
            f"(got {minutes}). A day counts toward a streak with at least that much logged "
            "study, or with Done on the daily prompt."
        )
    return minutes


def validate_done_minutes(minutes: int | None) -> int | None:
    """The time chosen on the Done reply: one of the offered values, or None (skip)."""
    if minutes is not None and minutes not in DONE_MINUTE_CHOICES:
        choices = ", ".join(str(m) for m in DONE_MINUTE_CHOICES)
        raise UserFacingError(f"Pick one of {choices} minutes, or skip.")
    return minutes


def is_study_day(done: bool, minutes: int, threshold: int) -> bool:
    """One day: Done on a prompt, or at least `threshold` minutes logged."""
    return done or minutes >= threshold


def study_days(
    done_days: Iterable[date], minutes_by_day: Mapping[date, int], threshold: int
) -> set[date]:
    """The member's study days from their Done days and their logged minutes per local day."""
    days = set(done_days)
    days.update(day for day, minutes in minutes_by_day.items() if minutes >= threshold)
    return days


def minutes_to_go(minutes_today: int, threshold: int) -> int:
    """How many more logged minutes make today count (0 when it already does by minutes)."""
    return max(0, threshold - minutes_today)
