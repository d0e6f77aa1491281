"""Live streaks of a whole guild's opted-in members, for the leaderboard and the weekly board.

A guild can have tens of thousands of members on its boards. Their cached streaks are read a
slice at a time with a turn for the event loop between slices, and each member's "today" is
computed once per zone name: a `ZoneInfo` per member kept reloading zone files (its strong
cache holds 8 zones) and held the loop for seconds at 100k members.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.time import local_date, resolve_zone
from bot.progress import store
from bot.progress.rules import live_streak


async def board_streaks(
    conn: AsyncConnection, guild_id: int, guild_timezone: str, now: datetime
) -> dict[int, tuple[int, int]]:
    """Opted-in member -> (live streak as of their own day, best streak)."""
    today: dict[str | None, date] = {}
    found: dict[int, tuple[int, int]] = {}
    async for partition in store.streak_board(conn, guild_id):
        for row in partition:
            zone = row["timezone"]
            day = today.get(zone)
            if day is None:
                day = today[zone] = local_date(now, resolve_zone(zone, guild_timezone))
            last = date.fromisoformat(row["last_day"]) if row["last_day"] else None
            live = live_streak(row["current"], last, row["freezes"], day)
            found[row["user_id"]] = (live, row["best"])
        await asyncio.sleep(0)
    return found
