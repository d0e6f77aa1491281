"""/privacy export and delete; members leaving and returning; the bot leaving a guild."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.checks import guild_id_of, write_cooldown
from bot.privacy import views as privacy_ui
from bot.studybot import StudyBot


@app_commands.guild_only()
class Privacy(commands.GroupCog, group_name="privacy"):
    """Your data: take it with you, or have it deleted."""

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(privacy_ui.PrivacyChoice)

    @app_commands.command(name="export", description="Download everything stored about you here.")
    @write_cooldown(2, 300.0)
    async def export(self, interaction: discord.Interaction[StudyBot]) -> None:
        guild_id = guild_id_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await self.bot.services.privacy.export(guild_id, interaction.user.id)
        await interaction.followup.send(
            embed=privacy_ui.export_embed(), file=privacy_ui.export_file(data), ephemeral=True
        )

    @app_commands.command(name="delete", description="Delete everything stored about you here.")
    async def delete(self, interaction: discord.Interaction[StudyBot]) -> None:
        guild_id_of(interaction)
        embed, view = privacy_ui.delete_confirmation(interaction.user.id)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @commands.Cog.listener()
    async def on_member_remove(self, member: discord.Member) -> None:
        await self.bot.services.privacy.member_left(member.guild.id, member.id)

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        await self.bot.services.privacy.member_returned(member.guild.id, member.id)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await self.bot.services.privacy.guild_removed(guild.id)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.bot.services.privacy.guild_returned(guild.id)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Privacy(bot))
