"""What interview practice looks like: the question, its persistent buttons, the results.

Every button is a `PersistentButton` whose custom id carries the attempt id; the state
(hints shown, key points, rating) is in the database. So an ephemeral practice message keeps
working after a restart, and a click from anyone but its owner is refused by the service.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import discord

from bot.catalog import Question
from bot.catalog.render import bullet_block
from bot.core import embeds
from bot.core.persistent import Field, FixedButton, PersistentButton, PersistentView
from bot.core.text import plural, strength_text
from bot.interview import rules
from bot.interview.rules import Rating, category_name
from bot.interview.views.answers import answer_buttons
from bot.interview.views.common import guild_of

if TYPE_CHECKING:
    from bot.interview.service import InterviewStats, MockSummary, PracticeRound, RatingResult
    from bot.studybot import StudyBot

DIFFICULTY = {1: "easy", 2: "medium", 3: "hard"}
RATING_STYLE = {
    "again": discord.ButtonStyle.danger,
    "hard": discord.ButtonStyle.secondary,
    "good": discord.ButtonStyle.primary,
    "easy": discord.ButtonStyle.success,
}
TREND = {"up": "↑ improving", "down": "↓ slipping", "steady": "→ steady", "new": "new"}
#: How the one 0–100 % strength scale is made, said wherever a strength is shown.
STRENGTH_SCALE = "Strength: Again 0% · Hard 33% · Good 67% · Easy 100%, averaged."


def due_text(due: datetime) -> str:
    return f"{discord.utils.format_dt(due, 'R')} ({discord.utils.format_dt(due, 'f')})"


def question_embed_base(heading: str, question: Question) -> discord.Embed:
    """A question's embed: what kind of round it is (the author line), the question's short
    title, its prompt, then its category, difficulty and time limit."""
    embed = embeds.info(question.display_title, question.prompt)
    embed.set_author(name=heading)
    embed.add_field(name="Category", value=category_name(question.category), inline=True)
    embed.add_field(name="Difficulty", value=DIFFICULTY.get(question.difficulty, "?"), inline=True)
    embed.add_field(name="Time limit", value=f"{question.time_limit_minutes} min", inline=True)
    return embed


def question_embed(round_: PracticeRound) -> discord.Embed:
    question = round_.question
    if round_.mock is not None:
        heading = f"Mock interview — question {round_.mock.index + 1} of {round_.mock.total}"
    elif round_.kind == "review":
        heading = "Interview practice — review due"
    elif round_.kind == "qotd":
        heading = "Question of the day — practice"
    else:
        heading = "Interview practice — new question"
    embed = question_embed_base(heading, question)
    if round_.mock is not None:
        embed.add_field(
            name="Session deadline",
            value=discord.utils.format_dt(round_.mock.deadline, "R"),
            inline=False,
        )
    for i, hint in enumerate(question.hints[: round_.hints_shown], start=1):
        embed.add_field(name=f"Hint {i}", value=hint, inline=False)
    if round_.key_points_shown:
        embed.add_field(name="Key points", value=bullet_block(question.key_points), inline=False)
        if question.follow_ups:
            embed.add_field(
                name="Follow-ups", value=bullet_block(question.follow_ups), inline=False
            )
    embed.set_footer(
        text="Answer aloud or on paper within the time limit, then rate yourself honestly: "
        "that rating decides when this question comes back."
    )
    return embed


async def edit_to_round(interaction: discord.Interaction[StudyBot], round_: PracticeRound) -> None:
    """Turn the practice message into `round_` (a type 7 update)."""
    await interaction.response.edit_message(
        embed=question_embed(round_), view=practice_view(round_)
    )


class HintButton(PersistentButton, prefix="iv-hint"):
    """Reveals hints up to number `n` (the next one); the count is kept in the database."""

    attempt_id: int
    n: int

    def __init__(self, attempt_id: int, n: int, *, disabled: bool = False) -> None:
        button = discord.ui.Button[Any](
            label="Hint", style=discord.ButtonStyle.secondary, disabled=disabled, row=0
        )
        super().__init__(button, attempt_id=attempt_id, n=n)

    async def on_click(self, interaction: discord.Interaction[StudyBot]) -> None:
        round_ = await interaction.client.services.interview.rounds.reveal_hint(
            guild_of(interaction), interaction.user.id, self.attempt_id, self.n
        )
        await edit_to_round(interaction, round_)


class KeyPointsButton(PersistentButton, prefix="iv-keys"):
    attempt_id: int

    def __init__(self, attempt_id: int, *, disabled: bool = False) -> None:
        button = discord.ui.Button[Any](
            label="Key points", style=discord.ButtonStyle.secondary, disabled=disabled, row=0
        )
        super().__init__(button, attempt_id=attempt_id)

    async def on_click(self, interaction: discord.Interaction[StudyBot]) -> None:
        round_ = await interaction.client.services.interview.rounds.reveal_key_points(
            guild_of(interaction), interaction.user.id, self.attempt_id
        )
        await edit_to_round(interaction, round_)


class RateButton(PersistentButton, prefix="iv-rate"):
    """Again / Hard / Good / Easy: records the rating and edits the message to the result."""

    attempt_id: int
    rating: Rating

    def __init__(self, attempt_id: int, rating: Rating) -> None:
        button = discord.ui.Button[Any](
            label=rules.RATING_LABELS[rating], style=RATING_STYLE[rating], row=1
        )
        super().__init__(button, attempt_id=attempt_id, rating=rating)

    async def on_click(self, interaction: discord.Interaction[StudyBot]) -> None:
        result = await interaction.client.services.interview.rounds.rate(
            guild_of(interaction), interaction.user.id, self.attempt_id, self.rating
        )
        embed_list, view = rating_reply(result)
        await interaction.response.edit_message(embeds=embed_list, view=view)


class NextButton(
    FixedButton, prefix="iv-next", label="Next question", style=discord.ButtonStyle.primary
):
    """Starts the presser's next practice round with the same filters."""

    category: Annotated[str | None, Field(r"[a-z_]+", none="-")]
    difficulty: Annotated[int | None, Field(r"[0-3]", none="0")]

    async def on_click(self, interaction: discord.Interaction[StudyBot]) -> None:
        round_ = await interaction.client.services.interview.rounds.practice(
            guild_of(interaction),
            interaction.user.id,
            category=self.category,
            difficulty=self.difficulty,
        )
        await edit_to_round(interaction, round_)


def practice_view(round_: PracticeRound) -> discord.ui.View:
    hints = len(round_.question.hints)
    hint = HintButton(
        round_.attempt_id,
        min(round_.hints_shown + 1, hints),
        disabled=round_.hints_shown >= hints,
    )
    answers = answer_buttons(
        round_.attempt_id, round_.question, rated=False, key_points_shown=round_.key_points_shown
    )
    return PersistentView(
        hint,
        KeyPointsButton(round_.attempt_id, disabled=round_.key_points_shown),
        *answers,
        *(RateButton(round_.attempt_id, rating) for rating in rules.RATINGS),
    )


def practice_next_view(result: RatingResult) -> discord.ui.View:
    """After a rating: the next question, and the answer parts that open now."""
    answers = answer_buttons(result.attempt_id, result.question, rated=True, key_points_shown=True)
    return PersistentView(NextButton(result.category, result.difficulty), *answers)


def rating_reply(result: RatingResult) -> tuple[list[discord.Embed], discord.ui.View | None]:
    """What the practice message becomes after a rating (a type 7 update): the verdict and
    when the question comes back, once. The member has just read the question, so it is not
    repeated; the key points open privately from a button."""
    saved = embeds.success(
        f"Rated {rules.RATING_LABELS[result.rating]} · {result.question.display_title}",
        f"Next review {due_text(result.due_at)}.\n"
        f"Logged {result.minutes} min of interview practice.",
    )
    if result.next_round is not None:
        return [saved, question_embed(result.next_round)], practice_view(result.next_round)
    if result.summary is not None:
        return [saved, summary_embed(result.summary)], None
    return [saved], practice_next_view(result)


# --- mock sessions ---------------------------------------------------------------------


def summary_embed(summary: MockSummary) -> discord.Embed:
    heading = {
        "done": "Mock interview complete",
        "ended": "Mock interview ended",
        "expired": "Mock interview closed (past its deadline)",
    }.get(summary.status, "Mock interview")
    score = summary.score
    answered = sum(c.answered for c in score.categories)
    # The sample size is the first half of the sentence: "You answered 3 of 3 questions".
    overall = (
        f"overall {score.overall_percent}% from your own ratings" if answered else "none rated"
    )
    embed = embeds.info(
        heading,
        f"You answered {answered} of {plural(summary.total, 'question')} · {overall}.",
        colour=embeds.SUCCESS if summary.status == "done" else embeds.BRAND,
    )
    lines = []
    for c in score.categories:
        line = f"**{category_name(c.category)}** — "
        line += strength_text(c.percent / 100, c.answered) if c.answered else "not answered"
        if 0 < c.answered < c.asked:
            line += f" ({c.asked - c.answered} not answered)"
        lines.append(line)
    embed.add_field(name="Per category", value="\n".join(lines) or "—", inline=False)
    review_lines = []
    for qid in score.to_review[:8]:
        question = summary.questions.get(qid)
        review_lines.append(f"• {question.display_title if question else qid}")
    embed.add_field(
        name="What to review",
        value="\n".join(review_lines) or "Nothing rated Again or Hard — well done.",
        inline=False,
    )
    if score.next_due is not None:
        embed.add_field(
            name="Reviews due", value=f"First one {due_text(score.next_due)}", inline=False
        )
    embed.set_footer(
        text=f"{STRENGTH_SCALE} /interview practice brings each question back when it is due."
    )
    return embed


# --- stats and reminders ---------------------------------------------------------------


def stats_embed(stats: InterviewStats, who: str) -> discord.Embed:
    embed = embeds.info(f"{who} — interview practice")
    embed.add_field(name="Answers rated", value=f"{stats.attempts:,}", inline=True)
    embed.add_field(name="Due now", value=f"{stats.due:,}", inline=True)
    embed.add_field(
        name="Next review",
        value=discord.utils.format_dt(stats.next_due, "R") if stats.next_due else "—",
        inline=True,
    )
    if stats.categories:
        lines = [
            f"**{category_name(c.category)}** — {strength_text(c.strength, c.attempts)} · "
            f"{TREND[c.trend]}"
            for c in stats.categories
        ]
        embed.add_field(name="Strength by category", value="\n".join(lines), inline=False)
    else:
        embed.add_field(
            name="Strength by category",
            value="No rated questions yet: try `/interview practice`.",
            inline=False,
        )
    if stats.weakest:
        embed.add_field(
            name="Weakest skills",
            value="\n".join(
                f"• {name}: {s.percent}% · {plural(s.answers, 'answer')}"
                for name, s in stats.weakest
            ),
            inline=False,
        )
    embed.set_footer(
        text=f"{STRENGTH_SCALE.removesuffix('.')} over your last {rules.RECENT_PER_CATEGORY} "
        f"answers per category. new: fewer than {rules.TREND_MIN_RATINGS} answers, too few to "
        "show a trend."
    )
    return embed


def reviews_due_embed(count: int) -> discord.Embed:
    verb = "is" if count == 1 else "are"
    return embeds.info(
        "Interview reviews due",
        f"{plural(count, 'interview review')} {verb} due. `/interview practice` serves the "
        "most overdue first — a few minutes now keeps them from piling up.",
    )
