"""What the question of the day looks like, and its persistent "Practice this" button."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import discord

from bot.catalog import Question
from bot.core.persistent import Field, FixedButton, PersistentView
from bot.interview.views.common import guild_of
from bot.interview.views.practice import (
    practice_view,
    question_embed,
    question_embed_base,
)

if TYPE_CHECKING:
    from bot.studybot import StudyBot


def qotd_embed(question: Question, day: date) -> discord.Embed:
    """The post: the day and "Interview question of the day" above the question's title."""
    embed = question_embed_base(f"Interview question of the day · {day:%A %d %B}", question)
    embed.set_footer(text="Press Practice this for a private round with hints and key points.")
    return embed


class QotdPracticeButton(
    FixedButton, prefix="iv-qotd", label="Practice this", style=discord.ButtonStyle.primary
):
    question_id: Annotated[str, Field(r"[a-z0-9][a-z0-9-]{1,63}")]

    async def on_click(self, interaction: discord.Interaction[StudyBot]) -> None:
        round_ = await interaction.client.services.interview.rounds.practice_question(
            guild_of(interaction), interaction.user.id, self.question_id
        )
        await interaction.response.send_message(
            embed=question_embed(round_), view=practice_view(round_), ephemeral=True
        )


def qotd_view(question_id: str) -> discord.ui.View:
    return PersistentView(QotdPracticeButton(question_id))
