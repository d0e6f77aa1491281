"""Pieces every projects view shares: labels, dates, titles, milestone lines, the retry button.

Member text (titles, goals, notes, check-ins) is always escaped with `bot.core.text.escape`:
no markdown tricks, no pings. Members are named with `<@id>` only inside embeds, where
Discord never pings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import discord

from bot.core.errors import UserFacingError
from bot.core.reporting import guarded
from bot.core.text import escape, shorten
from bot.projects.rules import DOMAIN_LABELS, TITLE_MAX, silence_text

if TYPE_CHECKING:
    from bot.projects.service import Project
    from bot.studybot import StudyBot

STATUS_TEXT = {"active": "active", "done": "done", "dropped": "dropped"}


def guild_of(interaction: discord.Interaction[StudyBot]) -> int:
    """The server a projects component was used in (projects live in a server)."""
    if interaction.guild_id is None:
        raise UserFacingError("Projects live in a server; use this there.")
    return interaction.guild_id


def domain_label(domain: str) -> str:
    return DOMAIN_LABELS.get(domain, domain)


def status_text(project: Project) -> str:
    return STATUS_TEXT.get(project.status, project.status)


def day_text(instant: datetime | date) -> str:
    return f"{instant:%d %b %Y}"


def title_text(project: Project, limit: int = TITLE_MAX) -> str:
    return escape(project.title, limit)


def fit(lines: Sequence[str], limit: int) -> str:
    """Join lines, dropping the oldest ones (from the top) until the text fits."""
    kept = list(lines)
    text = "\n".join(kept)
    while len(text) > limit and len(kept) > 1:
        kept.pop(0)
        text = "…\n" + "\n".join(kept)
    return text[:limit]


def milestone_lines(project: Project) -> str:
    lines = [
        f"{'✅' if m.done else '⬜'} {m.position + 1}. {escape(m.title, 100)}"
        for m in project.milestones
    ]
    return shorten("\n".join(lines), 1024) or "none"


def milestone_bar(project: Project) -> str:
    """`■■■□□…` done/total."""
    progress = project.milestone_progress
    return f"`{progress.bar()}` {progress.done}/{progress.total}"


def project_summary_line(project: Project, now: datetime | None = None) -> str:
    parts = [
        f"**{title_text(project)}** · {domain_label(project.domain)}",
        f"{milestone_bar(project)} milestones · {project.progress}% reported",
    ]
    if project.active:
        extra = f"target {day_text(project.target_date)}"
        if project.stale:
            extra += " · 💤 stale"
        if now is not None:
            extra += f" · {silence_text(project.last_checkin_at, now)}"
        parts.append(extra)
    else:
        parts.append(status_text(project))
    if project.ship_count:
        parts[-1] += f" · 🚀 shipped ×{project.ship_count}"
    return "\n".join(parts)


def text_input(
    label: str,
    default: str | None,
    max_length: int,
    *,
    placeholder: str | None = None,
    paragraph: bool = False,
    required: bool = True,
    min_length: int | None = None,
) -> discord.ui.TextInput[Any]:
    """A form field, pre-filled with `default` (empty: the placeholder shows)."""
    return discord.ui.TextInput(
        label=label,
        style=discord.TextStyle.paragraph if paragraph else discord.TextStyle.short,
        placeholder=placeholder,
        default=default or None,
        required=required,
        min_length=min_length,
        max_length=max_length,
    )


def add_inputs(modal: discord.ui.Modal, *inputs: discord.ui.TextInput[Any]) -> None:
    for item in inputs:
        modal.add_item(item)


class RetryButton(discord.ui.Button[Any]):
    """Reopens a refused form, pre-filled; only for the member who filled it."""

    def __init__(self, owner_id: int, make: Callable[[], discord.ui.Modal]) -> None:
        super().__init__(label="Edit and resubmit", style=discord.ButtonStyle.primary)
        self.owner_id = owner_id
        self.make = make

    @guarded
    async def callback(self, interaction: discord.Interaction[StudyBot]) -> None:
        if interaction.user.id != self.owner_id:
            raise UserFacingError("This form belongs to another member.")
        await interaction.response.send_modal(self.make())


def retry_view(owner_id: int, make: Callable[[], discord.ui.Modal]) -> discord.ui.View:
    view = discord.ui.View(timeout=900)
    view.add_item(RetryButton(owner_id, make))
    return view
