"""Which channels are study rooms and focus channels, and the guild's minimum and daily cap.

Read on every voice event, so every guild's settings are kept in memory (loaded once at
start, replaced on each change); the database is the record.
"""

from __future__ import annotations

from dataclasses import field

from bot.core.errors import UserFacingError
from bot.core.records import frozen, service
from bot.core.runtime import Core
from bot.core.text import plural
from bot.studyrooms.rules import MAX_CHANNELS, RoomSettings, validate_settings
from bot.studyrooms.store import rooms as room_rows


@frozen
class RoomsChange:
    """What `/setup study-rooms` did, and the settings after it."""

    settings: RoomSettings
    added: int | None = None
    removed: int | None = None
    focus_added: int | None = None
    limits_saved: bool = False

    @property
    def changed(self) -> bool:
        """Something was saved (else the command only showed the settings)."""
        return self.limits_saved or any(
            channel is not None for channel in (self.added, self.removed, self.focus_added)
        )


#: A guild that marked nothing (one object: every voice event of such a guild reads it).
NO_ROOMS = RoomSettings()


@service
class RoomConfig:
    """The guild's study rooms and limits (in memory, backed by the database)."""

    core: Core
    _cache: dict[int, RoomSettings] = field(default_factory=dict, init=False)

    async def load(self) -> None:
        """Read every guild's settings (once, at start)."""
        async with self.core.store.connect() as conn:
            self._cache = await room_rows.load_all(conn)

    def of(self, guild_id: int) -> RoomSettings:
        """The guild's settings (the defaults, with no room, for a guild that set none)."""
        return self._cache.get(guild_id, NO_ROOMS)

    async def configure(
        self,
        guild_id: int,
        *,
        add: int | None = None,
        remove: int | None = None,
        focus_channel: int | None = None,
        minimum: int | None = None,
        daily_cap_hours: int | None = None,
        afk_channel_id: int | None = None,
    ) -> RoomsChange:
        """Mark or unmark channels and set the limits (all optional: nothing shows them)."""
        validate_settings(minimum, daily_cap_hours)
        current = self.of(guild_id)
        marked = current.rooms | current.focus_channels
        if add is not None and add == afk_channel_id:
            raise UserFacingError(
                "That is the server's AFK channel: time there never counts. Pick another."
            )
        if remove is not None and remove not in marked:
            raise UserFacingError(f"<#{remove}> is not a study room or a focus channel.")
        new = {c for c in (add, focus_channel) if c is not None and c not in marked}
        if len(marked) + len(new) - (remove is not None) > MAX_CHANNELS:
            raise UserFacingError(
                f"A server can mark up to {MAX_CHANNELS} study rooms and focus channels; "
                "remove one first."
            )
        now = self.core.clock.now()
        saving = minimum is not None or daily_cap_hours is not None
        async with self.core.store.begin() as conn:
            if remove is not None:
                await room_rows.unmark(conn, guild_id, remove)
            if add is not None:
                await room_rows.mark(conn, guild_id, add, room_rows.ROOM, now)
            if focus_channel is not None:
                await room_rows.mark(conn, guild_id, focus_channel, room_rows.FOCUS, now)
            if saving:
                await room_rows.save_limits(
                    conn,
                    guild_id,
                    now,
                    minimum=minimum,
                    daily_cap=None if daily_cap_hours is None else daily_cap_hours * 60,
                )
            settings = await room_rows.load(conn, guild_id)
        self._cache[guild_id] = settings
        return RoomsChange(settings, add, remove, focus_channel, saving)

    async def forget_channel(self, guild_id: int, channel_id: int) -> bool:
        """A marked channel was deleted: unmark it (True when it was marked)."""
        settings = self.of(guild_id)
        if channel_id not in settings.rooms | settings.focus_channels:
            return False
        async with self.core.store.begin() as conn:
            await room_rows.unmark(conn, guild_id, channel_id)
            self._cache[guild_id] = await room_rows.load(conn, guild_id)
        return True

    def summary(self, guild_id: int) -> list[tuple[str, str]]:
        """The `/setup show` line of study rooms."""
        s = self.of(guild_id)
        if not s.rooms and not s.focus_channels:
            return [("Study rooms", "none yet (`/setup study-rooms add:`)")]
        rooms = " ".join(f"<#{c}>" for c in sorted(s.rooms)) or "none"
        text = (
            f"{rooms} · sessions count from {plural(s.minimum_minutes, 'minute')}, "
            f"up to {s.daily_cap_minutes // 60} h a day"
        )
        if s.focus_channels:
            text += " · focus also in " + " ".join(f"<#{c}>" for c in sorted(s.focus_channels))
        return [("Study rooms", text)]
