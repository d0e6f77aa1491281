"""Focus sessions and their participants."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.store.rows import all_rows, first_row, inserted_id
from bot.studyrooms.rules import FocusPlan, Phase
from bot.studyrooms.tables import focus_participants, focus_sessions

f = focus_sessions.c
p = focus_participants.c
_RUNNING = f.ended_at.is_(None)


async def create(
    conn: AsyncConnection,
    *,
    guild_id: int,
    user_id: int,
    channel_id: int,
    plan: FocusPlan,
    phase: Phase,
) -> int:
    """A new running session, its starter as the first participant; returns its id."""
    session_id = await inserted_id(
        conn,
        insert(focus_sessions).values(
            guild_id=guild_id,
            user_id=user_id,
            channel_id=channel_id,
            focus_minutes=plan.focus_minutes,
            break_minutes=plan.break_minutes,
            rounds=plan.rounds,
            started_at=phase.started_at,
            round=phase.round,
            phase=phase.name,
            phase_started_at=phase.started_at,
            phase_ends_at=phase.ends_at,
        ),
    )
    await join(conn, guild_id, session_id, user_id, phase.started_at)
    return session_id


async def get(conn: AsyncConnection, guild_id: int, session_id: int) -> dict[str, Any] | None:
    return await first_row(
        conn, select(focus_sessions).where(f.guild_id == guild_id, f.id == session_id)
    )


async def running_in(
    conn: AsyncConnection, guild_id: int, channel_id: int
) -> dict[str, Any] | None:
    return await first_row(
        conn,
        select(focus_sessions).where(f.guild_id == guild_id, f.channel_id == channel_id, _RUNNING),
    )


async def running_started_by(
    conn: AsyncConnection, guild_id: int, user_id: int
) -> dict[str, Any] | None:
    return await first_row(
        conn,
        select(focus_sessions)
        .where(f.guild_id == guild_id, f.user_id == user_id, _RUNNING)
        .order_by(f.id.desc())
        .limit(1),
    )


async def due(conn: AsyncConnection, now: datetime) -> list[dict[str, Any]]:
    """Running sessions whose phase ended by `now`."""
    return await all_rows(
        conn, select(focus_sessions).where(_RUNNING, f.phase_ends_at <= now).order_by(f.id)
    )


async def next_due(conn: AsyncConnection) -> datetime | None:
    value: datetime | None = await conn.scalar(select(func.min(f.phase_ends_at)).where(_RUNNING))
    return value


async def save(conn: AsyncConnection, session_id: int, **values: Any) -> None:
    await conn.execute(update(focus_sessions).where(f.id == session_id).values(**values))


async def save_phase(
    conn: AsyncConnection,
    session_id: int,
    phase: Phase,
    *,
    reason: str | None = None,
    expected: Phase | None = None,
) -> bool:
    """Move a running session to `phase` (an `ended` phase ends it, with `reason`). With
    `expected`, only from that phase (compare-and-set: of a tick and a stop racing, or two
    processes' ticks, one moves it). False when it did not move."""
    values: dict[str, Any] = {
        "round": phase.round,
        "phase": phase.name,
        "phase_started_at": phase.started_at,
        "phase_ends_at": phase.ends_at,
    }
    if phase.name == "ended":
        values.update(ended_at=phase.started_at, end_reason=reason or "done")
    where = [f.id == session_id, _RUNNING]
    if expected is not None:
        where += [
            f.round == expected.round,
            f.phase == expected.name,
            f.phase_ends_at == expected.ends_at,
        ]
    result = await conn.execute(update(focus_sessions).where(*where).values(**values))
    return bool(result.rowcount)


async def participants(
    conn: AsyncConnection, guild_id: int, session_id: int
) -> list[dict[str, Any]]:
    return await all_rows(
        conn,
        select(focus_participants)
        .where(p.guild_id == guild_id, p.session_id == session_id)
        .order_by(p.joined_at, p.user_id),
    )


def _member(guild_id: int, session_id: int, user_id: int) -> Any:
    return (p.guild_id == guild_id) & (p.session_id == session_id) & (p.user_id == user_id)


async def join(
    conn: AsyncConnection, guild_id: int, session_id: int, user_id: int, now: datetime
) -> bool:
    """In the session from `now`; False when already in it."""
    row = await first_row(conn, select(p.left_at).where(_member(guild_id, session_id, user_id)))
    if row is None:
        await conn.execute(
            insert(focus_participants).values(
                guild_id=guild_id, session_id=session_id, user_id=user_id, joined_at=now
            )
        )
        return True
    if row["left_at"] is None:
        return False
    await conn.execute(
        update(focus_participants)
        .where(_member(guild_id, session_id, user_id))
        .values(joined_at=now, left_at=None)
    )
    return True


async def update_present(
    conn: AsyncConnection, guild_id: int, session_id: int, user_id: int, **values: Any
) -> bool:
    """Change a participant who is in the session now (`left_at=now` makes them leave,
    `pings=True` asks for pings); False when they are not in it."""
    result = await conn.execute(
        update(focus_participants)
        .where(_member(guild_id, session_id, user_id), p.left_at.is_(None))
        .values(**values)
    )
    return bool(result.rowcount)


async def add_credit(
    conn: AsyncConnection, guild_id: int, session_id: int, user_id: int, minutes: int
) -> None:
    await conn.execute(
        update(focus_participants)
        .where(_member(guild_id, session_id, user_id))
        .values(credited_minutes=p.credited_minutes + minutes)
    )
