"""What the progress services need from other features, as Protocols.

`bot.wiring` passes the real interview, projects and pitfalls services; mypy checks them
against these shapes (the renderers are declared beside the services that use them).
Pitfalls sits above progress (its sweep reads progress's community days), so progress
never imports it: `PitfallsReader` is all it knows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncConnection


class PortfolioFacts(Protocol):
    """A member's projects, as the dashboard counts them."""

    @property
    def active(self) -> int:
        """Projects in progress."""

    @property
    def shipped(self) -> int:
        """Projects shipped."""

    @property
    def shipped_domains(self) -> Collection[str]:
        """Distinct domains with a shipped project."""


class ProjectsReader(Protocol):
    """The projects feature (`ProjectService`)."""

    async def portfolio_summary(self, guild_id: int, user_id: int) -> PortfolioFacts:
        """The member's active and shipped projects."""


class StrengthFacts(Protocol):
    """A member's strength in one interview category, and its sample size."""

    @property
    def value(self) -> float:
        """0..1 over the most recent ratings."""

    @property
    def answers(self) -> int:
        """Rated answers in the category."""


class InterviewReader(Protocol):
    """The interview feature (`InterviewService`)."""

    async def strength_by_category(self, guild_id: int, user_id: int) -> Mapping[str, float]:
        """0..1 per question category the member practised."""

    async def strengths(self, guild_id: int, user_id: int) -> Mapping[str, StrengthFacts]:
        """Per question category the member practised: strength and answers."""

    async def due_count(self, guild_id: int, user_id: int) -> int:
        """How many of the member's reviews are due now."""


class PitfallFlag(Protocol):
    """One pitfall detected for a member in the latest sweep."""

    @property
    def pitfall(self) -> str:
        """Which pitfall (`tutorial_hell` ...)."""

    @property
    def evidence(self) -> Mapping[str, object]:
        """The numbers that triggered it."""


class PitfallsReader(Protocol):
    """The pitfalls feature (`PitfallService`)."""

    async def flags_for(self, guild_id: int, user_id: int) -> Sequence[PitfallFlag]:
        """The member's detections in the guild's latest sweep."""


#: A leaderboard kept by another feature: member -> count in a guild since an instant
#: (all time with None), read on the leaderboard's connection (e.g. projects shipped).
BoardCounts = Callable[[AsyncConnection, int, datetime | None], Awaitable[Mapping[int, int]]]
