"""Moderator-uploaded content packs: store, versions, enable/disable, rollback (issue 4)."""

from __future__ import annotations

from bot.services.container import FeatureService


class ContentService(FeatureService):
    pass
