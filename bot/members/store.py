"""Member rows: created on first use, one per (guild, user)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.store.rows import of_member
from bot.core.store.schema import members


async def get(conn: AsyncConnection, guild_id: int, user_id: int) -> dict[str, Any] | None:
    row = (await conn.execute(select(members).where(of_member(members, guild_id, user_id)))).first()
    return dict(row._mapping) if row else None


async def ensure(
    conn: AsyncConnection, guild_id: int, user_id: int, now: datetime
) -> dict[str, Any]:
    row = await get(conn, guild_id, user_id)
    if row is not None:
        return row
    await conn.execute(
        insert(members).values(guild_id=guild_id, user_id=user_id, created_at=now, updated_at=now)
    )
    created = await get(conn, guild_id, user_id)
    assert created is not None
    return created


async def update_fields(
    conn: AsyncConnection, guild_id: int, user_id: int, now: datetime, **values: Any
) -> dict[str, Any]:
    await ensure(conn, guild_id, user_id, now)
    await conn.execute(
        update(members)
        .where(of_member(members, guild_id, user_id))
        .values(updated_at=now, **values)
    )
    row = await get(conn, guild_id, user_id)
    assert row is not None
    return row


async def set_left(
    conn: AsyncConnection, guild_id: int, user_id: int, left_at: datetime | None
) -> None:
    await conn.execute(
        update(members).where(of_member(members, guild_id, user_id)).values(left_at=left_at)
    )


async def departed_before(conn: AsyncConnection, cutoff: datetime) -> dict[int, list[int]]:
    """Members who left before `cutoff`, grouped by guild."""
    rows = await conn.execute(
        select(members.c.guild_id, members.c.user_id).where(
            members.c.left_at.is_not(None), members.c.left_at < cutoff
        )
    )
    found: dict[int, list[int]] = {}
    for guild_id, user_id in rows:
        found.setdefault(guild_id, []).append(user_id)
    return found
