"""SQL of the change feed (`bot.core.changes`): publish a notice, read the new ones, prune."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.store.schema import change_notices as _N


async def publish(
    conn: AsyncConnection, guild_id: int, topic: str, origin: str, now: datetime
) -> None:
    """Record that `origin` changed `topic` of a guild (in the caller's transaction)."""
    await conn.execute(
        insert(_N).values(guild_id=guild_id, topic=topic, origin=origin, created_at=now)
    )


async def latest_id(conn: AsyncConnection) -> int:
    """The newest notice's id (0 when there is none)."""
    return int((await conn.execute(select(func.max(_N.c.id)))).scalar() or 0)


async def since(conn: AsyncConnection, after_id: int) -> list[tuple[int, int, str, str]]:
    """(id, guild_id, topic, origin) of every notice newer than `after_id`, oldest first."""
    query = (
        select(_N.c.id, _N.c.guild_id, _N.c.topic, _N.c.origin)
        .where(_N.c.id > after_id)
        .order_by(_N.c.id)
    )
    return [(int(i), int(g), str(t), str(o)) for i, g, t, o in await conn.execute(query)]


async def prune(conn: AsyncConnection, before: datetime) -> int:
    """Delete notices older than `before` (every live process read them long ago)."""
    result = await conn.execute(delete(_N).where(_N.c.created_at < before))
    return int(result.rowcount or 0)
