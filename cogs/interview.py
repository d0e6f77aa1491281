"""/interview: spaced-review practice, timed mock sessions, peer pairing, stats."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.catalog.constants import QUESTION_CATEGORIES
from bot.core import embeds
from bot.core.checks import guild_id_of, write_cooldown
from bot.interview import views as ui
from bot.interview.rules import MOCK_MAX_QUESTIONS, MOCK_MIN_QUESTIONS, category_name
from bot.interview.service import PracticeRound
from bot.studybot import Interaction, StudyBot, StudyGroupCog, reply

CATEGORY_CHOICES = [
    app_commands.Choice(name=category_name(c), value=c) for c in QUESTION_CATEGORIES
]
DIFFICULTY_CHOICES = [
    app_commands.Choice(name=f"{n} — {label}", value=n) for n, label in ui.DIFFICULTY.items()
]


async def send_round(interaction: Interaction, round_: PracticeRound) -> None:
    """Show a practice round privately, with its persistent buttons."""
    await reply(interaction, embed=ui.question_embed(round_), view=ui.practice_view(round_))


@app_commands.guild_only()
class Interview(StudyGroupCog, group_name="interview"):
    """Mock-interview practice with spaced review."""

    async def cog_load(self) -> None:
        """Register the persistent buttons, so old practice messages keep working."""
        self.bot.add_dynamic_items(*ui.DYNAMIC_ITEMS)

    @app_commands.command(name="practice", description="Your next due review, else a new question.")
    @app_commands.describe(
        category="Only questions of this kind", difficulty="Only questions of this difficulty"
    )
    @app_commands.choices(category=CATEGORY_CHOICES)
    @app_commands.choices(difficulty=DIFFICULTY_CHOICES)
    @write_cooldown()
    async def practice(
        self, interaction: Interaction, category: str | None = None, difficulty: int | None = None
    ) -> None:
        """/interview practice: the member's next question, privately."""
        round_ = await self.bot.services.interview.rounds.practice(
            guild_id_of(interaction),
            interaction.user.id,
            category=category,
            difficulty=difficulty,
        )
        await send_round(interaction, round_)

    @app_commands.command(name="stats", description="Attempts, due reviews and weak spots.")
    @app_commands.describe(member="Whose stats to show (default: yours; others' if public)")
    async def stats(self, interaction: Interaction, member: discord.Member | None = None) -> None:
        """/interview stats: a member's practice numbers (others' only if public)."""
        shown = embeds.Shown.of(interaction, member)
        stats = await self.bot.services.interview.reviews.stats(
            guild_id_of(interaction), interaction.user.id, shown.user.id
        )
        await reply(interaction, embed=ui.stats_embed(stats, shown.name))

    @app_commands.command(
        name="mock", description="A timed mock interview, one question at a time."
    )
    @app_commands.choices(focus=CATEGORY_CHOICES)
    @write_cooldown()
    async def mock(
        self,
        interaction: Interaction,
        questions: app_commands.Range[int, MOCK_MIN_QUESTIONS, MOCK_MAX_QUESTIONS] = 3,
        focus: str | None = None,
    ) -> None:
        """/interview mock: start a timed session and show its first question.

        Args:
            questions: How many questions (3 to 6, default 3)
            focus: Only this kind of question (default: a mix of the four kinds)
        """
        round_ = await self.bot.services.interview.mocks.start(
            guild_id_of(interaction), interaction.user.id, questions=questions, focus=focus
        )
        await send_round(interaction, round_)

    @app_commands.command(name="resume", description="Continue your mock interview session.")
    async def resume(self, interaction: Interaction) -> None:
        """/interview resume: the running session's current question, with live buttons."""
        round_ = await self.bot.services.interview.mocks.resume(
            guild_id_of(interaction), interaction.user.id
        )
        await send_round(interaction, round_)

    @app_commands.command(name="end", description="Stop your mock session and see the summary.")
    @write_cooldown()
    async def end(self, interaction: Interaction) -> None:
        """/interview end: stop the running session and show its summary."""
        summary = await self.bot.services.interview.mocks.end(
            guild_id_of(interaction), interaction.user.id
        )
        await reply(interaction, embed=ui.summary_embed(summary))

    @app_commands.command(name="pair", description="Wait for a peer to interview each other.")
    @app_commands.describe(category="The kind of question you want (default: any)")
    @app_commands.choices(category=CATEGORY_CHOICES)
    @write_cooldown()
    async def pair(self, interaction: Interaction, category: str | None = None) -> None:
        """/interview pair: join the pairing queue (a thread opens once paired)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        join = await self.bot.services.interview.pairing.join(
            guild_id_of(interaction), interaction.user.id, category
        )
        await reply(interaction, embed=ui.pair_join_embed(join))

    @app_commands.command(name="pair-leave", description="Leave the pairing queue.")
    @write_cooldown()
    async def pair_leave(self, interaction: Interaction) -> None:
        """/interview pair-leave: leave the pairing queue."""
        left = await self.bot.services.interview.pairing.leave(
            guild_id_of(interaction), interaction.user.id
        )
        text = "You left the pairing queue." if left else "You were not in the pairing queue."
        await reply(interaction, embed=embeds.info("Pairing queue", text))


async def setup(bot: StudyBot) -> None:
    """Load the /interview cog."""
    await bot.add_cog(Interview(bot))
