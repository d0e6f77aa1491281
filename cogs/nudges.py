"""Pitfall nudges: the persistent **On it** / **Not for me** buttons, and the sweep's job for
servers the bot joins. The sweep itself is scheduled by `PitfallService`; moderators tune it
with `/setup pitfalls` and read aggregates with `/setup stats` (cogs/setup.py)."""

from __future__ import annotations

import discord
from discord.ext import commands

from bot.pitfalls import views as pitfalls_ui
from bot.studybot import StudyBot


class Nudges(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(pitfalls_ui.NudgeFeedbackButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(pitfalls_ui.NudgeFeedbackButton)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        # A new server gets its daily sweep without waiting for a restart.
        await self.bot.services.pitfalls.sync_jobs(guild.id)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Nudges(bot))
