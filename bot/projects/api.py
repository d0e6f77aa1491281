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

from bot.projects.rules import PortfolioSummary, ProjectFacts
from bot.projects.store import (
    RawProjectRow,
    most_stuck_of,
    perfectionism_facts,
    perfectionism_rows,
    projects_by_member,
    shipped_counts,
)
from bot.projects.stuck import StuckProjects, most_stuck_arrays

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
