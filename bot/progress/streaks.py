"""Live streaks of many members at once: the leaderboard, the weekly board, role rewards.

A guild can have tens of thousands of members on a board. Their cached streaks are read a slice
at a time with a turn for the event loop between slices, and "today" is computed once per zone
name rather than once per member.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.time import local_date, resolve_zone
from bot.progress import store
from bot.progress.rules import cached_live_streak


def days_by_zone(now: datetime, guild_timezone: str) -> Callable[[str | None], date]:
    """`today(member_zone)`: a member's local date at `now` (their zone, else the guild's),
    computed once per zone name over a pass of many members."""
    known: dict[str | None, date] = {}

    def today(zone: str | None) -> date:
        day = known.get(zone)
        if day is None:
            day = known[zone] = local_date(now, resolve_zone(zone, guild_timezone))
        return day

    return today


async def board_streaks(
    conn: AsyncConnection, guild_id: int, guild_timezone: str, now: datetime
) -> dict[int, tuple[int, int]]:
    """Opted-in member -> (live streak as of their own day, best streak)."""
    today = days_by_zone(now, guild_timezone)
    found: dict[int, tuple[int, int]] = {}
    async for partition in store.streak_board(conn, guild_id):
        for row in partition:
            day = today(row["timezone"])
            live = cached_live_streak(row["current"], row["freezes"], row["last_day"], day)
            found[row["user_id"]] = (live, row["best"])
        await asyncio.sleep(0)
    return found
