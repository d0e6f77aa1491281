"""The parts of an answer a member asks for: a number checked, the model answer, the
reference code.

"Check a number" opens a one-field form; the reply says right or wrong, shows the working and
suggests a rating (the member still rates with the question's buttons). The model answer and
the reference are private replies, so the practice message keeps its buttons.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import discord

from bot.catalog import Question
from bot.catalog.render import bullet_block
from bot.core import embeds
from bot.core.persistent import PersistentButton
from bot.core.reporting import guarded
from bot.core.text import shorten
from bot.interview import rules
from bot.interview.views.common import guild_of

if TYPE_CHECKING:
    from bot.interview.service import AnswerPart, NumberCheck
    from bot.studybot import StudyBot

#: Code fences: room the code block's markup takes in an embed description.
_FENCE = 16
PART_LABELS: dict[str, str] = {
    "keys": "Key points",
    "model": "Model answer",
    "code": "Reference answer",
}


def number_text(value: float, unit: str | None) -> str:
    return f"{rules.format_number(value)} {unit}" if unit else rules.format_number(value)


def number_check_embed(check: NumberCheck) -> discord.Embed:
    """Right or wrong, the expected number with its tolerance, the working, a rating."""
    question = check.question
    assert question.answer is not None and question.tolerance is not None
    expected = number_text(question.answer, question.answer_unit)
    given = number_text(check.given, question.answer_unit)
    within = f" (± {rules.format_number(question.tolerance)})" if question.tolerance else ""
    if check.right:
        embed = embeds.success("Right", f"You answered **{given}**; the answer is {expected}.")
    else:
        embed = embeds.info(
            "Not quite",
            f"You answered **{given}**; the answer is **{expected}**{within}.",
            colour=embeds.WARNING,
        )
    embed.add_field(name="Working", value=question.working or "—", inline=False)
    label = rules.RATING_LABELS[check.suggested]
    advice = (
        f"This suggests **{label}** next time you see it."
        if check.rated
        else f"Suggested rating: **{label}** — rate with the buttons on the question."
    )
    embed.add_field(name="Your rating", value=advice, inline=False)
    return embed


def key_points_embed(question: Question) -> discord.Embed:
    """The key points (and follow-ups) of a question, opened after the rating."""
    embed = embeds.info(f"Key points · {question.display_title}", bullet_block(question.key_points))
    if question.follow_ups:
        embed.add_field(
            name="Follow-ups", value=shorten(bullet_block(question.follow_ups), 1024), inline=False
        )
    return embed


def answer_part_embed(question: Question, part: AnswerPart) -> discord.Embed:
    """The key points, the model answer, or the reference code in a code block (one embed
    each)."""
    if part == "keys":
        return key_points_embed(question)
    if part == "model":
        assert question.model_answer is not None
        return embeds.info("Model answer", question.model_answer)
    reference = question.reference
    assert reference is not None
    kind = "query" if reference.language == "sql" else "implementation"
    embed = embeds.info(f"Reference {kind}", f"```{reference.language}\n{reference.code}\n```")
    embed.set_footer(
        text="Checked by the project's tests against an independent computation."
        if reference.check
        else "From this server's content pack."
    )
    return embed


class NumberModal(discord.ui.Modal):
    """One field: the member's number. Nothing is stored; the grade is a private reply."""

    def __init__(self, attempt_id: int, unit: str | None) -> None:
        # Keyed by attempt: reopening replaces the form kept for it (no timeout needed).
        super().__init__(
            title="Check your number", timeout=None, custom_id=f"studybot:iv-num-form:{attempt_id}"
        )
        self.attempt_id = attempt_id
        self.number = discord.ui.TextInput[Any](
            label=shorten(f"Your answer ({unit})", 45) if unit else "Your answer",
            placeholder="e.g. 0.25, 69000 or 6.9e4",
            max_length=40,
        )
        self.add_item(self.number)

    @guarded
    async def on_submit(self, interaction: discord.Interaction[StudyBot]) -> None:
        check = await interaction.client.services.interview.rounds.check_number(
            guild_of(interaction), interaction.user.id, self.attempt_id, self.number.value
        )
        await interaction.response.send_message(embed=number_check_embed(check), ephemeral=True)


class NumberButton(PersistentButton, prefix="iv-num"):
    """Opens the number form for the attempt's question."""

    attempt_id: int

    def __init__(self, attempt_id: int) -> None:
        button = discord.ui.Button[Any](
            label="Check a number", style=discord.ButtonStyle.secondary, row=0
        )
        super().__init__(button, attempt_id=attempt_id)

    async def on_click(self, interaction: discord.Interaction[StudyBot]) -> None:
        question = await interaction.client.services.interview.rounds.numeric_question(
            guild_of(interaction), interaction.user.id, self.attempt_id
        )
        await interaction.response.send_modal(NumberModal(self.attempt_id, question.answer_unit))


class AnswerPartButton(PersistentButton, prefix="iv-part"):
    """Opens the key points, the model answer or the reference privately."""

    attempt_id: int
    part: Literal["keys", "model", "code"]

    def __init__(self, attempt_id: int, part: AnswerPart, *, row: int | None = None) -> None:
        button = discord.ui.Button[Any](
            label=PART_LABELS[part], style=discord.ButtonStyle.secondary, row=row
        )
        super().__init__(button, attempt_id=attempt_id, part=part)

    async def on_click(self, interaction: discord.Interaction[StudyBot]) -> None:
        question = await interaction.client.services.interview.rounds.answer_part(
            guild_of(interaction), interaction.user.id, self.attempt_id, self.part
        )
        await interaction.response.send_message(
            embed=answer_part_embed(question, self.part), ephemeral=True
        )


def answer_buttons(
    attempt_id: int, question: Question, *, rated: bool, key_points_shown: bool
) -> list[discord.ui.Item[Any]]:
    """The answer buttons a practice message offers at this point of the round."""
    buttons: list[discord.ui.Item[Any]] = []
    if rated:  # before the rating, the key points open in the message itself
        buttons.append(AnswerPartButton(attempt_id, "keys"))
    if question.answer is not None and not rated:
        buttons.append(NumberButton(attempt_id))
    if question.model_answer is not None and (rated or key_points_shown):
        buttons.append(AnswerPartButton(attempt_id, "model", row=None if rated else 0))
    if question.reference is not None and rated:
        buttons.append(AnswerPartButton(attempt_id, "code"))
    return buttons
