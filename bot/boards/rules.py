"""The weekly board (pure): its ledger key per ISO week, the days it covers, and its top
places."""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from datetime import date, timedelta

from bot.core.records import frozen

#: Places shown on each of the board's lists.
BOARD_SIZE = 5
#: Days a board covers: the week up to the day it is posted.
BOARD_DAYS = 7


def board_key(guild_id: int, day: date) -> str:
    """The ledger key of the board of the ISO week containing `day`: one post a week, even
    when a moderator moves its day mid-week."""
    year, week, _ = day.isocalendar()
    return f"board:{guild_id}:{year}-W{week:02d}"


def covered_since(day: date) -> date:
    """The first local day the board posted on `day` covers."""
    return day - timedelta(days=BOARD_DAYS - 1)


@frozen
class Place:
    """One member on one list of the board."""

    rank: int
    user_id: int
    value: int


def top(values: Mapping[int, int], size: int = BOARD_SIZE) -> tuple[Place, ...]:
    """The best `size` members with a value above 0; equal values share a rank ("1, 2, 2,
    4") and are listed by id, so the board is stable."""
    # The best few of tens of thousands: a bounded heap, not a sort of everyone.
    ordered = heapq.nsmallest(size, ((-v, u) for u, v in values.items() if v > 0))
    places: list[Place] = []
    for position, (negated, user) in enumerate(ordered, start=1):
        value = -negated
        rank = places[-1].rank if places and places[-1].value == value else position
        places.append(Place(rank, user, value))
    return tuple(places)


@frozen
class WeeklyBoardData:
    """What the weekly board shows: the week's study time, live streaks and ships."""

    since: date
    until: date
    minutes: tuple[Place, ...]
    streaks: tuple[Place, ...]
    ships: tuple[Place, ...]
    members: int  # members who opted in

    @property
    def empty(self) -> bool:
        return not (self.minutes or self.streaks or self.ships)
