"""Embed builders every feature shares (colours, info/success, /setup replies)."""

from __future__ import annotations

from typing import Any

import discord

from bot.core.records import frozen

BRAND = discord.Colour(0x4F8A8B)
SUCCESS = discord.Colour(0x3BA55C)
WARNING = discord.Colour(0xFAA61A)


@frozen
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


def info(
    title: str,
    description: str = "",
    *,
    colour: discord.Colour = BRAND,
    footer: str | None = None,
) -> discord.Embed:
    """An embed in the bot's colour (or `colour`), with `footer` when given."""
    embed = discord.Embed(title=title, description=description, colour=colour)
    if footer is not None:
        embed.set_footer(text=footer)
    return embed


def success(title: str, description: str = "", *, footer: str | None = None) -> discord.Embed:
    """A green embed: something was done."""
    return info(title, description, colour=SUCCESS, footer=footer)


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
