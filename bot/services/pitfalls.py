"""Pitfall detection sweep and nudges that do not spam (issue 9)."""

from __future__ import annotations

from bot.services.container import FeatureService


class PitfallService(FeatureService):
    pass
