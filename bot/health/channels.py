"""Is every configured channel usable? The per-channel check of `/setup health`, start-up and
`studybot doctor`.

A guild's configured channels are its `/setup channels` (daily, accountability, interview)
and, when on, its welcome channel. Each is checked the way Discord will judge the bot's posts:
it exists, it is a text channel, and discord.py's `permissions_for` grants the bot what a post
with embeds and a thread needs (`bot.core.permissions.CHANNEL_REQUIREMENTS`). At start-up a
problem marks the setting broken (shown in `/setup show`, like a post that failed), and a
setting that works again is cleared.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

import discord

from bot.core.permissions import CHANNEL_REQUIREMENTS
from bot.core.store import Store
from bot.health.rules import ChannelCheck, channel_check
from bot.members.api import CHANNEL_ROLES, GuildService, GuildSettings
from bot.progress.api import Welcome, all_welcome_greetings, welcome_greeting

log = logging.getLogger(__name__)


def bot_role_name(me: discord.Member) -> str:
    """The role a moderator edits to grant the bot permissions (its own, usually)."""
    role = me.top_role
    return me.display_name if role.is_default() else role.name


def configured_channels(settings: GuildSettings, welcome: Welcome) -> list[tuple[str, int]]:
    """(setting, channel id) of every channel a guild configured, from its settings and its
    welcome greeting."""
    pairs = [(role, cid) for role, cid in settings.channels.items() if cid is not None]
    if welcome["enabled"] and welcome["channel_id"] is not None:
        pairs.append(("welcome", welcome["channel_id"]))
    return pairs


def check_channels(
    configured: Iterable[tuple[str, int]],
    channels: Mapping[int, discord.abc.GuildChannel],
    me: discord.Member,
) -> list[ChannelCheck]:
    """Check configured channels against a guild's channels by id and the bot's member."""
    checks = []
    for setting, channel_id in configured:
        channel = channels.get(channel_id)
        if channel is None:
            checks.append(
                channel_check(
                    setting,
                    channel_id,
                    name=None,
                    is_text=False,
                    granted={},
                    bot_role=bot_role_name(me),
                )
            )
            continue
        perms = channel.permissions_for(me)
        checks.append(
            channel_check(
                setting,
                channel_id,
                name=channel.name,
                is_text=isinstance(channel, discord.TextChannel),
                granted={name: bool(getattr(perms, name)) for name in CHANNEL_REQUIREMENTS},
                bot_role=bot_role_name(me),
            )
        )
    return checks


class ChannelAudit:
    """Checks a guild's configured channels against what the bot may do in them."""

    def __init__(self, store: Store, guilds: GuildService) -> None:
        self.store = store
        self.guilds = guilds

    async def configured(self, guild_id: int) -> list[tuple[str, int]]:
        """(setting, channel id) of every channel the guild configured."""
        settings = await self.guilds.settings(guild_id)
        async with self.store.connect() as conn:
            welcome = await welcome_greeting(conn, guild_id)
        return configured_channels(settings, welcome)

    async def check(
        self,
        guild_id: int,
        channels: Mapping[int, discord.abc.GuildChannel],
        me: discord.Member,
    ) -> list[ChannelCheck]:
        """Check the guild's configured channels, given its channels by id and the bot's
        member (from the gateway cache or fetched over REST)."""
        return check_channels(await self.configured(guild_id), channels, me)

    async def check_guild(self, guild: discord.Guild) -> list[ChannelCheck]:
        """Check a guild from the gateway cache (empty when the bot's member is unknown)."""
        if guild.me is None:
            return []
        return await self.check(guild.id, {c.id: c for c in guild.channels}, guild.me)

    async def record(
        self, guild_id: int, checks: Iterable[ChannelCheck], settings: GuildSettings | None = None
    ) -> None:
        """Mark the guild's broken channel settings, and clear the ones that work again
        (`settings`: the guild's, when the caller has read them)."""
        if settings is None:
            settings = await self.guilds.settings(guild_id)
        for check in checks:
            if check.setting not in CHANNEL_ROLES:
                continue  # the welcome greeting reports its own failures when it sends
            if not check.ok:
                await self.guilds.mark_broken(guild_id, check.setting, check.problem)
            elif check.setting in settings.broken:
                await self.guilds.clear_broken(guild_id, check.setting)

    async def audit_at_start(self, guilds: Iterable[discord.Guild]) -> list[str]:
        """Check every guild once the gateway is ready: log each problem as one paragraph
        with its fix, and record it (see `record`). Returns the logged lines."""
        lines: list[str] = []
        # Every guild's settings and greeting in two reads: per guild, a process of 500
        # guilds spent seconds of its start-up in round trips.
        try:
            stored = await self.guilds.all_settings()
            async with self.store.connect() as conn:
                welcomes = await all_welcome_greetings(conn)
        except Exception:  # a bad row must not stop the bot's start; the audit is advisory
            log.exception("could not read the guilds' channel settings for the audit")
            return lines
        for guild in guilds:
            if guild.me is None:
                continue
            settings = stored.get(guild.id) or GuildSettings.default(guild.id)
            welcome = welcomes.get(guild.id) or Welcome(channel_id=None, enabled=False)
            try:
                configured = configured_channels(settings, welcome)
                checks = check_channels(configured, {c.id: c for c in guild.channels}, guild.me)
                await self.record(guild.id, checks, settings)
            except Exception:  # one guild's bad data must not stop the bot's start
                log.exception("could not check the channels of guild %s", guild.id)
                continue
            for check in checks:
                if check.ok:
                    continue
                line = (
                    f"Server {guild.name!r} ({guild.id}): the {check.purpose} channel "
                    f"{check.label} is not usable — {check.problem}. Fix: {check.fix}."
                )
                log.warning("%s", line)
                lines.append(line)
        return lines
