"""Guild configuration: timezone, moderator role, channels, broken-setting bookkeeping."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import field
from typing import Any

from bot.core.clock import Clock
from bot.core.records import frozen
from bot.core.store import Store
from bot.core.time import canonical_timezone
from bot.core.zones import all_timezones
from bot.members import guild_store as guild_rows

CHANNEL_ROLES = ("daily", "accountability", "interview")


@frozen
class GuildSettings:
    """A guild's settings: timezone, moderator role, channels, broken settings."""

    guild_id: int
    timezone: str
    moderator_role_id: int | None
    channels: dict[str, int | None]
    broken: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def default(cls, guild_id: int) -> GuildSettings:
        """A guild the bot has stored nothing for yet (the table's defaults)."""
        return cls(guild_id, "UTC", None, dict.fromkeys(CHANNEL_ROLES))

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> GuildSettings:
        """Settings from a stored `guild_config` row."""
        return cls(
            guild_id=row["guild_id"],
            timezone=row["timezone"],
            moderator_role_id=row["moderator_role_id"],
            channels={name: row[f"{name}_channel_id"] for name in CHANNEL_ROLES},
            broken=dict(row.get("broken") or {}),
            raw=row,
        )


class GuildService:
    """Guild configuration: timezone, moderator role, channels, broken settings."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        # Called with the guild id after its timezone or channels change (reschedules jobs).
        self.listeners: list[Callable[[int], Awaitable[None]]] = []

    async def settings(self, guild_id: int) -> GuildSettings:
        """Read-only: a guild with no row yet gets the defaults (rows are made on writes)."""
        async with self.store.connect() as conn:
            row = await guild_rows.get(conn, guild_id)
        return GuildSettings.from_row(row) if row else GuildSettings.default(guild_id)

    async def all_settings(self) -> dict[int, GuildSettings]:
        """Every guild with stored settings, read at once (what start-up schedules from)."""
        async with self.store.connect() as conn:
            rows = await guild_rows.all_rows(conn)
        return {row["guild_id"]: GuildSettings.from_row(row) for row in rows}

    async def known_guild_ids(self) -> list[int]:
        """Every guild with stored settings."""
        async with self.store.connect() as conn:
            return [row["guild_id"] for row in await guild_rows.all_rows(conn)]

    async def set_removed(self, guild_id: int, removed: bool) -> None:
        """Record that the bot was removed from a guild (purged after retention) or re-added."""
        async with self.store.begin() as conn:
            await guild_rows.set_removed(conn, guild_id, self.clock.now() if removed else None)

    async def set_timezone(self, guild_id: int, zone: str) -> GuildSettings:
        """Set the guild's timezone (a city or IANA name); reschedules its posts."""
        name = canonical_timezone(zone, all_timezones())
        settings = await self._update(guild_id, timezone=name)
        await self._changed(guild_id)
        return settings

    async def _changed(self, guild_id: int) -> None:
        for listener in self.listeners:
            await listener(guild_id)

    async def set_moderator_role(self, guild_id: int, role_id: int | None) -> GuildSettings:
        """Set or clear the role whose members are moderators."""
        return await self._update(guild_id, moderator_role_id=role_id)

    async def set_channels(self, guild_id: int, chosen: dict[str, int]) -> GuildSettings:
        """Choose channels by role; clears what was broken about them."""
        unknown = set(chosen) - set(CHANNEL_ROLES)
        if unknown:
            raise ValueError(f"unknown channel roles: {sorted(unknown)}")
        current = await self.settings(guild_id)
        broken = {k: v for k, v in current.broken.items() if k not in chosen}
        values: dict[str, Any] = {f"{name}_channel_id": cid for name, cid in chosen.items()}
        settings = await self._update(guild_id, broken=broken, **values)
        await self._changed(guild_id)
        return settings

    async def is_moderator(self, guild_id: int, role_ids: set[int], *, manage_guild: bool) -> bool:
        """True for Manage Server or the configured moderator role."""
        if manage_guild:
            return True
        settings = await self.settings(guild_id)
        return settings.moderator_role_id is not None and settings.moderator_role_id in role_ids

    async def mark_broken(
        self, guild_id: int, setting: str, reason: str, *, keep_diagnosis: bool = False
    ) -> bool:
        """Record a setting that does not work; True when it was not already marked.

        `keep_diagnosis`: a reason already recorded stays (a send failure says only "I lost
        permission"; the channel audit said which permissions are missing, and that is what
        `/setup show` should keep showing)."""
        current = await self.settings(guild_id)
        if current.broken.get(setting) == reason or (keep_diagnosis and setting in current.broken):
            return False
        await self._update(guild_id, broken={**current.broken, setting: reason})
        return setting not in current.broken

    async def clear_broken(self, guild_id: int, setting: str) -> None:
        """Forget a broken mark once the setting works again."""
        current = await self.settings(guild_id)
        if setting in current.broken:
            remaining = {k: v for k, v in current.broken.items() if k != setting}
            await self._update(guild_id, broken=remaining)

    async def _update(self, guild_id: int, **values: Any) -> GuildSettings:
        async with self.store.begin() as conn:
            row = await guild_rows.update_fields(conn, guild_id, self.clock.now(), **values)
        return GuildSettings.from_row(row)
