"""Guild configuration rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.store.schema import guild_config


async def get(conn: AsyncConnection, guild_id: int) -> dict[str, Any] | None:
    row = (
        await conn.execute(select(guild_config).where(guild_config.c.guild_id == guild_id))
    ).first()
    return dict(row._mapping) if row else None


async def ensure(conn: AsyncConnection, guild_id: int, now: datetime) -> dict[str, Any]:
    row = await get(conn, guild_id)
    if row is not None:
        return row
    await conn.execute(
        insert(guild_config).values(guild_id=guild_id, broken={}, created_at=now, updated_at=now)
    )
    created = await get(conn, guild_id)
    assert created is not None
    return created


async def update_fields(
    conn: AsyncConnection, guild_id: int, now: datetime, **values: Any
) -> dict[str, Any]:
    await ensure(conn, guild_id, now)
    await conn.execute(
        update(guild_config)
        .where(guild_config.c.guild_id == guild_id)
        .values(updated_at=now, **values)
    )
    row = await get(conn, guild_id)
    assert row is not None
    return row


async def all_rows(conn: AsyncConnection) -> list[dict[str, Any]]:
    result = await conn.execute(select(guild_config).order_by(guild_config.c.guild_id))
    return [dict(row._mapping) for row in result]


async def set_removed(conn: AsyncConnection, guild_id: int, removed_at: datetime | None) -> None:
    await conn.execute(
        update(guild_config)
        .where(guild_config.c.guild_id == guild_id)
        .values(removed_at=removed_at)
    )


async def removed_before(conn: AsyncConnection, cutoff: datetime) -> list[int]:
    rows = await conn.execute(
        select(guild_config.c.guild_id).where(
            guild_config.c.removed_at.is_not(None), guild_config.c.removed_at < cutoff
        )
    )
    return [row[0] for row in rows]
