"""Streaks on a member's own local days, with freezes.

Rules: a day counts when it is one of the member's study days (`bot.daily.rules.study`:
Done on a daily prompt, or enough logged study on their local date). One freeze is earned per
7 consecutive study days, at most 2 held. A missed day spends a freeze automatically and the
streak survives (the frozen day does not add to it); a missed day with no freeze ends the
streak. Today, while it is still running, never breaks a streak.

The `streaks` table caches each member's state as of their last study day
(`cached_streak`), so leaderboards can read every member at once; `live_streak` in the
progress rules moves it to any later day.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from bot.core.records import frozen
from bot.daily.rules.study import DEFAULT_STUDY_MINUTES, study_days

FREEZE_EVERY = 7
MAX_FREEZES = 2


@frozen
class StreakState:
    current: int
    best: int
    freezes: int
    done_today: bool
    last_day: date | None
    #: Today's logged minutes and the guild's threshold (for "10 of 15 min today").
    minutes_today: int = 0
    minutes_needed: int = DEFAULT_STUDY_MINUTES

    @property
    def at_risk(self) -> bool:
        """A streak that ends tonight unless the member does something today."""
        return self.current > 0 and not self.done_today and self.freezes == 0


def compute_streak(days: Iterable[date], today: date) -> StreakState:
    """The streak as of `today` from the set of local dates with a completion."""
    done = sorted({day for day in days if day <= today})
    if not done:
        return StreakState(current=0, best=0, freezes=0, done_today=False, last_day=None)
    completed = set(done)
    current = best = freezes = 0
    run_since_freeze = 0
    day = done[0]
    # Walk up to yesterday: today's outcome is still open.
    while day < today:
        if day in completed:
            current += 1
            run_since_freeze += 1
            if run_since_freeze == FREEZE_EVERY:
                freezes = min(MAX_FREEZES, freezes + 1)
                run_since_freeze = 0
        elif freezes > 0:
            freezes -= 1
        else:
            current = 0
            run_since_freeze = 0
        best = max(best, current)
        day += timedelta(days=1)
    done_today = today in completed
    if done_today:
        current += 1
        run_since_freeze += 1
        if run_since_freeze == FREEZE_EVERY:
            freezes = min(MAX_FREEZES, freezes + 1)
        best = max(best, current)
    return StreakState(
        current=current, best=best, freezes=freezes, done_today=done_today, last_day=done[-1]
    )


def cached_streak(days: Iterable[date]) -> StreakState | None:
    """The state the `streaks` table keeps: as of the last study day (None without any)."""
    known = set(days)
    if not known:
        return None
    return compute_streak(known, max(known))


def cached_streaks(
    done_days: Mapping[int, Iterable[date]],
    minutes_by_day: Mapping[int, Mapping[date, int]],
    threshold: int,
) -> dict[int, StreakState]:
    """member -> their cached state, for a whole guild at once (a threshold change, the
    migration that introduced study days). Members without a study day are left out."""
    states: dict[int, StreakState] = {}
    for user_id in set(done_days) | set(minutes_by_day):
        days = study_days(done_days.get(user_id, ()), minutes_by_day.get(user_id, {}), threshold)
        state = cached_streak(days)
        if state is not None:
            states[user_id] = state
    return states
