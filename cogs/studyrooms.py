"""Study rooms: voice state events to study time, and the tag buttons of the prompt.

No audio and no voice connection: the bot only reads who is in which voice channel (the
non-privileged voice-states intent). Moderators mark the rooms with `/setup study-rooms`
(cogs/setup.py); members start focus sessions with `/focus` (cogs/focus.py).
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.core.observability.probes import gateway_connected
from bot.studybot import StudyBot, StudyCog
from bot.studyrooms import views as studyrooms_ui
from bot.studyrooms.service import VoiceEvent
from bot.studyrooms.views.presence import afk_channel_id, room_presences

log = logging.getLogger(__name__)


class StudyRooms(StudyCog):
    """Feeds voice state changes to the study-room tracker."""

    async def cog_load(self) -> None:
        """Before the gateway connects: rooms and open sessions in memory, the buttons."""
        services = self.bot.services.studyrooms
        services.voice.connected = lambda: gateway_connected(self.bot)
        await services.load()
        self.bot.add_dynamic_items(*studyrooms_ui.DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        """A clean stop: open sessions checkpointed, every pending write finished."""
        self.bot.remove_dynamic_items(*studyrooms_ui.DYNAMIC_ITEMS)
        await self.bot.services.studyrooms.close()

    @commands.Cog.listener()
    async def on_voice_state_update(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        """Someone joined, moved, left or turned their camera or screen on (never awaits)."""
        if member.bot:
            return
        channel = after.channel
        self.bot.services.studyrooms.voice.observe(
            VoiceEvent(
                member.guild.id,
                member.id,
                channel.id if channel is not None else None,
                after.self_video,
                after.self_stream,
                afk_channel_id(member.guild),
            )
        )

    async def _reconcile(self, guild: discord.Guild) -> None:
        voice = self.bot.services.studyrooms.voice
        rooms = self.bot.services.studyrooms.rooms.of(guild.id).rooms
        done = voice.reconcile(guild.id, room_presences(guild, rooms), afk_channel_id(guild))
        if done.continued or done.ended or done.opened:
            log.info(
                "study rooms of guild %s: %s sessions continued, %s ended, %s began",
                guild.id,
                done.continued,
                done.ended,
                done.opened,
            )

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        """At start (and after a fresh gateway session): open sessions against who is in
        the rooms now."""
        await self._reconcile(guild)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        """A server the bot joins (or rejoins, with rooms marked before)."""
        await self._reconcile(guild)

    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        """A deleted study room or focus channel is unmarked."""
        await self.bot.services.studyrooms.rooms.forget_channel(channel.guild.id, channel.id)


async def setup(bot: StudyBot) -> None:
    """Load the cog."""
    await bot.add_cog(StudyRooms(bot))
