"""Sweeps and what they found: one row per sweep, one per detection with its evidence."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import JSON, Dialect, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.types import TypeDecorator

from bot.core.records import frozen
from bot.core.store.rows import inserted_id
from bot.pitfalls.rules import Finding, PitfallFlag
from bot.pitfalls.store.batching import DETECTION_SLICE
from bot.pitfalls.tables import pitfall_detections, pitfall_sweeps


class EncodedJSON(TypeDecorator[str]):
    """A value for a JSON column that is JSON text already (a `Finding`'s evidence, encoded
    in the sweep's worker thread): bound as it is, typed as the column's JSON."""

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> None:
        return None


@frozen
class SweepRow:
    id: int
    swept_at: datetime
    members_evaluated: int


async def record_sweep(
    conn: AsyncConnection,
    guild_id: int,
    now: datetime,
    members_evaluated: int,
    detections: Sequence[Finding],
) -> tuple[int, dict[tuple[int, str], int]]:
    """Store a sweep and its detections in one transaction; returns the sweep id and
    (member, pitfall) -> id. (The service records a big guild's in slices instead:
    `start_sweep`, `record_detections` per slice, `complete_sweep`.)"""
    sweep_id = await start_sweep(conn, guild_id, now, members_evaluated, len(detections))
    ids = await record_detections(conn, guild_id, sweep_id, now, detections)
    await complete_sweep(conn, sweep_id)
    return sweep_id, ids


async def start_sweep(
    conn: AsyncConnection, guild_id: int, now: datetime, members_evaluated: int, detections: int
) -> int:
    """A new sweep row, not completed yet (`latest_sweep` skips it); returns its id."""
    return await inserted_id(
        conn,
        insert(pitfall_sweeps).values(
            guild_id=guild_id,
            swept_at=now,
            seconds=0.0,
            members_evaluated=members_evaluated,
            detections=detections,
            nudges=0,
            completed=False,
        ),
    )


async def complete_sweep(conn: AsyncConnection, sweep_id: int) -> None:
    """Every detection of the sweep is recorded: readers may take it."""
    await conn.execute(
        update(pitfall_sweeps).where(pitfall_sweeps.c.id == sweep_id).values(completed=True)
    )


async def record_detections(
    conn: AsyncConnection,
    guild_id: int,
    sweep_id: int,
    now: datetime,
    detections: Sequence[Finding],
) -> dict[tuple[int, str], int]:
    """Store detections of a sweep; returns (member, pitfall) -> detection id.

    Set-based: one multi-row INSERT ... RETURNING per slice of `DETECTION_SLICE`, so the ids
    come back with the insert (no read-back query) and binding 100k detections never holds
    the event loop in one go.
    """
    ids: dict[tuple[int, str], int] = {}
    statement = (
        insert(pitfall_detections)
        .values(evidence=bindparam("evidence", type_=EncodedJSON()))
        .returning(
            pitfall_detections.c.id, pitfall_detections.c.user_id, pitfall_detections.c.pitfall
        )
    )
    for start in range(0, len(detections), DETECTION_SLICE):
        rows = [
            {
                "guild_id": guild_id,
                "sweep_id": sweep_id,
                "user_id": user_id,
                "pitfall": pitfall,
                "evidence": evidence,
                "detected_at": now,
            }
            for user_id, pitfall, evidence in detections[start : start + DETECTION_SLICE]
        ]
        for row_id, user_id, pitfall in await conn.execute(statement, rows):
            ids[(int(user_id), str(pitfall))] = int(row_id)
        await asyncio.sleep(0)
    return ids


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
            .where(pitfall_sweeps.c.guild_id == guild_id, pitfall_sweeps.c.completed)
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
