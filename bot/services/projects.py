"""Portfolio projects, check-ins, milestones, shipping, weekly accountability (issue 8)."""

from __future__ import annotations

from bot.services.container import FeatureService


class ProjectService(FeatureService):
    pass
