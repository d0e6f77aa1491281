"""/daily: today's prompt, streaks, history; moderators can post now."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.core import embeds
from bot.core.checks import guild_id_of, moderator_only
from bot.core.errors import UserFacingError
from bot.daily import views as daily_ui
from bot.studybot import Interaction, StudyBot, StudyGroupCog, reply

POST_RESULT_TEXT = {
    "sent": "Posted today's prompt.",
    "duplicate": "Today's prompt was already posted — nothing sent twice.",
    "no_channel": "No daily channel is set. Use `/setup channels daily:` first.",
    "failed": "I could not post in the daily channel; `/setup show` says why.",
    "retry": "Discord did not accept the post just now; I will retry shortly.",
    "unavailable": "This server has no daily prompts loaded.",
}


@app_commands.guild_only()
class Daily(StudyGroupCog, group_name="daily"):
    """The daily study prompt and your streak."""

    async def cog_load(self) -> None:
        """Register this cog's persistent components so old buttons keep working."""
        self.bot.add_dynamic_items(daily_ui.DailyDoneButton, daily_ui.DoneMinutesSelect)

    @app_commands.command(name="today", description="Today's prompt, with its Done button.")
    async def today(self, interaction: Interaction) -> None:
        """Today's prompt, with its Done button."""
        guild_id = guild_id_of(interaction)
        daily = await self.bot.services.daily.today(guild_id)
        catalog = self.bot.services.catalog.for_guild(guild_id)
        await reply(
            interaction,
            embed=daily_ui.prompt_embed(daily, catalog),
            view=daily_ui.done_view(guild_id, daily.prompt_date),
        )

    @app_commands.command(name="streak", description="Your streak, or another member's.")
    @app_commands.describe(member="Whose streak to show (default: yours)")
    async def streak(self, interaction: Interaction, member: discord.Member | None = None) -> None:
        """Your streak, or another member's."""
        guild_id = guild_id_of(interaction)
        shown = embeds.Shown.of(interaction, member)
        if not shown.own:
            profile = await self.bot.services.members.profile(guild_id, shown.user.id)
            if not profile.profile_public:
                raise UserFacingError("That member keeps their progress private.")
        state = await self.bot.services.daily.streak(guild_id, shown.user.id)
        await reply(interaction, embed=daily_ui.streak_embed(state, shown.name, own=shown.own))

    @app_commands.command(name="history", description="Your last 14 days at a glance.")
    async def history(self, interaction: Interaction) -> None:
        """Your last 14 days at a glance."""
        guild_id = guild_id_of(interaction)
        days = await self.bot.services.daily.history(guild_id, interaction.user.id)
        state = await self.bot.services.daily.streak(guild_id, interaction.user.id)
        await reply(interaction, embed=daily_ui.history_embed(days, state))

    @app_commands.command(name="post-now", description="Post today's prompt now (moderators).")
    @moderator_only()
    async def post_now(self, interaction: Interaction) -> None:
        """Post today's prompt now (moderators)."""
        guild_id = guild_id_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.bot.services.daily.post(guild_id, manual=True)
        text = POST_RESULT_TEXT.get(result.status, result.detail)
        await reply(interaction, embed=embeds.info("Daily prompt", text))


async def setup(bot: StudyBot) -> None:
    """Load this cog (discord.py's extension entry point)."""
    await bot.add_cog(Daily(bot))
