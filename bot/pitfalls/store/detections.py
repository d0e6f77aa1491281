"""Sweeps and what they found: one row per sweep, one per detection with its evidence."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.store.rows import inserted_id
from bot.pitfalls.rules import Detection, PitfallFlag
from bot.pitfalls.store.batching import DETECTION_SLICE, STREAM_PARTITION
from bot.pitfalls.tables import pitfall_detections, pitfall_sweeps


@dataclass(frozen=True)
class SweepRow:
    id: int
    swept_at: datetime
    members_evaluated: int


async def record_sweep(
    conn: AsyncConnection,
    guild_id: int,
    now: datetime,
    members_evaluated: int,
    detections: Sequence[tuple[int, Detection]],
) -> tuple[int, dict[tuple[int, str], int]]:
    """Store a sweep and its detections; returns the sweep id and (member, pitfall) -> id."""
    new_sweep = insert(pitfall_sweeps).values(
        guild_id=guild_id,
        swept_at=now,
        seconds=0.0,
        members_evaluated=members_evaluated,
        detections=len(detections),
        nudges=0,
    )
    sweep_id = await inserted_id(conn, new_sweep)
    # In slices, so binding 100k detections does not hold the event loop in one go.
    for start in range(0, len(detections), DETECTION_SLICE):
        await conn.execute(
            insert(pitfall_detections),
            [
                {
                    "guild_id": guild_id,
                    "sweep_id": sweep_id,
                    "user_id": user_id,
                    "pitfall": d.pitfall,
                    "evidence": d.evidence,
                    "detected_at": now,
                }
                for user_id, d in detections[start : start + DETECTION_SLICE]
            ],
        )
        await asyncio.sleep(0)
    ids: dict[tuple[int, str], int] = {}
    stream = await conn.stream(
        select(
            pitfall_detections.c.id, pitfall_detections.c.user_id, pitfall_detections.c.pitfall
        ).where(
            pitfall_detections.c.guild_id == guild_id,
            pitfall_detections.c.sweep_id == sweep_id,
        )
    )
    async for partition in stream.partitions(STREAM_PARTITION):
        ids.update(((int(r.user_id), str(r.pitfall)), int(r.id)) for r in partition)
    return sweep_id, ids


async def finish_sweep(conn: AsyncConnection, sweep_id: int, seconds: float, nudges: int) -> None:
    await conn.execute(
        update(pitfall_sweeps)
        .where(pitfall_sweeps.c.id == sweep_id)
        .values(seconds=seconds, nudges=nudges)
    )


async def latest_sweep(conn: AsyncConnection, guild_id: int) -> SweepRow | None:
    row = (
        await conn.execute(
            select(pitfall_sweeps)
            .where(pitfall_sweeps.c.guild_id == guild_id)
            .order_by(pitfall_sweeps.c.swept_at.desc(), pitfall_sweeps.c.id.desc())
            .limit(1)
        )
    ).first()
    return SweepRow(int(row.id), row.swept_at, int(row.members_evaluated)) if row else None


async def detections_of(
    conn: AsyncConnection, guild_id: int, sweep_id: int, user_id: int
) -> list[PitfallFlag]:
    """What one sweep found for one member, in the order it was recorded."""
    return [
        PitfallFlag(r.pitfall, dict(r.evidence), r.detected_at)
        for r in await conn.execute(
            select(pitfall_detections)
            .where(
                pitfall_detections.c.guild_id == guild_id,
                pitfall_detections.c.sweep_id == sweep_id,
                pitfall_detections.c.user_id == user_id,
            )
            .order_by(pitfall_detections.c.id)
        )
    ]
