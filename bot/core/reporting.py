"""One place that turns errors into what the member sees.

Order (first match wins):
1. `UserFacingError` from a service: its message as written (it is meant for the member).
2. Check failures: not a moderator, cooldown, guild-only, missing permissions — each its own
   friendly sentence.
3. A bad option value Discord could not convert (`TransformerError`).
4. Anything else: a short error id for the member, the traceback with that id in the log.
The member never sees exception text.
"""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, TypeVar

import discord
from discord import app_commands

from bot.core.errors import UserFacingError
from bot.core.telemetry import InteractionOutcome, telemetry_of

log = logging.getLogger("studybot.errors")

P = ParamSpec("P")
T = TypeVar("T")
S = TypeVar("S")

UNEXPECTED_ERROR_PREFIX = "Something went wrong on my side"
MAX_MESSAGE = 2000  # Discord's limit for message content


class NotModerator(app_commands.CheckFailure):
    """Raised by the moderator check."""


class GuildOnly(app_commands.CheckFailure):
    """Raised when a guild command is used in DMs."""


def _permission_names(names: list[str]) -> str:
    return ", ".join(name.replace("_", " ").replace("guild", "server").title() for name in names)


def message_for(error: BaseException) -> tuple[str, str | None]:
    """The text to show for `error`, and an error id when it was unexpected."""
    original = error
    while isinstance(original, app_commands.CommandInvokeError | app_commands.TransformerError):
        if isinstance(original, app_commands.TransformerError) and not isinstance(
            original.__cause__, UserFacingError
        ):
            break
        inner = (
            original.__cause__
            if isinstance(original, app_commands.TransformerError)
            else (original.original)
        )
        if inner is None:
            break
        original = inner

    if isinstance(original, UserFacingError):
        return original.message, None
    if isinstance(original, NotModerator):
        return (
            "Only moderators can do that: you need the Manage Server permission or the "
            "server's moderator role.",
            None,
        )
    if isinstance(original, app_commands.CommandOnCooldown):
        return (
            f"Easy there — you can use this again in {max(1, round(original.retry_after))} s.",
            None,
        )
    if isinstance(original, GuildOnly | app_commands.NoPrivateMessage):
        return "This command works only inside a server, not in DMs.", None
    if isinstance(original, app_commands.MissingPermissions):
        return (
            f"You need the {_permission_names(original.missing_permissions)} permission for this.",
            None,
        )
    if isinstance(original, app_commands.BotMissingPermissions):
        return (
            "I am missing the "
            f"{_permission_names(original.missing_permissions)} permission in this channel.",
            None,
        )
    if isinstance(original, app_commands.TransformerError):
        return (
            "That value does not fit this option. Pick one from the list or check its format.",
            None,
        )
    if isinstance(original, app_commands.CheckFailure):
        return "You cannot use this command here.", None

    error_id = secrets.token_hex(3)
    return (
        f"{UNEXPECTED_ERROR_PREFIX} (error id `{error_id}`). It is logged; if it keeps "
        "happening, tell a moderator that id.",
        error_id,
    )


async def send_ephemeral(interaction: discord.Interaction[Any], text: str) -> None:
    """Reply privately whether or not the interaction was already answered."""
    if len(text) > MAX_MESSAGE:
        text = text[: MAX_MESSAGE - 1] + "…"
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not deliver an error message for interaction %s", interaction.id)


async def report_error(
    interaction: discord.Interaction[Any], error: BaseException
) -> InteractionOutcome:
    """Answer the member privately; returns "refused" (a reason they understand) or
    "error" (unexpected: logged with its error id)."""
    text, error_id = message_for(error)
    if error_id is not None:
        command = interaction.command.qualified_name if interaction.command else None
        log.error(
            "error %s in %s (guild %s, user %s)",
            error_id,
            command or str(dict(interaction.data or {}).get("custom_id", "an interaction")),
            interaction.guild_id,
            interaction.user.id,
            exc_info=error,
        )
    else:
        log.debug("refused %s: %s", interaction.id, text)
    await send_ephemeral(interaction, text)
    return "refused" if error_id is None else "error"


def guarded(
    callback: Callable[Concatenate[S, discord.Interaction[Any], P], Coroutine[Any, Any, None]],
) -> Callable[Concatenate[S, discord.Interaction[Any], P], Coroutine[Any, Any, None]]:
    """Route errors from a button/select/modal callback through `report_error`, and count
    the outcome for the metrics (as the callback's `Class.method`).

    discord.py only logs errors raised by dynamic items and modals; the member would see
    "This interaction failed". This decorator gives them the same answer a command gets.
    """
    component = callback.__qualname__

    @functools.wraps(callback)
    async def wrapper(
        self: S, interaction: discord.Interaction[Any], *args: P.args, **kwargs: P.kwargs
    ) -> None:
        outcome: InteractionOutcome = "ok"
        try:
            await callback(self, interaction, *args, **kwargs)
        except Exception as error:
            outcome = await report_error(interaction, error)
        telemetry_of(interaction.client).component(component, outcome)

    return wrapper  # type: ignore[return-value]  # functools.wraps loses the Concatenate names
