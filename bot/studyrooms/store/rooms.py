"""Study rooms, focus channels and the guild's minimum and daily cap."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.store.rows import save_guild_row
from bot.studyrooms.rules import RoomSettings
from bot.studyrooms.tables import study_room_settings, study_rooms

ROOM = "room"
FOCUS = "focus"


def _settings(
    channels: list[tuple[int, str]], minimum: int | None, cap: int | None
) -> RoomSettings:
    defaults = RoomSettings()
    return RoomSettings(
        rooms=frozenset(channel for channel, kind in channels if kind == ROOM),
        focus_channels=frozenset(channel for channel, kind in channels if kind == FOCUS),
        minimum_minutes=defaults.minimum_minutes if minimum is None else minimum,
        daily_cap_minutes=defaults.daily_cap_minutes if cap is None else cap,
    )


async def load_all(conn: AsyncConnection) -> dict[int, RoomSettings]:
    """Every guild's settings that has a room, a focus channel or limits of its own."""
    channels: dict[int, list[tuple[int, str]]] = {}
    rows = await conn.execute(
        select(study_rooms.c.guild_id, study_rooms.c.channel_id, study_rooms.c.kind)
    )
    for guild_id, channel_id, kind in rows:
        channels.setdefault(guild_id, []).append((channel_id, kind))
    limits: dict[int, tuple[int, int]] = {
        guild_id: (minimum, cap)
        for guild_id, minimum, cap in await conn.execute(
            select(
                study_room_settings.c.guild_id,
                study_room_settings.c.minimum_minutes,
                study_room_settings.c.daily_cap_minutes,
            )
        )
    }
    return {
        guild_id: _settings(channels.get(guild_id, []), *limits.get(guild_id, (None, None)))
        for guild_id in channels.keys() | limits.keys()
    }


async def load(conn: AsyncConnection, guild_id: int) -> RoomSettings:
    channels = [
        (channel_id, kind)
        for channel_id, kind in await conn.execute(
            select(study_rooms.c.channel_id, study_rooms.c.kind).where(
                study_rooms.c.guild_id == guild_id
            )
        )
    ]
    limits = (
        await conn.execute(
            select(
                study_room_settings.c.minimum_minutes, study_room_settings.c.daily_cap_minutes
            ).where(study_room_settings.c.guild_id == guild_id)
        )
    ).first()
    return _settings(channels, *(limits if limits is not None else (None, None)))


async def mark(
    conn: AsyncConnection, guild_id: int, channel_id: int, kind: str, now: datetime
) -> None:
    """Mark a channel (a room or a focus channel; marking it again changes its kind)."""
    await unmark(conn, guild_id, channel_id)
    await conn.execute(
        insert(study_rooms).values(
            guild_id=guild_id, channel_id=channel_id, kind=kind, added_at=now
        )
    )


async def unmark(conn: AsyncConnection, guild_id: int, channel_id: int) -> bool:
    result = await conn.execute(
        delete(study_rooms).where(
            study_rooms.c.guild_id == guild_id, study_rooms.c.channel_id == channel_id
        )
    )
    return bool(result.rowcount)


async def save_limits(
    conn: AsyncConnection,
    guild_id: int,
    now: datetime,
    *,
    minimum: int | None,
    daily_cap: int | None,
) -> None:
    values = {
        name: value
        for name, value in (("minimum_minutes", minimum), ("daily_cap_minutes", daily_cap))
        if value is not None
    }
    await save_guild_row(conn, study_room_settings, guild_id, now, **values)
