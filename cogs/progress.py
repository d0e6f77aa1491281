"""/log, /history, /progress, /goal, /leaderboard, and the community message counter."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.activity.api import ACTIVITY_KINDS
from bot.core.checks import guild_id_of, write_cooldown
from bot.progress import charts
from bot.progress import views as progress_ui
from bot.progress.rules import (
    MAX_GOAL_HOURS,
    MAX_LOG_MINUTES,
    MAX_NOTE_CHARS,
    MAX_TOPIC_CHARS,
    MIN_GOAL_HOURS,
    MIN_LOG_MINUTES,
)
from bot.studybot import Interaction, StudyBot

KIND_CHOICES = [
    app_commands.Choice(name=f"{kind} — {progress_ui.KIND_DESCRIPTIONS[kind]}"[:100], value=kind)
    for kind in ACTIVITY_KINDS
]


class Progress(commands.Cog):
    """Your study log and how it adds up."""

    def __init__(self, bot: StudyBot) -> None:
        """Keep the bot for its services."""
        self.bot = bot

    async def cog_load(self) -> None:
        """Register the persistent Undo button and history select."""
        self.bot.add_dynamic_items(progress_ui.UndoButton, progress_ui.HistoryDeleteSelect)

    @app_commands.command(name="log", description="Log a study session.")
    @app_commands.describe(
        minutes=f"How long, in minutes ({MIN_LOG_MINUTES}-{MAX_LOG_MINUTES})",
        kind="What kind of study it was",
        topic="A roadmap skill (start typing) or a short topic",
        note=f"A short note for yourself (up to {MAX_NOTE_CHARS} characters)",
    )
    @app_commands.choices(kind=KIND_CHOICES)
    @app_commands.guild_only()
    @write_cooldown()
    async def log(
        self,
        interaction: Interaction,
        minutes: app_commands.Range[int, MIN_LOG_MINUTES, MAX_LOG_MINUTES],
        kind: str,
        topic: app_commands.Range[str, 1, MAX_TOPIC_CHARS] | None = None,
        note: app_commands.Range[str, 1, MAX_NOTE_CHARS] | None = None,
    ) -> None:
        """Log a study session (with an Undo button)."""
        guild_id = guild_id_of(interaction)
        entry = await self.bot.services.progress.log.add(
            guild_id, interaction.user.id, minutes=minutes, kind=kind, topic=topic, note=note
        )
        await interaction.response.send_message(
            embed=progress_ui.log_embed(entry),
            view=progress_ui.log_view(entry.id, interaction.user.id),
            ephemeral=True,
        )

    @log.autocomplete("topic")
    async def topic_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Roadmap skills matching what the member typed."""
        return progress_ui.skill_autocomplete(interaction, current)

    @app_commands.command(name="history", description="Your recent study log; delete an entry.")
    @app_commands.guild_only()
    async def history(self, interaction: Interaction) -> None:
        """The member's latest entries, with a list to delete their own."""
        guild_id = guild_id_of(interaction)
        entries = await self.bot.services.progress.log.history(guild_id, interaction.user.id)
        view = progress_ui.history_view(interaction.user.id, entries)
        await interaction.response.send_message(
            embed=progress_ui.history_embed(entries),
            view=view if view is not None else discord.utils.MISSING,
            ephemeral=True,
        )

    @app_commands.command(name="progress", description="Your progress dashboard with a chart.")
    @app_commands.describe(member="Whose progress to show (default: yours; theirs if public)")
    @app_commands.guild_only()
    async def progress(
        self, interaction: Interaction, member: discord.Member | None = None
    ) -> None:
        """The dashboard with its chart (another member's when they made it public)."""
        guild_id = guild_id_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        target = member or interaction.user
        dash = await self.bot.services.progress.dashboard.build(
            guild_id, interaction.user.id, target.id
        )
        png = await charts.render(dash.weeks, goal_minutes=dash.goal.goal_minutes)
        who = discord.utils.escape_markdown(target.display_name)
        await interaction.followup.send(
            embed=progress_ui.dashboard_embed(dash, who),
            file=progress_ui.chart_file(png),
            ephemeral=True,
        )

    @app_commands.command(name="goal", description="Set your weekly study goal, or see it.")
    @app_commands.describe(hours_per_week="Hours a week to aim for (1-80); leave out to see it")
    @app_commands.guild_only()
    @write_cooldown()
    async def goal(
        self,
        interaction: Interaction,
        hours_per_week: app_commands.Range[int, MIN_GOAL_HOURS, MAX_GOAL_HOURS] | None = None,
    ) -> None:
        """Show the weekly goal, or save a new one."""
        guild_id = guild_id_of(interaction)
        log = self.bot.services.progress.log
        if hours_per_week is None:
            state = await log.goal(guild_id, interaction.user.id)
        else:
            state = await log.set_goal(guild_id, interaction.user.id, hours_per_week)
        await interaction.response.send_message(
            embed=progress_ui.goal_embed(state, saved=hours_per_week is not None),
            ephemeral=True,
        )

    @app_commands.command(name="leaderboard", description="Who leads, among members who opted in.")
    @app_commands.describe(
        board="What to rank", period="Over which period (streaks are always current)"
    )
    @app_commands.choices(
        board=[
            app_commands.Choice(name=label, value=value)
            for value, label in progress_ui.BOARD_LABELS.items()
        ],
        period=[
            app_commands.Choice(name=label, value=value)
            for value, label in progress_ui.PERIOD_LABELS.items()
        ],
    )
    @app_commands.guild_only()
    async def leaderboard(self, interaction: Interaction, board: str, period: str = "week") -> None:
        """A leaderboard among the members who opted in."""
        guild_id = guild_id_of(interaction)
        view = await self.bot.services.progress.leaderboard.board(
            guild_id, interaction.user.id, board, period
        )
        await interaction.response.send_message(
            embed=progress_ui.leaderboard_embed(view), ephemeral=True
        )

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Count a community day: who posted in the server, never what (no content intent)."""
        if message.guild is None or message.author.bot or message.webhook_id is not None:
            return
        await self.bot.services.progress.community.count_message(
            message.guild.id, message.author.id
        )


async def setup(bot: StudyBot) -> None:
    """Load the cog."""
    await bot.add_cog(Progress(bot))
