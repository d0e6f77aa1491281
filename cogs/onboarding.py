"""/start (onboarding) and the welcome greeting for members who join."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.checks import guild_id_of
from bot.progress import views as progress_ui
from bot.studybot import Interaction, StudyBot


class Onboarding(commands.Cog):
    """A short setup for new members."""

    def __init__(self, bot: StudyBot) -> None:
        """Keep the bot for its services."""
        self.bot = bot

    async def cog_load(self) -> None:
        """Register the persistent Get started button and onboarding selects."""
        self.bot.add_dynamic_items(progress_ui.StartButton, progress_ui.OnboardingSelect)

    @app_commands.command(
        name="start", description="Set up: timezone, focus, weekly goal, DMs and nudges."
    )
    @app_commands.guild_only()
    async def start(self, interaction: Interaction) -> None:
        """The onboarding form; every choice is saved when picked."""
        onboarding = self.bot.services.progress.onboarding
        state = await onboarding.state(guild_id_of(interaction), interaction.user.id)
        await interaction.response.send_message(
            embed=progress_ui.onboarding_embed(state),
            view=progress_ui.onboarding_view(interaction.user.id, state),
            ephemeral=True,
        )

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        """Greet in the guild's welcome channel, if a moderator turned it on (never by DM)."""
        if member.bot:
            return
        await self.bot.services.progress.welcome.greet(member.guild.id, member.id)


async def setup(bot: StudyBot) -> None:
    """Load the cog."""
    await bot.add_cog(Onboarding(bot))
