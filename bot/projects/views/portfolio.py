"""The portfolio: milestones ticked, ships (and their celebration), done/drop, list and show."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

import discord

from bot.core import embeds
from bot.core.reporting import guarded
from bot.core.text import escape, plural, shorten
from bot.projects.rules import REASON_MAX
from bot.projects.views.common import (
    day_text,
    domain_label,
    fit,
    guild_of,
    milestone_bar,
    milestone_lines,
    project_summary_line,
    status_text,
    text_input,
    title_text,
)

if TYPE_CHECKING:
    from bot.projects.service import (
        Celebrated,
        Event,
        MilestoneResult,
        Project,
        ProjectDetail,
        ShipResult,
    )
    from bot.studybot import StudyBot

EVENT_ICONS = {
    "start": "🌱",
    "checkin": "📝",
    "milestone": "✅",
    "ship": "🚀",
    "target": "📅",
    "stale": "💤",
    "done": "🏁",
    "drop": "✖",
}
SHIP_TEXT: dict[Celebrated, str] = {
    "posted": "Celebrated in the accountability channel.",
    "no_channel": "No accountability channel is set, so only you see this — still counts!",
    "failed": "I could not post the celebration in the accountability channel.",
    "duplicate": "Already celebrated.",
}


def milestone_embed(result: MilestoneResult) -> discord.Embed:
    project = result.project
    done = "Milestone done" if result.newly else "Already ticked"
    embed = embeds.success(
        f"{done}: {escape(result.milestone.title, 100)}",
        f"**{title_text(project)}** · {milestone_bar(project)}",
    )
    embed.add_field(name="Milestones", value=milestone_lines(project), inline=False)
    if project.milestone_progress.complete:
        embed.add_field(
            name="Every milestone done",
            value="Time to ship it: `/project ship`, then `/project done`.",
            inline=False,
        )
    return embed


def celebration_embed(
    user_id: int, project: Project, link: str | None, note: str | None, ship_number: int
) -> discord.Embed:
    release = "shipped" if ship_number == 1 else f"shipped release #{ship_number} of"
    lines = [f"<@{user_id}> {release} **{title_text(project)}** ({domain_label(project.domain)})"]
    if note:
        lines.append(escape(note, 500))
    embed = embeds.success(f"🚀 Shipped: {title_text(project, 200)}", "\n".join(lines))
    shown_link = link or project.link
    if shown_link:
        embed.add_field(name="Link", value=escape(shown_link, 300), inline=False)
    embed.add_field(name="Milestones", value=milestone_bar(project))
    embed.set_footer(text="Shipping beats polishing. Say congrats in the thread!")
    return embed


def ship_embed(result: ShipResult) -> discord.Embed:
    project = result.project
    return embeds.success(
        f"Shipped: {title_text(project)}",
        f"{SHIP_TEXT.get(result.celebrated, '')} It counts toward your portfolio "
        f"({plural(project.ship_count, 'release')} so far).",
        footer="Still iterating? Keep checking in. Finished? /project done",
    )


def ended_embed(project: Project) -> discord.Embed:
    if project.status == "done":
        embed = embeds.success(
            f"Done: {title_text(project)}", "Finished — nice. It stays in your portfolio."
        )
    else:
        embed = embeds.info(
            f"Dropped: {title_text(project)}",
            "Dropped, with your reason kept in your own history. Stopping on purpose is a "
            "decision, not a failure.",
        )
    if project.end_reason:
        embed.add_field(name="Note", value=escape(project.end_reason, 500), inline=False)
    return embed


class DropModal(discord.ui.Modal):
    """`/project drop` asks why; the reason is kept for the member's own history."""

    def __init__(self, project: Project) -> None:
        super().__init__(
            title=shorten(f"Drop: {project.title}", 45),
            timeout=None,
            custom_id=f"studybot:projects-drop-form:{project.user_id}",
        )
        self.project_id = project.id
        self.reason_input = text_input(
            "Why are you dropping it?",
            None,
            REASON_MAX,
            placeholder="Only you see this, in /project show",
            paragraph=True,
        )
        self.add_item(self.reason_input)

    @guarded
    async def on_submit(self, interaction: discord.Interaction[StudyBot]) -> None:
        project = await interaction.client.services.projects.drop(
            guild_of(interaction), interaction.user.id, self.project_id, self.reason_input.value
        )
        await interaction.response.send_message(embed=ended_embed(project), ephemeral=True)


# --- list and show ---------------------------------------------------------------------------


def list_embed(projects: Sequence[Project], who: str, *, own: bool, now: datetime) -> discord.Embed:
    if not projects:
        text = (
            "No projects yet. `/project ideas` has ready-made ones; `/project start` "
            "begins your own."
            if own
            else "No projects to show."
        )
        return embeds.info(f"{who} projects", text)
    embed = embeds.info(f"{who} projects")
    for project in projects[:20]:
        name = f"#{project.id} · {status_text(project)}"
        embed.add_field(
            name=name, value=shorten(project_summary_line(project, now), 1024), inline=False
        )
    if len(projects) > 20:
        embed.set_footer(text=f"…and {len(projects) - 20} more.")
    return embed


def _with_note(text: str, note: str | None, limit: int) -> str:
    return text + (f" — {escape(note, limit)}" if note else "")


def event_line(event: Event, *, own: bool) -> str:
    """One timeline line; a drop's reason only for the member's own view."""
    kind, note = event.kind, event.note
    head = f"{EVENT_ICONS.get(kind, '•')} {event.occurred_at:%d %b} · "
    if kind == "start":
        return head + "started"
    if kind == "checkin":
        text = f"{head}check-in {event.progress}% — {escape(event.did, 160)}"
        if event.blockers:
            text += f" · blockers: {escape(event.blockers, 100)}"
        if event.next_step:
            text += f" · next: {escape(event.next_step, 100)}"
        return text
    if kind == "milestone":
        return f"{head}milestone: {escape(note, 100)}"
    if kind == "ship":
        link = f" ({escape(event.link, 200)})" if event.link else ""
        return _with_note(head + "shipped", note, 160) + link
    if kind == "target":
        return f"{head}target moved {escape(note, 40)}"
    if kind == "stale":
        return head + "marked stale (14 days without a check-in)"
    if kind == "done":
        return _with_note(head + "done", note, 160)
    if kind == "drop":
        return _with_note(head + "dropped", note if own else None, 200)
    return head + kind


def detail_embed(detail: ProjectDetail, *, own: bool) -> discord.Embed:
    project = detail.project
    embed = embeds.info(f"{title_text(project)}", escape(project.goal, 1000))
    embed.set_author(
        name=f"Project #{project.id} · {domain_label(project.domain)} · {status_text(project)}"
    )
    embed.add_field(name="Owner", value=f"<@{project.user_id}>", inline=True)
    embed.add_field(
        name="Target",
        value=day_text(project.target_date)
        + (f" (moved {project.target_moves}×)" if project.target_moves else ""),
        inline=True,
    )
    embed.add_field(name="Reported", value=f"{project.progress}%", inline=True)
    if project.link:
        embed.add_field(name="Link", value=escape(project.link, 300), inline=False)
    embed.add_field(name="Milestones", value=milestone_lines(project), inline=False)
    lines = [event_line(e, own=own) for e in detail.events]
    embed.add_field(name="Timeline", value=fit(lines, 1024) or "—", inline=False)
    return embed
