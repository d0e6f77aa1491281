"""Embed builders every feature shares (colours, info/success, /help, /setup replies)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import discord

from bot.core.commands_info import CommandInfo

BRAND = discord.Colour(0x4F8A8B)
SUCCESS = discord.Colour(0x3BA55C)
WARNING = discord.Colour(0xFAA61A)


@dataclass(frozen=True)
class Shown:
    """Whose numbers a reply shows: the member who asked (`own`), or the one they named."""

    user: discord.Member | discord.User
    own: bool

    @classmethod
    def of(cls, interaction: discord.Interaction[Any], member: discord.Member | None) -> Shown:
        """`member` if one was named, else the member who asked."""
        user = member or interaction.user
        return cls(user, own=user.id == interaction.user.id)

    @property
    def name(self) -> str:
        """ "You", or the other member's display name (escaped for Markdown)."""
        return "You" if self.own else discord.utils.escape_markdown(self.user.display_name)


def info(title: str, description: str = "", *, colour: discord.Colour = BRAND) -> discord.Embed:
    return discord.Embed(title=title, description=description, colour=colour)


def success(title: str, description: str = "") -> discord.Embed:
    return info(title, description, colour=SUCCESS)


def schedule_saved(
    title: str, schedule_text: str, zone: str, *, channel_role: str, has_channel: bool
) -> discord.Embed:
    """What `/setup <post>` answers: the saved schedule, and the next step if no channel."""
    embed = success(f"{title} saved", f"{schedule_text} ({zone}).")
    if not has_channel:
        embed.add_field(
            name="Next step",
            value=f"Pick a channel with `/setup channels {channel_role}:`.",
            inline=False,
        )
    return embed


def help_embed(commands: Sequence[CommandInfo], *, show_moderator: bool) -> discord.Embed:
    embed = info(
        "studybot — what I can do",
        "Study every day, practise interviews, ship projects, and stay out of the four "
        "pitfalls. Everything personal is answered privately.",
    )
    groups: dict[str, list[CommandInfo]] = {}
    for command in commands:
        if command.moderator and not show_moderator:
            continue
        groups.setdefault(command.group, []).append(command)
    for group in sorted(groups):
        lines = [f"`/{c.name}` — {c.description}" for c in groups[group]]
        value = "\n".join(lines)
        if len(value) > 1024:
            value = value[:1020] + "\n…"
        moderator_only = all(c.moderator for c in groups[group])
        title = f"/{group}" + (" (moderators)" if moderator_only else "")
        embed.add_field(name=title, value=value, inline=False)
    if not show_moderator:
        embed.set_footer(text="Moderators see their commands here too.")
    return embed
