"""Check-ins: the form, the project picker, the weekly post's persistent Check in button, what
a check-in looks like (to the member and in the thread), and the silence reminders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord

from bot.core import embeds
from bot.core.errors import UserFacingError
from bot.core.persistent import FixedButton, require_guild
from bot.core.reporting import guarded
from bot.core.text import escape, shorten
from bot.projects.rules import ACTIVE, URL_MAX, CheckinDraft, silence_text
from bot.projects.views.common import (
    add_inputs,
    day_text,
    guild_of,
    retry_view,
    text_input,
    title_text,
)

if TYPE_CHECKING:
    from bot.projects.service import CheckinContext, CheckinResult, Project
    from bot.studybot import StudyBot

CHECKIN_TEXT_INPUT_MAX = 1000


class CheckinModal(discord.ui.Modal):
    def __init__(self, context: CheckinContext, typed: dict[str, str] | None = None) -> None:
        project = context.project
        typed = typed or {}
        super().__init__(
            title=shorten(f"Check in: {project.title}", 45),
            timeout=None,
            custom_id=f"studybot:projects-checkin-form:{project.user_id}",
        )
        self.project_id = project.id
        self.context = context
        self.progress_input = text_input(
            "Progress, 0-100 (%)", typed.get("progress", str(project.progress)), 4
        )
        self.did_input = text_input(
            "What I did",
            typed.get("did"),
            CHECKIN_TEXT_INPUT_MAX,
            placeholder="Since the last check-in",
            paragraph=True,
        )
        self.blockers_input = text_input(
            "Blockers (optional)",
            typed.get("blockers"),
            CHECKIN_TEXT_INPUT_MAX,
            paragraph=True,
            required=False,
        )
        self.next_input = text_input(
            "Next step (optional)", typed.get("next"), CHECKIN_TEXT_INPUT_MAX, required=False
        )
        self.link_input = text_input(
            "Link (optional, https)", typed.get("link"), URL_MAX, required=False
        )
        add_inputs(
            self,
            self.progress_input,
            self.did_input,
            self.blockers_input,
            self.next_input,
            self.link_input,
        )

    def typed(self) -> dict[str, str]:
        """What the member typed, to pre-fill the form again after a refusal."""
        return {
            "progress": self.progress_input.value,
            "did": self.did_input.value,
            "blockers": self.blockers_input.value,
            "next": self.next_input.value,
            "link": self.link_input.value,
        }

    @guarded
    async def on_submit(self, interaction: discord.Interaction[StudyBot]) -> None:
        guild_id = guild_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            result = await interaction.client.services.projects.checkins.record(
                guild_id,
                interaction.user.id,
                self.project_id,
                progress=self.progress_input.value,
                did=self.did_input.value,
                blockers=self.blockers_input.value,
                next_step=self.next_input.value,
                link=self.link_input.value,
                new_target=self.context.new_target,
                public=self.context.public,
                minutes=self.context.minutes,
            )
        except UserFacingError as error:
            # Nothing was stored; offer the form again with what they typed.
            context, typed = self.context, self.typed()
            await interaction.followup.send(
                error.message,
                view=retry_view(interaction.user.id, lambda: CheckinModal(context, typed)),
                ephemeral=True,
            )
            return
        await interaction.followup.send(embed=checkin_done_embed(result), ephemeral=True)


def checkin_done_embed(result: CheckinResult) -> discord.Embed:
    project = result.project
    embed = embeds.success(
        f"Checked in: {title_text(project)}",
        f"Progress **{result.draft.progress}%** · "
        f"{project.milestone_progress.done}/{project.milestone_progress.total} milestones",
    )
    if result.target_moved:
        embed.add_field(
            name="Target moved",
            value=f"Now {day_text(project.target_date)} (moved {project.target_moves}×). "
            "Cutting scope often beats moving the date.",
            inline=False,
        )
    if not result.public:
        where = "Kept private (your check-ins are private)."
    elif result.posted_in_thread:
        where = "Shared in this week's accountability thread."
    else:
        where = "Public, but there is no weekly thread this week to share it in."
    change = "public:True" if not result.public else "public:False"
    embed.set_footer(text=f"{where} Change it with /project checkin {change}.")
    return embed


def checkin_summary_embed(user_id: int, project: Project, draft: CheckinDraft) -> discord.Embed:
    lines = [f"<@{user_id}> checked in on **{title_text(project)}** — {draft.progress}%"]
    lines.append(f"**Did:** {escape(draft.did, 400)}")
    if draft.blockers:
        lines.append(f"**Blockers:** {escape(draft.blockers, 300)}")
    if draft.next_step:
        lines.append(f"**Next:** {escape(draft.next_step, 300)}")
    if draft.link:
        lines.append(escape(draft.link, 300))
    return embeds.info("Check-in", "\n".join(lines))


class ProjectPicker(discord.ui.Select[Any]):
    """Pick which project to check in on (for members with several)."""

    def __init__(self, projects: Sequence[Project], owner_id: int) -> None:
        super().__init__(
            placeholder="Which project?",
            options=[
                discord.SelectOption(label=shorten(p.title, 100), value=str(p.id))
                for p in projects[:25]
            ],
        )
        self.owner_id = owner_id

    @guarded
    async def callback(self, interaction: discord.Interaction[StudyBot]) -> None:
        if interaction.user.id != self.owner_id or interaction.guild_id is None:
            raise UserFacingError("This choice belongs to another member.")
        context = await interaction.client.services.projects.checkins.context(
            interaction.guild_id, interaction.user.id, self.values[0]
        )
        await interaction.response.send_modal(CheckinModal(context))


class CheckinButton(
    FixedButton, prefix="projects-checkin", label="Check in", style=discord.ButtonStyle.primary
):
    """On the weekly post: opens the check-in modal for whoever clicks, on their own project."""

    guild_id: int

    async def on_click(self, interaction: discord.Interaction[StudyBot]) -> None:
        require_guild(interaction, self.guild_id)
        service = interaction.client.services.projects
        projects = await service.projects_of(self.guild_id, interaction.user.id, (ACTIVE,))
        if not projects:
            raise UserFacingError(
                "You have no active project yet. Start one with `/project start` or pick an "
                "idea with `/project ideas`."
            )
        if len(projects) == 1:
            context = await service.checkins.context(
                self.guild_id, interaction.user.id, str(projects[0].id)
            )
            await interaction.response.send_modal(CheckinModal(context))
            return
        picker = discord.ui.View(timeout=600)
        picker.add_item(ProjectPicker(projects, interaction.user.id))
        await interaction.response.send_message(
            "Which project are you checking in on?", view=picker, ephemeral=True
        )


# --- reminders -------------------------------------------------------------------------------


def reminder_embed(project: Project, now: datetime) -> discord.Embed:
    return embeds.info(
        f"How is {title_text(project)} going?",
        f"It has been a week without a check-in ({silence_text(project.last_checkin_at, now)}). "
        "Two lines are enough: `/project checkin` in the server. Stuck? Say so in the "
        "blockers — that is what the weekly thread is for.",
        colour=embeds.WARNING,
    )


def stale_embed(project: Project) -> discord.Embed:
    return embeds.info(
        f"{title_text(project)} is marked stale",
        "Two weeks without a check-in. A check-in revives it; if it no longer matters, "
        "`/project drop` frees the slot — or ship what you have with `/project ship`.",
        colour=embeds.WARNING,
    )
