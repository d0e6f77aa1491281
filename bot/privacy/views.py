"""Privacy: the export file and the delete confirmation."""

from __future__ import annotations

import io
import re
from typing import Any

import discord

from bot.core import embeds
from bot.core.errors import UserFacingError
from bot.core.reporting import guarded

DELETE_TEMPLATE = r"studybot:privacy-(?P<action>delete|keep):(?P<user>\d+)"


def export_file(data: bytes) -> discord.File:
    return discord.File(io.BytesIO(data), filename="studybot-my-data.json")


def export_embed() -> discord.Embed:
    return embeds.info(
        "Your data",
        "Everything I store about you in this server, as JSON. Only you can see this.",
    )


class PrivacyChoice(discord.ui.DynamicItem[discord.ui.Button[Any]], template=DELETE_TEMPLATE):
    def __init__(self, action: str, user_id: int) -> None:
        delete = action == "delete"
        super().__init__(
            discord.ui.Button(
                label="Delete everything" if delete else "Keep my data",
                style=discord.ButtonStyle.danger if delete else discord.ButtonStyle.secondary,
                custom_id=f"studybot:privacy-{action}:{user_id}",
            )
        )
        self.action = action
        self.user_id = user_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PrivacyChoice:
        return cls(match["action"], int(match["user"]))

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
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
    view = discord.ui.View(timeout=None)
    view.add_item(PrivacyChoice("delete", user_id))
    view.add_item(PrivacyChoice("keep", user_id))
    embed = embeds.info(
        "Delete all your data in this server?",
        "This removes your study log, streaks, reviews, projects, nudges, settings and queue "
        "entries here. It cannot be undone. `/privacy export` first if you want a copy.",
        colour=embeds.WARNING,
    )
    return embed, view
