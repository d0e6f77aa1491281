"""`/setup stats`: aggregates only, never which member."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.activity.api import activity
from bot.pitfalls.tables import pitfall_detections, pitfall_nudges


async def active_members(conn: AsyncConnection, guild_id: int, since: datetime) -> int:
    query: Select[Any] = select(func.count(func.distinct(activity.c.user_id))).where(
        activity.c.guild_id == guild_id, activity.c.occurred_at > since
    )
    return int((await conn.execute(query)).scalar_one())


async def minutes_by_kind(conn: AsyncConnection, guild_id: int, since: datetime) -> dict[str, int]:
    query: Select[Any] = (
        select(activity.c.kind, func.coalesce(func.sum(activity.c.minutes), 0))
        .where(activity.c.guild_id == guild_id, activity.c.occurred_at > since)
        .group_by(activity.c.kind)
    )
    return {str(kind): int(minutes) for kind, minutes in await conn.execute(query)}


async def flag_counts(conn: AsyncConnection, guild_id: int, sweep_id: int) -> dict[str, int]:
    """pitfall -> how many members the sweep flagged (numbers only, never who)."""
    query: Select[Any] = (
        select(
            pitfall_detections.c.pitfall, func.count(func.distinct(pitfall_detections.c.user_id))
        )
        .where(
            pitfall_detections.c.guild_id == guild_id,
            pitfall_detections.c.sweep_id == sweep_id,
        )
        .group_by(pitfall_detections.c.pitfall)
    )
    return {str(p): int(n) for p, n in await conn.execute(query)}


async def feedback_counts(conn: AsyncConnection, guild_id: int, since: datetime) -> dict[str, int]:
    """ "sent" and each feedback value -> count, for nudges sent after `since`."""
    query: Select[Any] = (
        select(pitfall_nudges.c.feedback, func.count())
        .where(pitfall_nudges.c.guild_id == guild_id, pitfall_nudges.c.sent_at > since)
        .group_by(pitfall_nudges.c.feedback)
    )
    out: dict[str, int] = {"sent": 0}
    for feedback, count in await conn.execute(query):
        out["sent"] += int(count)
        if feedback is not None:
            out[str(feedback)] = int(count)
    return out
