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
from bot.core.store.rows import inserted_id
from bot.pitfalls.rules import SentNudge
from bot.pitfalls.store.batching import chunks
from bot.pitfalls.tables import pitfall_mutes, pitfall_nudges


@frozen
class NudgeRow:
    id: int
    user_id: int
    pitfall: str
    feedback: str | None


# --- what the policy needs, for all flagged members at once --------------------------------


async def sent_nudges(
    conn: AsyncConnection, guild_id: int, user_ids: Sequence[int], since: datetime
) -> dict[int, list[tuple[SentNudge, str]]]:
    """member -> their nudges sent after `since`, oldest first, with the delivery channel."""
    out: dict[int, list[tuple[SentNudge, str]]] = defaultdict(list)
    for chunk in chunks(sorted(user_ids)):
        for r in await conn.execute(
            select(pitfall_nudges)
            .where(
                pitfall_nudges.c.guild_id == guild_id,
                pitfall_nudges.c.user_id.in_(chunk),
                pitfall_nudges.c.sent_at > since,
            )
            .order_by(pitfall_nudges.c.sent_at, pitfall_nudges.c.id)
        ):
            out[int(r.user_id)].append((SentNudge(r.pitfall, r.nudge_id, r.sent_at), r.channel))
    return out


async def active_mutes(
    conn: AsyncConnection, guild_id: int, user_ids: Sequence[int], now: datetime
) -> dict[int, dict[str, datetime]]:
    """member -> pitfall -> until when it is muted ("Not for me"), for mutes still running."""
    out: dict[int, dict[str, datetime]] = defaultdict(dict)
    for chunk in chunks(sorted(user_ids)):
        for r in await conn.execute(
            select(pitfall_mutes).where(
                pitfall_mutes.c.guild_id == guild_id,
                pitfall_mutes.c.user_id.in_(chunk),
                pitfall_mutes.c.muted_until > now,
            )
        ):
            out[int(r.user_id)][str(r.pitfall)] = r.muted_until
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
        channel="pending",
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
