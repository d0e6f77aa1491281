"""What the study-rooms services hand to views, and the Protocols views implement for them
(services never import UI: `bot.studyrooms.views.StudyRoomsViews` is passed in at wiring)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Protocol

import discord

from bot.core.records import frozen
from bot.studyrooms.rules import FocusPlan, PhaseName


@frozen
class TagPrompt:
    """A counted study-room session of 25+ minutes: "what did you work on?"."""

    guild_id: int
    user_id: int
    session_id: int
    activity_id: int
    channel_id: int
    started_at: datetime
    ended_at: datetime
    credited_minutes: int


@frozen
class Tagged:
    """A session the member tagged (its study-log entry now has that kind)."""

    guild_id: int
    activity_id: int
    kind: str
    credited_minutes: int
    channel_id: int
    started_at: datetime


@frozen
class Participant:
    """One member of a focus session."""

    user_id: int
    pings: bool
    credited_minutes: int
    present: bool = True  # False: joined, then left


@frozen
class FocusBoardState:
    """A focus session as its board shows it."""

    session_id: int
    guild_id: int
    channel_id: int
    message_id: int | None
    starter_id: int
    plan: FocusPlan
    round: int
    phase: PhaseName
    phase_ends_at: datetime
    participants: tuple[Participant, ...]
    end_reason: str | None = None
    ping_message_id: int | None = None

    @property
    def running(self) -> bool:
        """Not ended yet."""
        return self.phase != "ended"

    @property
    def present(self) -> tuple[Participant, ...]:
        """Who is in the session now (the board lists them)."""
        return tuple(p for p in self.participants if p.present)

    def has(self, user_id: int) -> bool:
        """The member is in the session now."""
        return any(p.user_id == user_id for p in self.present)


FocusAction = Literal["joined", "left", "pings on", "pings off"]


@frozen
class FocusClick:
    """What a click on a board's button did, and the board after it."""

    board: FocusBoardState
    action: FocusAction


class TagRenderer(Protocol):
    """How the "what did you work on?" prompt looks."""

    def tag_prompt(self, prompt: TagPrompt) -> tuple[discord.Embed, discord.ui.View]:
        """The prompt's embed (its title and description are what the inbox keeps) and its
        tag buttons."""
        ...


class FocusBoard(Protocol):
    """Where a focus session's board lives: posted once, edited in place, with at most one
    ping message at a time beside it."""

    async def post(self, board: FocusBoardState) -> int:
        """Post the board in its channel; its message id. A `UserFacingError` when the bot
        cannot post there."""
        ...

    async def update(self, board: FocusBoardState) -> bool:
        """Edit the board in place; False when its message is gone (deleted)."""
        ...

    async def ping(self, board: FocusBoardState, user_ids: list[int]) -> int | None:
        """Mention `user_ids` (only them) about the phase that just began; the message id."""
        ...

    async def delete(self, channel_id: int, message_id: int) -> None:
        """Remove an earlier ping (a missing message is fine)."""
        ...


class StudyRoomsRenderer(TagRenderer, FocusBoard, Protocol):
    """Everything the feature's services need from its views."""
