"""/help, generated from the command tree itself."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.core import embeds
from bot.core.commands_info import walk_commands
from bot.studybot import StudyBot, StudyCog, reply


class Help(StudyCog):
    """/help, generated from the command tree."""

    @app_commands.command(name="help", description="What the bot can do, by command group.")
    async def help(self, interaction: discord.Interaction[StudyBot]) -> None:
        """What the bot can do, by command group."""
        member = interaction.user
        show_moderator = False
        if interaction.guild is not None and isinstance(member, discord.Member):
            show_moderator = await self.bot.services.guilds.is_moderator(
                interaction.guild.id,
                {role.id for role in member.roles},
                manage_guild=member.guild_permissions.manage_guild,
            )
        await reply(
            interaction,
            embed=embeds.help_embed(walk_commands(self.bot.tree), show_moderator=show_moderator),
        )


async def setup(bot: StudyBot) -> None:
    """Load this cog (discord.py's extension entry point)."""
    await bot.add_cog(Help(bot))
