"""Pitfall nudges: the persistent feedback buttons, and the sweep for servers the bot joins.

The buttons are **On it** / **Not for me**. The sweep itself is scheduled by `PitfallService`;
moderators tune it with `/setup pitfalls` and read aggregates with `/setup stats`
(cogs/setup.py).
"""

from __future__ import annotations

import discord
from discord.ext import commands

from bot.pitfalls.views import NudgeFeedbackButton
from bot.studybot import StudyBot


class Nudges(commands.Cog):
    """Registers the nudge feedback buttons and schedules new servers' sweeps."""

    def __init__(self, bot: StudyBot) -> None:
        """Keep the bot (its services hold the pitfall feature)."""
        self.bot = bot

    async def cog_load(self) -> None:
        """Make the feedback buttons on old messages clickable again."""
        self.bot.add_dynamic_items(NudgeFeedbackButton)

    async def cog_unload(self) -> None:
        """Stop handling the feedback buttons."""
        self.bot.remove_dynamic_items(NudgeFeedbackButton)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        """Schedule a new server's daily sweep without waiting for a restart."""
        await self.bot.services.pitfalls.sync_jobs(guild.id)


async def setup(bot: StudyBot) -> None:
    """Load the cog."""
    await bot.add_cog(Nudges(bot))
