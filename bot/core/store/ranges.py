"""A range of member ids, for sweeps that read a large guild a slice of members at a time.

A whole-guild sweep over 100,000 members in one query holds the database, and then the event
loop while the rows are turned into Python, for far too long. Sweeps instead read one
`MemberRange` at a time; consecutive ranges (`MemberRange.split`) cover every id exactly once,
whatever ids exist, so the slices add up to the whole-guild answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, true

from bot.core.records import frozen


@frozen
class MemberRange:
    """Member ids above `after` and up to `upto` (None: unbounded on that side)."""

    after: int | None = None
    upto: int | None = None

    def where(self, column: Any) -> ColumnElement[bool]:
        """The SQL condition "`column` is in this range"."""
        condition: ColumnElement[bool] = true()
        if self.after is not None:
            condition = condition & (column > self.after)
        if self.upto is not None:
            condition = condition & (column <= self.upto)
        return condition

    def __contains__(self, user_id: object) -> bool:
        if not isinstance(user_id, int):
            return False
        above = self.after is None or user_id > self.after
        return above and (self.upto is None or user_id <= self.upto)

    @staticmethod
    def split(edges: Sequence[int]) -> list[MemberRange]:
        """The ranges cut at each of the ascending `edges` (an edge ends its range): together
        they cover every id, the first and last open-ended."""
        bounds: list[int | None] = [None, *edges, None]
        return [MemberRange(bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]
