"""The delivery ledger: every scheduled send claims a unique key before it is sent.

States: claimed -> sent | failed (permanent: channel gone, no permission) | retry
(transient: Discord 5xx after discord.py's own retries; may be claimed again, a bounded
number of times) | skipped (outside its grace window).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.store.rows import insert_new
from bot.core.store.schema import deliveries

MAX_ATTEMPTS = 5


async def claim(conn: AsyncConnection, key: str, guild_id: int, kind: str, now: datetime) -> bool:
    """True when this caller owns the send. Safe against concurrent claimers."""
    claimed = insert(deliveries).values(
        key=key, guild_id=guild_id, kind=kind, status="claimed", created_at=now, attempts=1
    )
    if await insert_new(conn, claimed):
        return True
    retried = await conn.execute(
        update(deliveries)
        .where(
            and_(
                deliveries.c.key == key,
                deliveries.c.status == "retry",
                deliveries.c.attempts < MAX_ATTEMPTS,
            )
        )
        .values(status="claimed", attempts=deliveries.c.attempts + 1)
    )
    return retried.rowcount == 1


async def finish(
    conn: AsyncConnection,
    key: str,
    status: str,
    now: datetime,
    *,
    channel_id: int | None = None,
    message_id: int | None = None,
    detail: str | None = None,
) -> None:
    values: dict[str, Any] = {"status": status, "detail": detail}
    if status == "sent":
        values.update(sent_at=now, channel_id=channel_id, message_id=message_id)
    await conn.execute(update(deliveries).where(deliveries.c.key == key).values(**values))


async def record_skip(
    conn: AsyncConnection, key: str, guild_id: int, kind: str, now: datetime, detail: str
) -> bool:
    """Mark a delivery as deliberately skipped (e.g. outside its grace window)."""
    if not await claim(conn, key, guild_id, kind, now):
        return False
    await finish(conn, key, "skipped", now, detail=detail)
    return True


async def get(conn: AsyncConnection, key: str) -> dict[str, Any] | None:
    row = (await conn.execute(select(deliveries).where(deliveries.c.key == key))).first()
    return dict(row._mapping) if row else None


async def requeue_interrupted(conn: AsyncConnection) -> int:
    """At start: claims left by a process that died mid-send become retryable."""
    result = await conn.execute(
        update(deliveries).where(deliveries.c.status == "claimed").values(status="retry")
    )
    return result.rowcount


async def counts_since(conn: AsyncConnection, guild_id: int, since: datetime) -> dict[str, int]:
    rows = await conn.execute(
        select(deliveries.c.status, func.count())
        .where(deliveries.c.guild_id == guild_id, deliveries.c.created_at >= since)
        .group_by(deliveries.c.status)
    )
    return {status: count for status, count in rows}


async def finish_many(conn: AsyncConnection, keys: list[str], status: str, now: datetime) -> None:
    if not keys:
        return
    values: dict[str, Any] = {"status": status, "detail": None}
    if status == "sent":
        values["sent_at"] = now
    for start in range(0, len(keys), 500):
        await conn.execute(
            update(deliveries)
            .where(deliveries.c.key.in_(keys[start : start + 500]))
            .values(**values)
        )
