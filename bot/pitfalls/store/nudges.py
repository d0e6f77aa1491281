"""Nudges sent (which text, how), the member's feedback, and their mutes.

The policy's inputs are read for all flagged members of a guild at once, in chunks of ids.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.records import frozen
from bot.core.store.idlists import listed
from bot.core.store.rows import inserted_id, streamed
from bot.pitfalls.rules import SentNudge
from bot.pitfalls.tables import pitfall_mutes, pitfall_nudges

#: A nudge row's channel while it is being delivered (then "dm" or "inbox").
PENDING = "pending"


@frozen
class NudgeRow:
    id: int
    user_id: int
    pitfall: str
    feedback: str | None


# --- what the policy needs, for all flagged members at once --------------------------------


async def sent_nudges(
    conn: AsyncConnection, guild_id: int, user_ids: Sequence[int], since: datetime
) -> dict[int, list[SentNudge]]:
    """member -> their nudges delivered after `since` (not those still pending), oldest
    first. One statement for all the listed members, streamed."""
    n = pitfall_nudges.c
    query = (
        select(n.user_id, n.pitfall, n.nudge_id, n.sent_at)
        .where(
            n.guild_id == guild_id,
            listed(conn.dialect.name, n.user_id, user_ids),
            n.sent_at > since,
            n.channel != PENDING,
        )
        .order_by(n.user_id, n.sent_at, n.id)
    )
    out: dict[int, list[SentNudge]] = defaultdict(list)
    async for rows in streamed(conn, query):
        for user_id, pitfall, nudge_id, sent_at in rows:
            out[int(user_id)].append(SentNudge(pitfall, nudge_id, sent_at))
    return out


async def active_mutes(
    conn: AsyncConnection, guild_id: int, user_ids: Sequence[int], now: datetime
) -> dict[int, dict[str, datetime]]:
    """member -> pitfall -> until when it is muted ("Not for me"), for mutes still running."""
    m = pitfall_mutes.c
    query = select(m.user_id, m.pitfall, m.muted_until).where(
        m.guild_id == guild_id,
        listed(conn.dialect.name, m.user_id, user_ids),
        m.muted_until > now,
    )
    out: dict[int, dict[str, datetime]] = defaultdict(dict)
    async for rows in streamed(conn, query):
        for user_id, pitfall, until in rows:
            out[int(user_id)][str(pitfall)] = until
    return out


# --- one nudge: sent, delivered, answered --------------------------------------------------


async def add_nudge(
    conn: AsyncConnection,
    guild_id: int,
    user_id: int,
    pitfall: str,
    nudge_id: str,
    detection_id: int | None,
    now: datetime,
) -> int:
    """Record a nudge about to be delivered (channel "pending"); returns its row id."""
    new_nudge = insert(pitfall_nudges).values(
        guild_id=guild_id,
        user_id=user_id,
        pitfall=pitfall,
        nudge_id=nudge_id,
        detection_id=detection_id,
        sent_at=now,
        channel=PENDING,
    )
    return await inserted_id(conn, new_nudge)


async def set_nudge_channel(conn: AsyncConnection, row_id: int, channel: str) -> None:
    await conn.execute(
        update(pitfall_nudges).where(pitfall_nudges.c.id == row_id).values(channel=channel)
    )


async def delete_nudge(conn: AsyncConnection, row_id: int) -> None:
    await conn.execute(delete(pitfall_nudges).where(pitfall_nudges.c.id == row_id))


async def nudge(conn: AsyncConnection, guild_id: int, row_id: int) -> NudgeRow | None:
    row = (
        await conn.execute(
            select(pitfall_nudges).where(
                pitfall_nudges.c.guild_id == guild_id, pitfall_nudges.c.id == row_id
            )
        )
    ).first()
    return NudgeRow(int(row.id), int(row.user_id), row.pitfall, row.feedback) if row else None


async def set_feedback(conn: AsyncConnection, row_id: int, feedback: str, now: datetime) -> None:
    await conn.execute(
        update(pitfall_nudges)
        .where(pitfall_nudges.c.id == row_id)
        .values(feedback=feedback, feedback_at=now)
    )


async def mute(
    conn: AsyncConnection, guild_id: int, user_id: int, pitfall: str, until: datetime, now: datetime
) -> None:
    """Mute (or extend the mute of) one pitfall for one member. Portable upsert."""
    await conn.execute(
        delete(pitfall_mutes).where(
            pitfall_mutes.c.guild_id == guild_id,
            pitfall_mutes.c.user_id == user_id,
            pitfall_mutes.c.pitfall == pitfall,
        )
    )
    await conn.execute(
        insert(pitfall_mutes).values(
            guild_id=guild_id, user_id=user_id, pitfall=pitfall, muted_until=until, created_at=now
        )
    )
