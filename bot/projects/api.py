"""The projects feature as other features may use it (their only way in).

- `perfectionism_facts(conn, guild_id, now)`: the pitfalls sweep's facts (one per member);
  or undecoded, for a sweep that builds them elsewhere: `perfectionism_rows`, grouped by
  `projects_by_member`, each member's facts by `most_stuck_of` (pure), or every member's at
  once as arrays by `most_stuck_arrays`;
- `shipped_counts(conn, guild_id, since)`: shipped projects per member (leaderboards);
- `PortfolioSummary`: what `ProjectService.portfolio_summary(guild_id, user_id)` returns
  (the progress dashboard reads it through a Protocol of its own).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from bot.projects.rules import PortfolioSummary, ProjectFacts
from bot.projects.store import (
    RawProjectRow,
    most_stuck_of,
    perfectionism_facts,
    perfectionism_rows,
    projects_by_member,
    shipped_counts,
)

if TYPE_CHECKING:
    from bot.projects.stuck import StuckProjects


def most_stuck_arrays(
    rows: Sequence[RawProjectRow], shipped: Collection[int], now: datetime
) -> StuckProjects:
    """`bot.projects.stuck.most_stuck_arrays`, imported when first used: numpy is loaded by
    the worker processes that call it, not by every bot process that imports this module."""
    from bot.projects.stuck import most_stuck_arrays as arrays

    return arrays(rows, shipped, now)


__all__ = [
    "PortfolioSummary",
    "ProjectFacts",
    "RawProjectRow",
    "StuckProjects",
    "most_stuck_arrays",
    "most_stuck_of",
    "perfectionism_facts",
    "perfectionism_rows",
    "projects_by_member",
    "shipped_counts",
]
