"""The members services: guild settings, member profiles and context, reaching a member."""

from bot.members.service.guilds import CHANNEL_ROLES, GuildService, GuildSettings
from bot.members.service.notify import Notifier
from bot.members.service.profiles import NUDGE_MODES, MemberContext, MemberProfile, MemberService

__all__ = [
    "CHANNEL_ROLES",
    "NUDGE_MODES",
    "GuildService",
    "GuildSettings",
    "MemberContext",
    "MemberProfile",
    "MemberService",
    "Notifier",
]
