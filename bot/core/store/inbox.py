"""Messages kept for a member's next command reply (when a DM is not allowed or bounced)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.store.rows import of_member
from bot.core.store.schema import inbox


async def add(
    conn: AsyncConnection,
    guild_id: int,
    user_id: int,
    kind: str,
    title: str,
    body: str,
    now: datetime,
    payload: dict[str, Any] | None = None,
) -> None:
    await conn.execute(
        insert(inbox).values(
            guild_id=guild_id,
            user_id=user_id,
            kind=kind,
            title=title,
            body=body,
            payload=payload or {},
            created_at=now,
        )
    )


async def has_pending(conn: AsyncConnection, guild_id: int, user_id: int) -> bool:
    """Whether anything waits for the member (a read, so the usual empty inbox costs no
    write transaction after every command)."""
    found = await conn.execute(
        select(inbox.c.id)
        .where(
            of_member(inbox, guild_id, user_id),
            inbox.c.delivered_at.is_(None),
        )
        .limit(1)
    )
    return found.first() is not None


async def take_pending(
    conn: AsyncConnection, guild_id: int, user_id: int, now: datetime, limit: int = 5
) -> list[dict[str, Any]]:
    """Pending items, oldest first, marked delivered in the same transaction."""
    rows = [
        dict(row._mapping)
        for row in await conn.execute(
            select(inbox)
            .where(
                of_member(inbox, guild_id, user_id),
                inbox.c.delivered_at.is_(None),
            )
            .order_by(inbox.c.id)
            .limit(limit)
        )
    ]
    if rows:
        await conn.execute(
            update(inbox)
            .where(inbox.c.id.in_([row["id"] for row in rows]))
            .values(delivered_at=now)
        )
    return rows
