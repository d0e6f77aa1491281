"""Voice sessions: opened, touched, closed and credited; the periodic checkpoint."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.activity.api import activity
from bot.core.store.rows import first_row, inserted_id
from bot.studyrooms.rules import FOCUS_SOURCE, VOICE_SOURCE, OpenSession
from bot.studyrooms.tables import voice_sessions

v = voice_sessions.c
_OPEN = v.ended_at.is_(None)


async def open_sessions(conn: AsyncConnection) -> list[dict[str, Any]]:
    """Every session not ended yet, in every guild (read once at start)."""
    rows = await conn.execute(
        select(
            v.guild_id, v.user_id, v.channel_id, v.started_at, v.last_seen_at, v.camera, v.stream
        ).where(_OPEN)
    )
    return [dict(row._mapping) for row in rows]


def _new_row(guild_id: int, user_id: int, session: OpenSession) -> dict[str, Any]:
    return {
        "guild_id": guild_id,
        "user_id": user_id,
        "channel_id": session.channel_id,
        "started_at": session.started_at,
        "last_seen_at": session.last_seen_at,
        "camera": session.camera,
        "stream": session.stream,
    }


async def insert_open_many(
    conn: AsyncConnection, sessions: list[tuple[int, int, OpenSession]]
) -> None:
    """Insert many new sessions (guild, user, session) in one statement (executemany)."""
    if sessions:
        await conn.execute(insert(voice_sessions), [_new_row(*new) for new in sessions])


#: One session ended without credit, in one executemany (names unlike the columns').
_END_UNCREDITED = (
    update(voice_sessions)
    .where(
        v.guild_id == bindparam("b_guild"),
        v.user_id == bindparam("b_user"),
        v.started_at == bindparam("b_started"),
        v.ended_at.is_(None),
    )
    .values(
        ended_at=bindparam("b_ended"),
        last_seen_at=bindparam("b_ended"),
        minutes=bindparam("b_minutes"),
        end_reason=bindparam("b_reason"),
        camera=bindparam("b_camera"),
        stream=bindparam("b_stream"),
    )
)


async def close_uncredited_many(
    conn: AsyncConnection,
    ends: Sequence[tuple[int, int, OpenSession, datetime, int, str]],
) -> None:
    """End many sessions that credit nothing (under the minimum) in one statement:
    (guild, user, session, ended_at, minutes, reason). A session whose row never reached
    the database (a lost write) stays unrecorded: it credited nothing anyway."""
    if not ends:
        return
    await conn.execute(
        _END_UNCREDITED,
        [
            {
                "b_guild": guild_id,
                "b_user": user_id,
                "b_started": s.started_at,
                "b_ended": ended_at,
                "b_minutes": minutes,
                "b_reason": reason,
                "b_camera": s.camera,
                "b_stream": s.stream,
            }
            for guild_id, user_id, s, ended_at, minutes, reason in ends
        ],
    )


def _member_open(guild_id: int, user_id: int) -> Any:
    return and_(v.guild_id == guild_id, v.user_id == user_id, _OPEN)


async def touch(conn: AsyncConnection, guild_id: int, user_id: int, session: OpenSession) -> None:
    await conn.execute(
        update(voice_sessions)
        .where(_member_open(guild_id, user_id))
        .values(camera=session.camera, stream=session.stream, last_seen_at=session.last_seen_at)
    )


async def close(
    conn: AsyncConnection,
    guild_id: int,
    user_id: int,
    session: OpenSession,
    *,
    ended_at: datetime,
    minutes: int,
    reason: str,
) -> int:
    """End the member's open session (inserted ended if its row never reached the database,
    e.g. its write was lost in a crash); returns its id."""
    row = await first_row(
        conn,
        select(v.id)
        .where(_member_open(guild_id, user_id), v.started_at == session.started_at)
        .order_by(v.id.desc())
        .limit(1),
    )
    values = {
        "ended_at": ended_at,
        "last_seen_at": ended_at,
        "minutes": minutes,
        "end_reason": reason,
        "camera": session.camera,
        "stream": session.stream,
    }
    if row is not None:
        await conn.execute(update(voice_sessions).where(v.id == row["id"]).values(**values))
        return int(row["id"])
    row = _new_row(guild_id, user_id, session) | values
    return await inserted_id(conn, insert(voice_sessions).values(**row))


async def set_credit(
    conn: AsyncConnection,
    session_id: int,
    *,
    credited: int,
    local_day: date,
    activity_id: int | None,
) -> None:
    await conn.execute(
        update(voice_sessions)
        .where(v.id == session_id)
        .values(
            credited_minutes=credited, local_date=local_day.isoformat(), activity_id=activity_id
        )
    )


async def checkpoint(conn: AsyncConnection, at: datetime) -> int:
    """Every open session was seen at `at` (one statement, whatever the number)."""
    result = await conn.execute(
        update(voice_sessions).where(_OPEN, v.last_seen_at < at).values(last_seen_at=at)
    )
    return int(result.rowcount or 0)


async def room_minutes_on(conn: AsyncConnection, guild_id: int, user_id: int, day: date) -> int:
    """Minutes of study-room and focus time already in the member's log for `day` (the daily
    cap's count; an entry the member deleted frees its minutes)."""
    a = activity.c
    total = await conn.scalar(
        select(func.coalesce(func.sum(a.minutes), 0)).where(
            a.guild_id == guild_id,
            a.user_id == user_id,
            a.local_date == day.isoformat(),
            a.source.in_((VOICE_SOURCE, FOCUS_SOURCE)),
        )
    )
    return int(total or 0)


async def for_activity(
    conn: AsyncConnection, guild_id: int, activity_id: int
) -> dict[str, Any] | None:
    """The session that became study-log entry `activity_id`."""
    return await first_row(
        conn,
        select(voice_sessions).where(v.guild_id == guild_id, v.activity_id == activity_id),
    )


async def counted_intervals(
    conn: AsyncConnection,
    guild_id: int,
    user_ids: Iterable[int],
    start: datetime,
    end: datetime,
) -> dict[int, list[tuple[datetime, datetime]]]:
    """Per member, the stretches of their study-room sessions within [start, end] that count
    or may still count (open ones up to `end`): what a focus round must not credit again."""
    ids = list(user_ids)
    found: dict[int, list[tuple[datetime, datetime]]] = {}
    if not ids:
        return found
    rows = await conn.execute(
        select(v.user_id, v.started_at, v.ended_at).where(
            v.guild_id == guild_id,
            v.user_id.in_(ids),
            v.started_at < end,
            or_(_OPEN, and_(v.ended_at > start, v.credited_minutes > 0)),
        )
    )
    for user_id, started_at, ended_at in rows:
        found.setdefault(user_id, []).append((started_at, ended_at or end))
    return found
