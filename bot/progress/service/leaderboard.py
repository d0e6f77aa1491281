"""`/leaderboard`: streaks, study minutes, and boards other features keep (opted-in only)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from datetime import datetime, time

from bot.core.records import frozen
from bot.core.runtime import Core
from bot.core.time import at_local_time, local_date, resolve_zone
from bot.members.api import MemberService
from bot.progress import rules
from bot.progress import store as rows
from bot.progress.service.ports import BoardCounts
from bot.progress.streaks import board_streaks


@frozen
class LeaderboardView:
    """A ranked board and where the viewer stands."""

    board: str
    period: str
    ranked: rules.Board
    viewer_opted_in: bool
    available: bool = True  # False when no feature keeps that board on this bot
    best: dict[int, int] = field(default_factory=dict)  # streak board: best streaks


class Leaderboards:
    """One query per board, over the members who opted in."""

    def __init__(
        self, core: Core, *, members: MemberService, boards: Mapping[str, BoardCounts]
    ) -> None:
        """`boards`: the boards other features keep (shipped projects, interview reviews)."""
        self.store = core.store
        self.clock = core.clock
        self.members = members
        self.boards = dict(boards)

    async def board(
        self, guild_id: int, viewer_id: int, board: str, period: str
    ) -> LeaderboardView:
        """A ranked board over a period, on the guild's calendar, with the viewer's rank."""
        viewer = await self.members.context(guild_id, viewer_id)
        return await self._ranked(
            guild_id,
            board,
            period,
            viewer.guild.timezone,
            viewer.now,
            viewer_id=viewer_id,
            viewer_opted_in=viewer.profile.leaderboard_opt_in,
        )

    async def public(self, guild_id: int, board: str, period: str) -> LeaderboardView | None:
        """The guild's public board on the web dashboard (no viewer: nobody's own rank), or
        None while the guild has not turned it on. Opted-in members only, like `/leaderboard`."""
        if not await self.public_enabled(guild_id):
            return None
        settings = await self.members.guild_settings(guild_id)
        now = self.clock.now()
        return await self._ranked(guild_id, board, period, settings.timezone, now)

    async def public_enabled(self, guild_id: int) -> bool:
        """Whether the guild shows its public board (off until a moderator turns it on)."""
        async with self.store.connect() as conn:
            return await rows.public_board(conn, guild_id)

    async def set_public(self, guild_id: int, enabled: bool) -> bool:
        """`/setup public-board` and the dashboard's settings page: turn it on or off."""
        async with self.store.begin() as conn:
            await rows.save_public_board(conn, guild_id, self.clock.now(), enabled)
        return enabled

    async def _ranked(
        self,
        guild_id: int,
        board: str,
        period: str,
        guild_timezone: str,
        now: datetime,
        *,
        viewer_id: int | None = None,
        viewer_opted_in: bool = False,
    ) -> LeaderboardView:
        guild_zone = resolve_zone(None, guild_timezone)
        today = local_date(now, guild_zone)
        since = rules.period_start(period, today)
        rules.validate_board(board)
        values: dict[int, int] = {}
        best: dict[int, int] = {}
        counts = self.boards.get(board)
        async with self.store.connect() as conn:
            if board == "minutes":
                values = await rows.minutes_board(conn, guild_id, since)
            elif board == "streak":
                streaks = await board_streaks(conn, guild_id, guild_timezone, now)
                values = {user: live for user, (live, _) in streaks.items()}
                best = {user: top for user, (_, top) in streaks.items()}
            elif counts is not None:
                opted = await rows.opted_in_members(conn, guild_id)
                since_at = at_local_time(since, time(0, 0), guild_zone) if since else None
                found = await counts(conn, guild_id, since_at)
                values = {user: count for user, count in found.items() if user in opted}
        return LeaderboardView(
            board=board,
            period=period,
            ranked=rules.rank_board(values, viewer_id),
            viewer_opted_in=viewer_opted_in,
            available=board in ("minutes", "streak") or counts is not None,
            best=best,
        )
