"""Personal reminders' SQL: a member's reminders, and the one dispatcher row that serves them.

`sync_member` keeps the member's `due_reminders` row (kind `remind`) at the earliest of their
reminders, in the caller's transaction, so the dispatcher always wakes for the next one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.store import reminders as reminder_rows
from bot.core.store.rows import all_rows, count_rows, first_row, inserted_id
from bot.reminders.tables import personal_reminders

#: The `due_reminders` kind that serves a member's personal reminders.
REMIND = "remind"

r = personal_reminders.c


def _of(guild_id: int, user_id: int) -> Any:
    return (r.guild_id == guild_id) & (r.user_id == user_id)


async def add(
    conn: AsyncConnection,
    guild_id: int,
    user_id: int,
    *,
    text: str,
    due_at: datetime,
    repeat_time: str | None,
    repeat_days: int | None,
    now: datetime,
) -> int:
    return await inserted_id(
        conn,
        insert(personal_reminders).values(
            guild_id=guild_id,
            user_id=user_id,
            text=text,
            due_at_utc=due_at,
            repeat_time=repeat_time,
            repeat_days=repeat_days,
            created_at=now,
        ),
    )


async def count(conn: AsyncConnection, guild_id: int, user_id: int) -> int:
    return await count_rows(conn, personal_reminders, _of(guild_id, user_id))


async def of_member(conn: AsyncConnection, guild_id: int, user_id: int) -> list[dict[str, Any]]:
    """The member's reminders, soonest first."""
    query = select(personal_reminders).where(_of(guild_id, user_id)).order_by(r.due_at_utc, r.id)
    return await all_rows(conn, query)


async def get(
    conn: AsyncConnection, guild_id: int, user_id: int, reminder_id: int
) -> dict[str, Any] | None:
    query = select(personal_reminders).where(_of(guild_id, user_id), r.id == reminder_id)
    return await first_row(conn, query)


async def remove(conn: AsyncConnection, reminder_id: int) -> None:
    await conn.execute(delete(personal_reminders).where(r.id == reminder_id))


async def due(
    conn: AsyncConnection, guild_id: int, user_id: int, now: datetime
) -> list[dict[str, Any]]:
    """The member's reminders due at `now`, oldest first."""
    query = (
        select(personal_reminders)
        .where(_of(guild_id, user_id), r.due_at_utc <= now)
        .order_by(r.due_at_utc, r.id)
    )
    return await all_rows(conn, query)


async def move(
    conn: AsyncConnection, reminder_id: int, expected: datetime, due_at: datetime
) -> None:
    """Move a served repeating reminder to its next occurrence (only from the one served)."""
    await conn.execute(
        update(personal_reminders)
        .where(r.id == reminder_id, r.due_at_utc == expected)
        .values(due_at_utc=due_at)
    )


async def sync_member(conn: AsyncConnection, guild_id: int, user_id: int) -> datetime | None:
    """Point the member's dispatcher row at their earliest reminder (or drop it when they have
    none); returns that instant."""
    soonest = select(r.due_at_utc).where(_of(guild_id, user_id)).order_by(r.due_at_utc).limit(1)
    earliest: datetime | None = (await conn.execute(soonest)).scalar()
    if earliest is None:
        await reminder_rows.remove(conn, guild_id, user_id, REMIND)
        return None
    await reminder_rows.upsert(conn, guild_id, user_id, REMIND, earliest)
    return earliest
