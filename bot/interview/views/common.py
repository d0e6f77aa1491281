"""What every interview view needs: the guild a button was pressed in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.errors import UserFacingError

if TYPE_CHECKING:
    import discord

    from bot.studybot import StudyBot


def guild_of(interaction: discord.Interaction[StudyBot]) -> int:
    """The guild a button was pressed in (these buttons work only inside a server)."""
    if interaction.guild_id is None:
        raise UserFacingError("These buttons work only inside the server.")
    return interaction.guild_id
