"""Privacy: the export file and the delete confirmation."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, ClassVar, Literal

import discord

from bot.core import embeds
from bot.core.choices import ChoiceButton, Choices
from bot.core.errors import UserFacingError

if TYPE_CHECKING:
    from bot.studybot import StudyBot


def export_file(data: bytes) -> discord.File:
    """The member's data as a JSON attachment."""
    return discord.File(io.BytesIO(data), filename="studybot-my-data.json")


def export_embed() -> discord.Embed:
    """The message that comes with the export file."""
    return embeds.info(
        "Your data",
        "Everything I store about you in this server, as JSON. Only you can see this.",
    )


class PrivacyChoice(ChoiceButton, prefix="privacy-"):
    """Delete everything, or keep it: only the member who asked can answer."""

    CHOICES: ClassVar[Choices] = {
        "delete": ("Delete everything", discord.ButtonStyle.danger),
        "keep": ("Keep my data", discord.ButtonStyle.secondary),
    }
    action: Literal["delete", "keep"]
    user_id: int

    async def on_click(self, interaction: discord.Interaction[StudyBot]) -> None:
        if interaction.user.id != self.user_id or interaction.guild_id is None:
            raise UserFacingError("Only the member who asked can answer this.")
        if self.action == "keep":
            await interaction.response.edit_message(
                embed=embeds.info("Nothing deleted", "Your data stays as it is."), view=None
            )
            return
        removed = await interaction.client.services.privacy.delete(
            interaction.guild_id, self.user_id
        )
        await interaction.response.edit_message(
            embed=embeds.success(
                "Deleted",
                f"I removed everything I stored about you in this server ({removed} records). "
                "If you use the bot again, you start fresh.",
            ),
            view=None,
        )


def delete_confirmation(user_id: int) -> tuple[discord.Embed, discord.ui.View]:
    """The question before deleting a member's data, with its two answers."""
    embed = embeds.info(
        "Delete all your data in this server?",
        "This removes your study log, streaks, reviews, projects, nudges, settings and queue "
        "entries here. It cannot be undone. `/privacy export` first if you want a copy.",
        colour=embeds.WARNING,
    )
    return embed, PrivacyChoice.choices_view(user_id=user_id)
