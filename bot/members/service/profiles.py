"""Member preferences. A member row is created the first time they use the bot."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.clock import Clock
from bot.core.errors import UserFacingError
from bot.core.records import frozen, service
from bot.core.store import Store
from bot.core.time import canonical_timezone, local_date, resolve_zone
from bot.core.zones import all_timezones
from bot.members import guild_store as guild_rows
from bot.members import store as member_rows
from bot.members.service.guilds import GuildSettings

NUDGE_MODES = ("inbox", "dm", "off")
#: How each nudge mode reads to members (never the stored value).
NUDGE_MODE_LABELS = {"inbox": "with your next command reply", "dm": "by DM", "off": "off"}


@frozen
class MemberProfile:
    """A member's preferences (timezone, DMs, nudges, what they share)."""

    guild_id: int
    user_id: int
    timezone: str | None
    dm_opt_in: bool
    dm_unreachable: bool
    nudge_mode: str
    profile_public: bool
    leaderboard_opt_in: bool

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> MemberProfile:
        """A profile from a stored `members` row (its columns carry the field names; the
        Boolean columns already come back as `bool`)."""
        return cls(**{field.name: row[field.name] for field in fields(cls)})

    @property
    def can_dm(self) -> bool:
        """DMs go only to members who opted in and whose DMs did not bounce since."""
        return self.dm_opt_in and not self.dm_unreachable

    @classmethod
    def default(cls, guild_id: int, user_id: int) -> MemberProfile:
        """A member the bot has stored nothing for yet (the table's defaults)."""
        return cls(guild_id, user_id, None, False, False, "inbox", False, False)


@frozen
class MemberContext:
    """Everything an interaction needs to know about who is asking, read once: the member's
    profile, the guild's settings, the member's zone (their own, else the guild's, else UTC)
    and "now"."""

    profile: MemberProfile
    guild: GuildSettings
    zone: ZoneInfo
    now: datetime
    #: The member has a stored row (read just now): a write that would make it can skip that.
    stored: bool = False

    @property
    def today(self) -> date:
        """The member's own local day."""
        return local_date(self.now, self.zone)


@service
class MemberService:
    """Member preferences and the one read of who is asking."""

    store: Store
    clock: Clock

    async def profile(self, guild_id: int, user_id: int) -> MemberProfile:
        """Read-only: a member with no row yet gets the defaults (rows are made on writes)."""
        async with self.store.connect() as conn:
            row = await member_rows.get(conn, guild_id, user_id)
        return MemberProfile.from_row(row) if row else MemberProfile.default(guild_id, user_id)

    async def context(self, guild_id: int, user_id: int) -> MemberContext:
        """The one read of who is asking (profile, guild settings, zone, local day)."""
        async with self.store.connect() as conn:
            return await self.context_in(conn, guild_id, user_id)

    async def context_in(self, conn: AsyncConnection, guild_id: int, user_id: int) -> MemberContext:
        """`context`, read on the caller's connection: a command that writes reads it at the
        start of its own transaction, which saves a connection's checkout and reset (round
        trips that a busy loop or database stretches). Reads before the first write are not
        yet in SQLite's write transaction, so they do not hold its one writer's lock."""
        member, guild = await member_rows.with_guild(conn, guild_id, user_id)
        profile = (
            MemberProfile.from_row(member) if member else MemberProfile.default(guild_id, user_id)
        )
        settings = GuildSettings.from_row(guild) if guild else GuildSettings.default(guild_id)
        zone = resolve_zone(profile.timezone, settings.timezone)
        return MemberContext(profile, settings, zone, self.clock.now(), stored=member is not None)

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        """The guild's settings, for a reader with no member asking (a public page)."""
        async with self.store.connect() as conn:
            guild = await guild_rows.get(conn, guild_id)
        return GuildSettings.from_row(guild) if guild else GuildSettings.default(guild_id)

    async def local_day(self, guild_id: int, user_id: int) -> tuple[date, ZoneInfo]:
        """The member's local day now, and their zone."""
        context = await self.context(guild_id, user_id)
        return context.today, context.zone

    async def set_left(self, guild_id: int, user_id: int, left: bool) -> None:
        """Record that a member left (their data is purged after the retention period) or
        came back."""
        async with self.store.begin() as conn:
            await member_rows.set_left(conn, guild_id, user_id, self.clock.now() if left else None)

    async def set_timezone(self, guild_id: int, user_id: int, zone: str) -> MemberProfile:
        """Set the member's own timezone (a city or IANA name)."""
        name = canonical_timezone(zone, all_timezones())
        return await self.update(guild_id, user_id, timezone=name)

    async def set_dms(self, guild_id: int, user_id: int, enabled: bool) -> MemberProfile:
        # Turning DMs on again also clears an earlier bounce: the member says it works now.
        """Allow or stop DMs (turning them on clears an earlier bounce)."""
        return await self.update(guild_id, user_id, dm_opt_in=enabled, dm_unreachable=False)

    async def set_nudge_mode(self, guild_id: int, user_id: int, mode: str) -> MemberProfile:
        """How pitfall nudges reach the member: inbox, dm or off."""
        if mode not in NUDGE_MODES:
            raise UserFacingError("Nudge mode must be inbox, dm or off.")
        return await self.update(guild_id, user_id, nudge_mode=mode)

    async def mark_dm_unreachable(self, guild_id: int, user_id: int) -> None:
        """Stop DMs after one bounced, until the member turns them on again."""
        await self.update(guild_id, user_id, dm_unreachable=True)

    async def update(self, guild_id: int, user_id: int, **values: Any) -> MemberProfile:
        """Save profile fields (makes the member's row if they have none)."""
        async with self.store.begin() as conn:
            row = await member_rows.update_fields(
                conn, guild_id, user_id, self.clock.now(), **values
            )
        return MemberProfile.from_row(row)
