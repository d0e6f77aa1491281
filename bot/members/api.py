"""The members feature as other features may use it (their only way in)."""

from __future__ import annotations

from bot.members.guild_store import removed_before as guilds_removed_before
from bot.members.service.guilds import CHANNEL_ROLES, GuildService, GuildSettings
from bot.members.service.notify import Notifier
from bot.members.service.profiles import (
    NUDGE_MODE_LABELS,
    NUDGE_MODES,
    MemberContext,
    MemberProfile,
    MemberService,
)
from bot.members.store import departed_before as members_departed_before
from bot.members.store import ensure as ensure_member_row

__all__ = [
    "CHANNEL_ROLES",
    "NUDGE_MODES",
    "NUDGE_MODE_LABELS",
    "GuildService",
    "GuildSettings",
    "MemberContext",
    "MemberProfile",
    "MemberService",
    "Notifier",
    "ensure_member_row",
    "guilds_removed_before",
    "members_departed_before",
]
