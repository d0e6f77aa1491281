"""Member rows: created on first use, one per (guild, user)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.store.rows import of_member
from bot.core.store.schema import guild_config, members


async def get(conn: AsyncConnection, guild_id: int, user_id: int) -> dict[str, Any] | None:
    row = (await conn.execute(select(members).where(of_member(members, guild_id, user_id)))).first()
    return dict(row._mapping) if row else None


async def with_guild(
    conn: AsyncConnection, guild_id: int, user_id: int
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The member's row and their guild's `guild_config` row (as `get` and `guild_store.get`;
    None for one not stored), in one statement: every interaction reads both first, and each
    round trip is one more wait for a busy loop or database. Both rows hang off a one-row
    anchor, so either may be missing."""
    anchor = select(literal(1).label("one")).subquery()
    on_member = and_(members.c.guild_id == guild_id, members.c.user_id == user_id)
    query = select(
        *(column.label(f"m_{column.name}") for column in members.c),
        *(column.label(f"g_{column.name}") for column in guild_config.c),
    ).select_from(
        anchor.outerjoin(members, on_member).outerjoin(
            guild_config, guild_config.c.guild_id == guild_id
        )
    )
    row = (await conn.execute(query)).one()._mapping
    member = {column.name: row[f"m_{column.name}"] for column in members.c}
    guild = {column.name: row[f"g_{column.name}"] for column in guild_config.c}
    return (
        member if member["user_id"] is not None else None,
        guild if guild["guild_id"] is not None else None,
    )


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
