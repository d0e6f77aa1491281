"""The sweep's first stage for one guild: read every member a chunk at a time and run the
rules on each chunk in a worker thread.

The stages overlap: while a worker thread evaluates chunk i (pure Python, `evaluate_members`),
the event loop reads chunk i+1 from the database. No step holds the event loop for more than
one chunk's rows (`SWEEP_CHUNK` members). Nothing is written here: the caller records the
findings at the end (`record_sweep`), so on SQLite the write lock is not held while the
guild is read.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.pitfalls import store as rows
from bot.pitfalls.rules import Finding, evaluate_members
from bot.pitfalls.thresholds import PitfallThresholds

Found = list[Finding]


@dataclass
class Assessment:
    """What the rules found in a guild (members in id order)."""

    evaluated: int = 0
    found: Found = field(default_factory=list)
    #: Members who left the guild (never evaluated, never nudged).
    departed: set[int] = field(default_factory=set)


async def assess_guild(
    conn: AsyncConnection,
    guild_id: int,
    now: datetime,
    t: PitfallThresholds,
    size: int = rows.SWEEP_CHUNK,
) -> Assessment:
    """Every member of the guild through the rules (members in id order)."""
    out = Assessment()
    pending: asyncio.Future[tuple[int, Found]] | None = None

    async def settle(job: asyncio.Future[tuple[int, Found]]) -> None:
        evaluated, found = await job
        out.evaluated += evaluated
        out.found += found

    async for chunk in rows.sweep_chunks(conn, guild_id, now, t, size):
        out.departed |= chunk.departed
        job = asyncio.ensure_future(asyncio.to_thread(evaluate_members, chunk.members(), t))
        if pending is not None:
            await settle(pending)
        pending = job
    if pending is not None:
        await settle(pending)
    return out
