"""/help: an overview of the command groups, and a menu that shows one group's commands."""

from __future__ import annotations

from discord import app_commands

from bot.core.help import HelpMenu, help_reply
from bot.studybot import Interaction, StudyBot, StudyCog, reply


class Help(StudyCog):
    """/help, generated from the command tree."""

    async def cog_load(self) -> None:
        """Register the persistent menu, so the one on old /help messages keeps working."""
        self.bot.add_dynamic_items(HelpMenu)

    @app_commands.command(name="help", description="What the bot can do, by command group.")
    async def help(self, interaction: Interaction) -> None:
        """The overview (one line per group) with a menu to show a group's commands."""
        embed, view = await help_reply(interaction)
        await reply(interaction, embed=embed, view=view)


async def setup(bot: StudyBot) -> None:
    """Load this cog (discord.py's extension entry point)."""
    await bot.add_cog(Help(bot))
