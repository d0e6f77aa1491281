"""The focus board: one message per session, edited in place; its buttons; and the
`FocusBoard` the service posts, edits and pings through (scheduled traffic: paced by the
Deliverer's limiter)."""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Any, Literal

import discord

from bot.core import embeds
from bot.core.errors import UserFacingError
from bot.core.persistent import PersistentButton, PersistentView, require_guild
from bot.core.scheduling.delivery import Deliverer
from bot.progress.api import format_minutes
from bot.studyrooms.rules import BOARD_NAMES
from bot.studyrooms.service import FocusBoardState, FocusClick

if TYPE_CHECKING:
    from bot.studybot import StudyBot

log = logging.getLogger(__name__)

Action = Literal["join", "leave", "pings"]
LABELS: dict[Action, tuple[str, discord.ButtonStyle]] = {
    "join": ("Join", discord.ButtonStyle.success),
    "leave": ("Leave", discord.ButtonStyle.secondary),
    "pings": ("🔔 Pings", discord.ButtonStyle.secondary),
}
ENDINGS = {
    "done": "Finished — well done.",
    "stopped": "Stopped.",
    "missed": "Ended while I was offline; rounds after that were not logged.",
    "gone": "Ended: its board was removed.",
}
CLICKED = {
    "joined": "You're in. Every round you are here for at its end goes into your study log.",
    "left": "You left the session; the rounds you finished stay in your log.",
    "pings on": "🔔 I will mention you when a round or a break begins (only you, only here).",
    "pings off": "Pings off.",
}


def _at(board: FocusBoardState, style: str) -> str:
    return f"<t:{int(board.phase_ends_at.timestamp())}:{style}>"


def phase_line(board: FocusBoardState) -> str:
    plan = board.plan
    if board.phase == "focus":
        return (
            f"🎯 **Round {board.round} of {plan.rounds}**: focus until {_at(board, 't')} "
            f"({_at(board, 'R')})."
        )
    if board.phase == "break":
        return (
            f"☕ **Break** until {_at(board, 't')} ({_at(board, 'R')}); round "
            f"{board.round + 1} of {plan.rounds} next."
        )
    return ENDINGS.get(board.end_reason or "done", ENDINGS["done"])


def board_embed(board: FocusBoardState) -> discord.Embed:
    plan = board.plan
    title = "Focus session" + ("" if board.running else " · ended")
    pause = f", {plan.break_minutes} min breaks" if plan.rounds > 1 and plan.break_minutes else ""
    text = (
        f"{phase_line(board)}\n{plan.rounds} × {plan.focus_minutes} min{pause} · "
        f"started by <@{board.starter_id}>"
    )
    embed = embeds.info(title, text) if board.running else embeds.success(title, text)
    people = board.present
    if board.running:
        names = [f"<@{p.user_id}>" + (" 🔔" if p.pings else "") for p in people[:BOARD_NAMES]]
        if len(people) > BOARD_NAMES:
            names.append(f"+{len(people) - BOARD_NAMES} more")
        embed.add_field(name=f"Here ({len(people)})", value=" ".join(names) or "nobody yet")
        embed.set_footer(
            text="Join to have each round you are here for at its end logged · "
            "🔔 Pings: be mentioned when a phase begins"
        )
    else:
        logged = [p for p in board.participants if p.credited_minutes][:BOARD_NAMES]
        if logged:
            lines = [f"<@{p.user_id}> {format_minutes(p.credited_minutes)}" for p in logged]
            embed.add_field(name="Logged", value="\n".join(lines))
    return embed


class FocusButton(PersistentButton, prefix="focus-"):
    """Join / Leave / Pings on a focus board (the custom id carries guild and session)."""

    action: Action
    guild_id: int
    session_id: int

    def __init__(self, action: Action, guild_id: int, session_id: int) -> None:
        label, style = LABELS[action]
        button = discord.ui.Button[Any](label=label, style=style)
        super().__init__(button, action=action, guild_id=guild_id, session_id=session_id)

    async def on_click(self, interaction: discord.Interaction[StudyBot]) -> None:
        require_guild(interaction, self.guild_id)
        clicked = await interaction.client.services.studyrooms.focus.click(
            self.guild_id, self.session_id, interaction.user.id, self.action
        )
        board = clicked.board
        await interaction.response.edit_message(embed=board_embed(board), view=board_view(board))
        await interaction.followup.send(embed=clicked_embed(clicked), ephemeral=True)


def board_view(board: FocusBoardState) -> discord.ui.View | None:
    if not board.running:
        return None
    return PersistentView(
        *(FocusButton(action, board.guild_id, board.session_id) for action in LABELS)
    )


def clicked_embed(clicked: FocusClick) -> discord.Embed:
    return embeds.success("Focus session", CLICKED[clicked.action])


def started_embed(board: FocusBoardState) -> discord.Embed:
    return embeds.success(
        "Focus session started",
        f"The board is in <#{board.channel_id}>: others join with **Join**. Round 1 ends "
        f"{_at(board, 't')}. Stop it early with `/focus stop`.",
    )


def stopped_embed(board: FocusBoardState) -> discord.Embed:
    logged = sum(p.credited_minutes for p in board.participants)
    return embeds.success(
        "Focus session stopped",
        f"The session in <#{board.channel_id}> has ended; {format_minutes(logged)} went into "
        "participants' study logs in all.",
    )


def ping_text(board: FocusBoardState, user_ids: list[int]) -> str:
    mentions = " ".join(f"<@{user_id}>" for user_id in user_ids)
    if board.phase == "focus":
        what = f"round {board.round} of {board.plan.rounds} starts — focus until {_at(board, 't')}"
    elif board.phase == "break":
        what = f"round {board.round} is done — break until {_at(board, 't')}"
    else:
        what = "the focus session is over. " + ENDINGS.get(board.end_reason or "done", "")
    return f"{mentions} {what}"[:2000]


class FocusPublisher:
    """The service's `FocusBoard`, over the client, paced by the Deliverer's limiter."""

    def __init__(self, deliverer: Deliverer) -> None:
        self.deliverer = deliverer

    def _channel(self, channel_id: int) -> discord.PartialMessageable:
        return self.deliverer.client.get_partial_messageable(channel_id)

    async def post(self, board: FocusBoardState) -> int:
        try:
            async with self.deliverer.limiter:
                message = await self._channel(board.channel_id).send(
                    embed=board_embed(board),
                    view=board_view(board) or discord.utils.MISSING,
                    allowed_mentions=discord.AllowedMentions.none(),
                )
        except discord.Forbidden as error:
            raise UserFacingError(
                f"I cannot post in <#{board.channel_id}>: I am missing Send Messages or Embed "
                "Links there. A moderator can grant them, or start the session elsewhere."
            ) from error
        return message.id

    async def update(self, board: FocusBoardState) -> bool:
        assert board.message_id is not None
        message = self._channel(board.channel_id).get_partial_message(board.message_id)
        try:
            async with self.deliverer.limiter:
                await message.edit(embed=board_embed(board), view=board_view(board))
        except discord.NotFound:
            return False
        except discord.HTTPException as error:  # a lost permission is not a lost board
            log.info("could not edit focus board %s: %s", board.message_id, error.status)
        return True

    async def ping(self, board: FocusBoardState, user_ids: list[int]) -> int | None:
        mentions = discord.AllowedMentions(
            everyone=False, roles=False, users=[discord.Object(u) for u in user_ids]
        )
        try:
            async with self.deliverer.limiter:
                message = await self._channel(board.channel_id).send(
                    ping_text(board, user_ids), allowed_mentions=mentions
                )
        except discord.HTTPException as error:
            log.info("could not ping focus session %s: %s", board.session_id, error.status)
            return None
        return message.id

    async def delete(self, channel_id: int, message_id: int) -> None:
        with contextlib.suppress(discord.HTTPException):
            async with self.deliverer.limiter:
                await self._channel(channel_id).get_partial_message(message_id).delete()
