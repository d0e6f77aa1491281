"""Every member's most stuck active project for a whole range of members at once, as arrays.

`most_stuck_of` decides one member at a time from decoded rows (an `ActiveProjectRow` and a
`ProjectFacts` per project): about 7 µs a project, a quarter of a second of the pitfall
sweep's worker for 35k projects. `most_stuck_arrays` makes the same decisions over numpy
arrays: each instant becomes whole microseconds since the epoch once, the days are integer
divisions, and the choice is one sort (member, then `most_stuck`'s key, ties to the first
row: the store passes each member's projects oldest first). The equivalence is tested
against `most_stuck_of` on random rows (`tests/unit/test_projects_stuck.py`).
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from bot.projects.rules import STALE_AFTER

Ints = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]

_EPOCH = datetime(1970, 1, 1)
_EPOCH_UTC = _EPOCH.replace(tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_DAY = timedelta(days=1) // _MICROSECOND
_STALE_AFTER = STALE_AFTER // _MICROSECOND
#: Stands for a missing instant (no project is that old).
_MISSING = np.iinfo(np.int64).min


@dataclass(frozen=True)
class StuckProjects:
    """One entry per member with an active project, members ascending: the facts of their
    most stuck one (`bot.projects.rules.most_stuck`), field by field."""

    user_ids: Ints
    titles: list[str]
    project_age_days: Ints
    days_since_progress: Ints
    stale: Flags
    target_moves: Ints
    shipped_anything: Flags


def _instant_micros(value: Any) -> int:
    """`utc_instant(value)` as microseconds since the epoch (a string is SQLite's text)."""
    instant: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
    if instant.tzinfo is None:
        return (instant - _EPOCH) // _MICROSECOND
    return (instant - _EPOCH_UTC) // _MICROSECOND


def micros(values: Sequence[Any]) -> Ints:
    """Instants as `perfectionism_rows` reads them (`instant_key` text, naive UTC; None:
    missing) as microseconds since the epoch, `_MISSING` for None: parsed by numpy in one
    call (its missing instant, NaT, is the same number; a naive datetime it takes too).
    What numpy would not take as is (an offset) is decoded one by one as `utc_instant`
    does."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # numpy only warns about (and drops) an offset
            return np.array(values, "datetime64[us]").astype(np.int64)
    except (ValueError, TypeError, UserWarning):
        pass
    return np.fromiter(
        (_MISSING if v is None else _instant_micros(v) for v in values), np.int64, len(values)
    )


def most_stuck_arrays(
    rows: Sequence[tuple[Any, ...]], shipped: Collection[int], now: datetime
) -> StuckProjects:
    """`most_stuck_of` for every member of `rows` (`perfectionism_rows`' rows, oldest first)
    at once; `shipped`: the members who shipped a project."""
    if not rows:
        empty = np.zeros(0, np.int64)
        return StuckProjects(empty, [], empty, empty, empty.astype(bool), empty, empty.astype(bool))
    users_c, titles, created_c, progress_c, checkin_c, stale_c, moves_c = zip(*rows, strict=True)
    users = np.fromiter(users_c, np.int64, len(rows))
    created = micros(created_c)
    # Progress and silence count from the start when there was none.
    progress = micros(progress_c)
    progress = np.where(progress == _MISSING, created, progress)
    checkin = micros(checkin_c)
    checkin = np.where(checkin == _MISSING, created, checkin)
    now_us = _instant_micros(now)
    age = np.maximum(0, (now_us - created) // _DAY)
    quiet = np.maximum(0, (now_us - progress) // _DAY)
    marked = np.fromiter((s is not None for s in stale_c), np.bool_, len(rows))
    stale = marked | (now_us - checkin >= _STALE_AFTER)
    moves = np.fromiter(moves_c, np.int64, len(rows))
    # Per member, the greatest (days since progress, stale, moves, age): lexsort's last key
    # is the first compared; it is stable, so a full tie keeps the oldest row first.
    order = np.lexsort((-age, -moves, -stale.astype(np.int64), -quiet, users))
    grouped = users[order]
    first = np.ones(len(order), np.bool_)
    first[1:] = grouped[1:] != grouped[:-1]
    chosen = order[first]
    user_ids = users[chosen]
    return StuckProjects(
        user_ids,
        [titles[i] for i in chosen.tolist()],
        age[chosen],
        quiet[chosen],
        stale[chosen],
        moves[chosen],
        np.isin(user_ids, np.fromiter(shipped, np.int64, len(shipped))),
    )
