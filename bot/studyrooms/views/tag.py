"""The "what did you work on?" prompt after a study-room session, and its tag buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import discord

from bot.core import embeds
from bot.core.persistent import PersistentButton, PersistentView
from bot.progress.api import format_minutes
from bot.studyrooms.service import Tagged, TagPrompt

if TYPE_CHECKING:
    from bot.studybot import StudyBot

TagKind = Literal["course", "project", "interview", "math", "reading"]
TAG_LABELS: dict[TagKind, str] = {
    "course": "Course",
    "project": "Project",
    "interview": "Interview",
    "math": "Math",
    "reading": "Reading",
}
PROMPT_TITLE = "What did you work on?"


def _stamp(instant: Any, style: str) -> str:
    return f"<t:{int(instant.timestamp())}:{style}>"


class TagButton(PersistentButton, prefix="voice-tag"):
    """One tap tags a study-room session's entry. Works in DMs (the guild is in the custom
    id) and after a restart; the service refuses anyone but the entry's owner."""

    guild_id: int
    entry_id: int
    kind: TagKind

    def __init__(self, guild_id: int, entry_id: int, kind: TagKind, chosen: bool = False) -> None:
        style = discord.ButtonStyle.success if chosen else discord.ButtonStyle.secondary
        button = discord.ui.Button[Any](label=TAG_LABELS[kind], style=style)
        super().__init__(button, guild_id=guild_id, entry_id=entry_id, kind=kind)

    async def on_click(self, interaction: discord.Interaction[StudyBot]) -> None:
        tagged = await interaction.client.services.studyrooms.credits.tag(
            self.guild_id, interaction.user.id, self.entry_id, self.kind
        )
        await interaction.response.edit_message(
            embed=tagged_embed(tagged), view=tag_view(self.guild_id, self.entry_id, tagged.kind)
        )


def tag_buttons(guild_id: int, entry_id: int, chosen: str | None = None) -> list[TagButton]:
    """The five tag buttons of one session's entry (the inbox adds them under its card)."""
    return [TagButton(guild_id, entry_id, kind, kind == chosen) for kind in TAG_LABELS]


def tag_view(guild_id: int, entry_id: int, chosen: str | None = None) -> discord.ui.View:
    return PersistentView(*tag_buttons(guild_id, entry_id, chosen))


def prompt_embed(prompt: TagPrompt) -> discord.Embed:
    """The prompt (its title and description are what the inbox keeps for members without
    DMs, so they carry the whole message)."""
    text = (
        f"You studied **{format_minutes(prompt.credited_minutes)}** in "
        f"<#{prompt.channel_id}> ({_stamp(prompt.started_at, 't')}–"
        f"{_stamp(prompt.ended_at, 't')}). It is in your study log already; one tap says "
        "what it was. Untagged, it counts as study time together (community)."
    )
    return embeds.info(PROMPT_TITLE, text)


def tagged_embed(tagged: Tagged) -> discord.Embed:
    label = TAG_LABELS.get(tagged.kind, tagged.kind)  # type: ignore[call-overload]
    return embeds.success(
        f"Tagged: {label}",
        f"**{format_minutes(tagged.credited_minutes)}** in <#{tagged.channel_id}> on "
        f"{_stamp(tagged.started_at, 'D')} now counts as {label.lower()} in your log "
        "(`/history`, `/progress`). Tap another to change it.",
    )


class TagViews:
    """The `TagRenderer` of the study-rooms service."""

    def tag_prompt(self, prompt: TagPrompt) -> tuple[discord.Embed, discord.ui.View]:
        return prompt_embed(prompt), tag_view(prompt.guild_id, prompt.activity_id)
