"""Activity rows: everything a member did, with its source."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.activity.tables import activity
from bot.members.api import ensure_member_row


async def add(
    conn: AsyncConnection,
    *,
    guild_id: int,
    user_id: int,
    occurred_at: datetime,
    local_day: date,
    kind: str,
    minutes: int,
    source: str,
    topic: str | None = None,
    note: str | None = None,
    ref: str | None = None,
) -> int:
    """One activity row; the member's row is made in the same transaction if they have none
    yet (reads never create it, and the sweeps and leaderboards start from members)."""
    await ensure_member_row(conn, guild_id, user_id, occurred_at)
    result = await conn.execute(
        insert(activity).values(
            guild_id=guild_id,
            user_id=user_id,
            occurred_at=occurred_at,
            local_date=local_day.isoformat(),
            kind=kind,
            minutes=minutes,
            source=source,
            topic=topic,
            note=note,
            ref=ref,
        )
    )
    key = result.inserted_primary_key
    return int(key[0]) if key else 0
