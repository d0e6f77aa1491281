"""`/log` with its Undo button, `/history` with its delete list, and `/goal`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord

from bot.core import embeds
from bot.core.persistent import FixedButton, PersistentSelect, PersistentView
from bot.core.text import escape, shorten
from bot.progress import rules
from bot.progress.views.common import SOURCE_LABELS, domain_label, kind_label, minutes, owner_guild

if TYPE_CHECKING:
    from bot.progress.service import HistoryEntry, LoggedEntry
    from bot.studybot import StudyBot


def log_embed(entry: LoggedEntry) -> discord.Embed:
    """The `/log` confirmation: what was logged and the week so far."""
    line = f"**{minutes(entry.minutes)}** of {kind_label(entry.kind)}"
    if entry.topic:
        line += f" · {escape(entry.topic, 64)}"
    embed = embeds.success("Logged", line)
    if entry.note:
        embed.add_field(name="Note", value=escape(entry.note, 300), inline=False)
    week = f"{minutes(entry.week_minutes)} so far"
    if entry.goal_minutes:
        fraction = entry.week_minutes / entry.goal_minutes
        week += f" of {minutes(entry.goal_minutes)} {rules.progress_bar(fraction)}"
    embed.add_field(name="This week", value=week, inline=False)
    embed.set_footer(text="Logged by mistake? Undo works for 24 hours; /history for older ones.")
    return embed


class UndoButton(FixedButton, prefix="progress-undo", label="Undo"):
    """Persistent: the custom id carries the entry and its owner, so it survives restarts."""

    entry_id: int
    user_id: int

    async def on_click(self, interaction: discord.Interaction[StudyBot]) -> None:
        guild_id = owner_guild(
            interaction, self.user_id, "Only the member who logged this entry can undo it."
        )
        removed = await interaction.client.services.progress.log.undo(
            guild_id, interaction.user.id, self.entry_id
        )
        await interaction.response.edit_message(embed=undone_embed(removed), view=None)


def log_view(entry_id: int, user_id: int) -> discord.ui.View:
    """The Undo button under a `/log` confirmation."""
    return PersistentView(UndoButton(entry_id, user_id))


def undone_embed(entry: HistoryEntry) -> discord.Embed:
    """What Undo removed."""
    return embeds.info(
        "Removed",
        f"{minutes(entry.minutes)} of {kind_label(entry.kind)} on "
        f"{entry.local_day:%a %d %b} is no longer in your log.",
    )


#: Sources whose topic is a project's domain slug (shown by its label).
_PROJECT_SOURCES = frozenset({"project", "checkin", "milestone", "ship"})


def _entry_line(entry: HistoryEntry) -> str:
    # A check-in, milestone or release without minutes is an event, not study time: no "0 min".
    spent = f"**{minutes(entry.minutes)}** " if entry.minutes > 0 else ""
    line = f"`{entry.local_day:%d %b}` {spent}{kind_label(entry.kind)}"
    if entry.topic:
        topic = (
            domain_label(entry.topic)
            if entry.source in _PROJECT_SOURCES
            else escape(entry.topic, 40)
        )
        line += f" · {topic}"
    if entry.note:
        line += f" — {escape(entry.note, 60)}"
    line += f" ({SOURCE_LABELS.get(entry.source, entry.source)})"
    return line


def history_embed(entries: Sequence[HistoryEntry]) -> discord.Embed:
    """`/history`: the member's latest entries with where each came from."""
    if not entries:
        return embeds.info(
            "Your study log",
            "Nothing logged yet. `/log minutes:45 kind:course` records a study session.",
        )
    text = "\n".join(_entry_line(e) for e in entries)
    embed = embeds.info("Your study log", shorten(text, 4000))
    embed.set_footer(
        text="Only entries you added with /log can be deleted; the bot records the rest "
        "(daily prompts, interviews, projects, messages)."
    )
    return embed


class HistoryDeleteSelect(PersistentSelect, prefix="progress-delete"):
    """Delete one of your /log entries. Persistent (no timeout task, nothing kept in memory
    per message): the custom id carries the owner; the chosen value is the entry id."""

    user_id: int

    def __init__(self, user_id: int, entries: Sequence[HistoryEntry] = ()) -> None:
        select = discord.ui.Select[Any](
            placeholder="Delete an entry",
            options=[
                discord.SelectOption(
                    label=shorten(
                        f"{e.local_day:%d %b} · {minutes(e.minutes)} {kind_label(e.kind)}", 100
                    ),
                    description=shorten(e.note or e.topic or "", 100) or None,
                    value=str(e.id),
                )
                for e in entries
            ],
        )
        super().__init__(select, user_id=user_id)

    async def on_click(self, interaction: discord.Interaction[StudyBot]) -> None:
        guild_id = owner_guild(
            interaction, self.user_id, "Only the member whose log this is can delete from it."
        )
        log = interaction.client.services.progress.log
        removed = await log.delete_entry(guild_id, interaction.user.id, int(self.item.values[0]))
        entries = await log.history(guild_id, interaction.user.id)
        embed = history_embed(entries)
        embed.description = shorten(
            f"Deleted: {_entry_line(removed)}\n\n" + (embed.description or ""), 4000
        )
        await interaction.response.edit_message(
            embed=embed, view=history_view(interaction.user.id, entries)
        )


def history_view(user_id: int, entries: Sequence[HistoryEntry]) -> discord.ui.View | None:
    """A delete select over the member's own /log entries (None when there are none)."""
    deletable = [e for e in entries if e.deletable][:25]
    if not deletable:
        return None
    return PersistentView(HistoryDeleteSelect(user_id, deletable))


def goal_embed(progress: rules.GoalProgress, *, saved: bool) -> discord.Embed:
    """`/goal`: the weekly goal and this week's minutes toward it."""
    if not progress.goal_minutes:
        return embeds.info(
            "No weekly goal yet",
            f"This week: {minutes(progress.done_minutes)}. Set a goal with "
            "`/goal hours_per_week:5`.",
        )
    text = (
        f"Goal: **{minutes(progress.goal_minutes)}** a week.\nThis week: "
        f"{minutes(progress.done_minutes)} {rules.progress_bar(progress.fraction)}"
    )
    if progress.met:
        text += "\nGoal met — anything more is a bonus."
    return (embeds.success if saved else embeds.info)(
        "Weekly goal saved" if saved else "Your weekly goal", text
    )
