"""`due_reminders`: member reminders served by the dispatcher tick (never one job each)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.schema import due_reminders


async def upsert(
    conn: AsyncConnection,
    guild_id: int,
    user_id: int,
    kind: str,
    due_at: datetime,
    payload: dict[str, Any] | None = None,
) -> None:
    updated = await conn.execute(
        update(due_reminders)
        .where(
            due_reminders.c.guild_id == guild_id,
            due_reminders.c.user_id == user_id,
            due_reminders.c.kind == kind,
        )
        .values(due_at_utc=due_at, payload=payload or {})
    )
    if updated.rowcount == 0:
        await conn.execute(
            insert(due_reminders).values(
                guild_id=guild_id,
                user_id=user_id,
                kind=kind,
                due_at_utc=due_at,
                payload=payload or {},
            )
        )


async def remove(conn: AsyncConnection, guild_id: int, user_id: int, kind: str) -> None:
    await conn.execute(
        delete(due_reminders).where(
            due_reminders.c.guild_id == guild_id,
            due_reminders.c.user_id == user_id,
            due_reminders.c.kind == kind,
        )
    )


async def due(conn: AsyncConnection, now: datetime, limit: int) -> list[dict[str, Any]]:
    rows = await conn.execute(
        select(due_reminders)
        .where(due_reminders.c.due_at_utc <= now)
        .order_by(due_reminders.c.due_at_utc, due_reminders.c.id)
        .limit(limit)
    )
    return [dict(row._mapping) for row in rows]


async def advance(
    conn: AsyncConnection, reminder_id: int, expected_due: datetime, next_due: datetime | None
) -> bool:
    """Move a served reminder on; compare-and-set so two racing ticks advance it once."""
    condition = (due_reminders.c.id == reminder_id) & (due_reminders.c.due_at_utc == expected_due)
    if next_due is None:
        result = await conn.execute(delete(due_reminders).where(condition))
    else:
        result = await conn.execute(
            update(due_reminders).where(condition).values(due_at_utc=next_due)
        )
    return result.rowcount == 1


async def next_due_at(conn: AsyncConnection) -> datetime | None:
    value: datetime | None = (
        await conn.execute(select(func.min(due_reminders.c.due_at_utc)))
    ).scalar()
    if value is not None and value.tzinfo is None:
        from datetime import UTC

        value = value.replace(tzinfo=UTC)
    return value
