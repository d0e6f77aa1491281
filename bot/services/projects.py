"""Portfolio projects, check-ins, milestones, shipping, weekly accountability (issue 8)."""

from __future__ import annotations

from bot.domain.projects import PortfolioSummary
from bot.services.container import FeatureService
from bot.store import projects as project_rows


class ProjectService(FeatureService):
    async def portfolio_summary(self, guild_id: int, user_id: int) -> PortfolioSummary:
        """Active and shipped counts, shipped domains and the last check-in, for other features."""
        async with self.services.store.connect() as conn:
            return await project_rows.portfolio(conn, guild_id, user_id)
