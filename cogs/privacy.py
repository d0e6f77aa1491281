"""/privacy export and delete; members leaving and returning; the bot leaving a guild."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.checks import guild_id_of, write_cooldown
from bot.privacy import views as privacy_ui
from bot.privacy.service import PrivacyService
from bot.studybot import Interaction, StudyBot


@app_commands.guild_only()
class Privacy(commands.GroupCog, group_name="privacy"):
    """Your data: take it with you, or have it deleted."""

    def __init__(self, privacy: PrivacyService) -> None:
        """The cog works through the privacy service only."""
        super().__init__()
        self.privacy = privacy

    @app_commands.command(name="export", description="Download everything stored about you here.")
    @write_cooldown(2, 300.0)
    async def export(self, interaction: Interaction) -> None:
        """Everything stored about the member here, as a JSON file."""
        guild_id = guild_id_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await self.privacy.export(guild_id, interaction.user.id)
        await interaction.followup.send(
            embed=privacy_ui.export_embed(), file=privacy_ui.export_file(data), ephemeral=True
        )

    @app_commands.command(name="delete", description="Delete everything stored about you here.")
    async def delete(self, interaction: Interaction) -> None:
        """Ask before deleting everything stored about the member here."""
        guild_id_of(interaction)
        embed, view = privacy_ui.delete_confirmation(interaction.user.id)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @commands.Cog.listener()
    async def on_member_remove(self, member: discord.Member) -> None:
        """A member left: the retention clock starts."""
        await self.privacy.member_left(member.guild.id, member.id)

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        """A member (re)joined: their data stays."""
        await self.privacy.member_returned(member.guild.id, member.id)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """The bot was removed: the guild's retention clock starts."""
        await self.privacy.guild_removed(guild.id)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        """The bot joined (again): the guild's data stays."""
        await self.privacy.guild_returned(guild.id)


async def setup(bot: StudyBot) -> None:
    """Load the cog and its persistent Delete/Keep buttons."""
    bot.add_dynamic_items(privacy_ui.PrivacyChoice)
    await bot.add_cog(Privacy(bot.services.privacy))
