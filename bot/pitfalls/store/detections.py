"""Sweeps and what they found: one row per sweep, one per detection with its evidence."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Insert,
    Integer,
    String,
    bindparam,
    cast,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.records import frozen
from bot.core.store.rows import inserted_id
from bot.core.store.types import UTCDateTime
from bot.pitfalls.rules import Finding, PitfallFlag
from bot.pitfalls.store.batching import DETECTION_SLICE
from bot.pitfalls.tables import pitfall_detections, pitfall_sweeps


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
) -> int:
    """Store a sweep and its detections in one transaction; returns the sweep id. (The
    service records a big guild's in slices instead: `start_sweep`, `record_detections` per
    slice, `complete_sweep`.)"""
    sweep_id = await start_sweep(conn, guild_id, now, members_evaluated, len(detections))
    await record_detections(conn, guild_id, sweep_id, now, detections)
    await complete_sweep(conn, sweep_id)
    return sweep_id


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


def _detections_statement(dialect: str) -> Insert:
    """INSERT .. SELECT of a whole slice of detections from ONE bound value per column.

    A multi-row VALUES binds and converts six parameters per row on the event loop (the
    sweep's guild, id and instant the same for every row): for 100k detections that was
    ~1.5 s of loop time per sweep. Here the constants are bound once, and the rows go over
    as a JSON list SQLite reads with `json_each` or as arrays PostgreSQL `unnest`s.
    """
    d = pitfall_detections.c
    constants = (
        bindparam("guild_id", type_=BigInteger()),
        bindparam("sweep_id", type_=Integer()),
    )
    if dialect == "postgresql":
        rows = (
            func.unnest(
                bindparam("users", type_=postgresql.ARRAY(BigInteger)),
                bindparam("pitfalls", type_=postgresql.ARRAY(String)),
                bindparam("evidence", type_=postgresql.ARRAY(String)),
            )
            .table_valued("user_id", "pitfall", "evidence")
            .render_derived()
        )
        user_id, pitfall, evidence = rows.c.user_id, rows.c.pitfall, rows.c.evidence
    else:
        each = func.json_each(bindparam("rows", type_=String())).table_valued("value")

        def item(index: int) -> Any:
            return func.json_extract(each.c.value, f"$[{index}]")

        user_id, pitfall, evidence = item(0), item(1), item(2)
    source = select(
        *constants,
        user_id,
        pitfall,
        cast(evidence, JSON) if dialect == "postgresql" else evidence,
        bindparam("detected_at", type_=UTCDateTime()),
    )
    return insert(pitfall_detections).from_select(
        [d.guild_id, d.sweep_id, d.user_id, d.pitfall, d.evidence, d.detected_at], source
    )


def _detections_values(dialect: str, detections: Sequence[Finding]) -> dict[str, Any]:
    if dialect == "postgresql":
        users, pitfalls, evidence = zip(*detections, strict=True)
        return {"users": list(users), "pitfalls": list(pitfalls), "evidence": list(evidence)}
    # (Evidence is JSON text already: it goes in as a string and comes out of
    # `json_extract` as the same text.)
    return {"rows": _ROWS_ENCODER.encode(detections)}


_ROWS_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


async def record_detections(
    conn: AsyncConnection,
    guild_id: int,
    sweep_id: int,
    now: datetime,
    detections: Sequence[Finding],
) -> int:
    """Store detections of a sweep, in order; returns how many.

    Set-based: one INSERT .. SELECT per slice of `DETECTION_SLICE` (`_detections_statement`),
    nothing read back: the sweep's nudges look up the few detections they point at
    (`detection_id`), and reading back 100k ids cost more than all of those lookups.
    """
    dialect = conn.dialect.name
    statement = _detections_statement(dialect)
    for start in range(0, len(detections), DETECTION_SLICE):
        part = detections[start : start + DETECTION_SLICE]
        values = _detections_values(dialect, part)
        await conn.execute(
            statement, {"guild_id": guild_id, "sweep_id": sweep_id, "detected_at": now} | values
        )
        await asyncio.sleep(0)
    return len(detections)


async def detection_id(
    conn: AsyncConnection, guild_id: int, sweep_id: int, user_id: int, pitfall: str
) -> int | None:
    """The id of what `sweep_id` found about one member and pitfall (a nudge points at it)."""
    d = pitfall_detections.c
    query = select(func.min(d.id)).where(
        d.guild_id == guild_id, d.sweep_id == sweep_id, d.user_id == user_id, d.pitfall == pitfall
    )
    found = (await conn.execute(query)).scalar()
    return None if found is None else int(found)


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
