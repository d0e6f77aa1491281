"""Study log, progress dashboard, roadmap, leaderboards, goals, onboarding, digest (issue 9)."""

from __future__ import annotations

from bot.services.container import FeatureService


class ProgressService(FeatureService):
    pass
