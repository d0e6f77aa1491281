"""A guild's pitfall settings: on/off and its threshold overrides."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.records import frozen
from bot.pitfalls.tables import pitfall_settings


@frozen
class SettingsRow:
    guild_id: int
    enabled: bool
    #: As stored (JSON): the service keeps only known names with numbers.
    overrides: dict[str, object]

    @classmethod
    def from_row(cls, row: Row[Any]) -> SettingsRow:
        return cls(int(row.guild_id), bool(row.enabled), dict(row.overrides or {}))


async def settings(conn: AsyncConnection, guild_id: int) -> SettingsRow | None:
    row = (
        await conn.execute(select(pitfall_settings).where(pitfall_settings.c.guild_id == guild_id))
    ).first()
    return SettingsRow.from_row(row) if row else None


async def all_settings(conn: AsyncConnection) -> dict[int, SettingsRow]:
    """Every guild's stored pitfall settings (start-up schedules every sweep from one read)."""
    rows = await conn.execute(select(pitfall_settings))
    return {int(row.guild_id): SettingsRow.from_row(row) for row in rows}


async def save_settings(
    conn: AsyncConnection,
    guild_id: int,
    now: datetime,
    *,
    overrides: dict[str, int | float] | None = None,
    enabled: bool | None = None,
) -> SettingsRow:
    if await settings(conn, guild_id) is None:
        await conn.execute(
            insert(pitfall_settings).values(guild_id=guild_id, overrides={}, updated_at=now)
        )
    values: dict[str, Any] = {"updated_at": now}
    if overrides is not None:
        values["overrides"] = overrides
    if enabled is not None:
        values["enabled"] = enabled
    await conn.execute(
        update(pitfall_settings).where(pitfall_settings.c.guild_id == guild_id).values(**values)
    )
    saved = await settings(conn, guild_id)
    assert saved is not None
    return saved
