"""The weekly board's SQL: its channel (its schedule is read by the guild post's table)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.boards.tables import weekly_board
from bot.core.store.rows import save_guild_row


async def channel_id(conn: AsyncConnection, guild_id: int) -> int | None:
    query = select(weekly_board.c.channel_id).where(weekly_board.c.guild_id == guild_id)
    found: int | None = (await conn.execute(query)).scalar()
    return found


async def channel_ids(conn: AsyncConnection) -> dict[int, int | None]:
    """Every guild's board channel (guilds without a row have none)."""
    query = select(weekly_board.c.guild_id, weekly_board.c.channel_id)
    return {guild_id: channel for guild_id, channel in (await conn.execute(query)).all()}


async def save_channel(conn: AsyncConnection, guild_id: int, channel: int, now: datetime) -> None:
    await save_guild_row(conn, weekly_board, guild_id, now, channel_id=channel)
