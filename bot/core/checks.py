"""The moderator check: the UI hides (default permissions), the runtime check enforces."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.core.errors import UserFacingError
from bot.core.permissions import CHANNEL_REQUIREMENTS, missing_permissions
from bot.core.reporting import GuildOnly, NotModerator

T = TypeVar("T")


async def is_moderator(interaction: discord.Interaction[Any]) -> bool:
    """Manage Server, or the guild's configured moderator role. Raises NotModerator."""
    member = interaction.user
    if interaction.guild is None or not isinstance(member, discord.Member):
        raise GuildOnly()
    services = interaction.client.services
    allowed: bool = await services.guilds.is_moderator(
        interaction.guild.id,
        {role.id for role in member.roles},
        manage_guild=member.guild_permissions.manage_guild,
    )
    if not allowed:
        raise NotModerator()
    return True


def moderator_only() -> Callable[[T], T]:
    """Decorator for moderator commands: default permission Manage Server + runtime check.

    Discord applies default permissions only to top-level commands; on a subcommand the
    attribute is kept for documentation and the runtime check is what enforces it.
    """

    def decorator(func: T) -> T:
        func = app_commands.default_permissions(manage_guild=True)(func)
        func = app_commands.check(is_moderator)(func)
        return func

    return decorator


def requires_moderator(command: app_commands.Command[Any, ..., Any]) -> bool:
    """True when the command carries the runtime moderator check."""
    return is_moderator in command.checks


def guild_id_of(interaction: discord.Interaction[Any]) -> int:
    if interaction.guild_id is None:
        raise GuildOnly()
    return interaction.guild_id


def write_cooldown(rate: int = 5, per: float = 60.0) -> Callable[[T], T]:
    """Per-member cooldown for commands that write, so one member cannot flood the database
    or the channels. Answered by the error handler with a friendly "try again in N s".

    Counted on the bot's clock (`StudyBot.cooldowns`), not the wall clock, so the sandbox's
    `time +1d` and a test's `FakeClock` move it too; one bucket per command and member.
    """

    async def predicate(interaction: discord.Interaction[Any]) -> bool:
        command = interaction.command
        key = (
            command.qualified_name if command is not None else None,
            interaction.guild_id,
            interaction.user.id,
        )
        refusal = interaction.client.cooldowns.hit(key, rate, per)
        if refusal is not None:
            raise refusal
        return True

    return app_commands.check(predicate)


def require_usable(
    guild: discord.Guild, channel: discord.TextChannel, verb: str, purpose: str = ""
) -> None:
    """Refuse a channel the bot cannot see or post in: "I cannot <verb> #channel<purpose>: …"."""
    resolved = guild.get_channel(channel.id)
    if not isinstance(resolved, discord.TextChannel):
        raise UserFacingError(f"I cannot see {channel.mention}; pick a text channel.")
    perms = resolved.permissions_for(guild.me)
    missing = missing_permissions(
        {name: bool(getattr(perms, name)) for name in CHANNEL_REQUIREMENTS}
    )
    if missing:
        raise UserFacingError(
            f"I cannot {verb} {resolved.mention}{purpose}: I am missing "
            f"{', '.join(missing)} there. Grant it, or pick another channel."
        )
