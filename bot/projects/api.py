"""The projects feature as other features may use it (their only way in).

- `perfectionism_facts(conn, guild_id, now)`: the pitfalls sweep's facts (one per member);
- `shipped_counts(conn, guild_id, since)`: shipped projects per member (leaderboards);
- `PortfolioSummary`: what `ProjectService.portfolio_summary(guild_id, user_id)` returns
  (the progress dashboard reads it through a Protocol of its own).
"""

from __future__ import annotations

from bot.projects.rules import PortfolioSummary, ProjectFacts
from bot.projects.store import perfectionism_facts, shipped_counts

__all__ = ["PortfolioSummary", "ProjectFacts", "perfectionism_facts", "shipped_counts"]
