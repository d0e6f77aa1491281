"""What the dashboard asks Discord with the bot's token: who is a member of a guild (with
their roles and Manage Server), the guild's text channels and roles, members' names.

`Directory` is the interface the pages use; `DiscordDirectory` answers it with discord.py's
HTTP client logged in with the bot token (no gateway session, as `studybot doctor` does).
Answers are cached for a short time (`TTL_SECONDS`): access is re-checked on every request
against data at most that old, without a Discord call per page view. The benchmarks use an
in-memory directory.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Generic, Protocol, TypeVar

import discord

from bot.core.permissions import CHANNEL_REQUIREMENTS
from bot.core.records import frozen
from bot.health.channels import bot_role_name
from bot.health.rules import ChannelCheck, channel_check

TTL_SECONDS = 30.0
K = TypeVar("K")
V = TypeVar("V")


@frozen
class MemberInfo:
    """A member of a guild as the dashboard checks access with."""

    user_id: int
    name: str
    role_ids: frozenset[int]
    manage_guild: bool


@frozen
class ChannelInfo:
    """A text channel and whether the bot can post there (the check `/setup health` runs)."""

    id: int
    name: str
    check: ChannelCheck


@frozen
class RoleInfo:
    """A role a moderator may pick as the moderator role (not @everyone, not a bot's)."""

    id: int
    name: str


class Directory(Protocol):
    """The Discord facts the dashboard needs (see the module docstring)."""

    async def guild_name(self, guild_id: int) -> str | None:
        """The guild's name, or None when the bot is not in it."""

    async def member(self, guild_id: int, user_id: int) -> MemberInfo | None:
        """The member, or None when the user is not in the guild (or the bot is not)."""

    async def text_channels(self, guild_id: int) -> list[ChannelInfo]:
        """The guild's text channels, each checked for the bot's permissions."""

    async def roles(self, guild_id: int) -> list[RoleInfo]:
        """The roles a moderator may pick as the moderator role."""

    async def names(self, guild_id: int, user_ids: Iterable[int]) -> dict[int, str]:
        """Display names of members (a member who left is missing)."""


class TTLCache(Generic[K, V]):
    """Answers kept for `ttl` seconds (monotonic time), per key; misses call the loader."""

    def __init__(self, ttl: float, now: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.now = now
        self._items: dict[K, tuple[float, V]] = {}

    async def get(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        found = self._items.get(key)
        now = self.now()
        if found is not None and found[0] > now:
            return found[1]
        value = await load()
        if len(self._items) > 50_000:
            self._items = {k: v for k, v in self._items.items() if v[0] > now}
        self._items[key] = (now + self.ttl, value)
        return value


class DiscordDirectory:
    """`Directory` over Discord's REST API with the bot token (a logged-in `discord.Client`)."""

    def __init__(self, client: discord.Client, ttl: float = TTL_SECONDS) -> None:
        self.client = client
        self._guilds: TTLCache[int, discord.Guild | None] = TTLCache(ttl)
        self._members: TTLCache[tuple[int, int], discord.Member | None] = TTLCache(ttl)
        self._channels: TTLCache[int, list[ChannelInfo]] = TTLCache(ttl)
        # Names change rarely and only label a board: kept longer.
        self._names: TTLCache[tuple[int, int], str | None] = TTLCache(ttl * 20)

    async def _guild(self, guild_id: int) -> discord.Guild | None:
        async def load() -> discord.Guild | None:
            try:
                return await self.client.fetch_guild(guild_id)
            except (discord.NotFound, discord.Forbidden):
                return None

        return await self._guilds.get(guild_id, load)

    async def _member(self, guild_id: int, user_id: int) -> discord.Member | None:
        guild = await self._guild(guild_id)
        if guild is None:
            return None

        async def load() -> discord.Member | None:
            try:
                return await guild.fetch_member(user_id)
            except (discord.NotFound, discord.Forbidden):
                return None

        return await self._members.get((guild_id, user_id), load)

    async def guild_name(self, guild_id: int) -> str | None:
        guild = await self._guild(guild_id)
        return guild.name if guild is not None else None

    async def member(self, guild_id: int, user_id: int) -> MemberInfo | None:
        member = await self._member(guild_id, user_id)
        if member is None:
            return None
        return MemberInfo(
            user_id=member.id,
            name=member.display_name,
            role_ids=frozenset(role.id for role in member.roles),
            manage_guild=member.guild_permissions.manage_guild,
        )

    async def text_channels(self, guild_id: int) -> list[ChannelInfo]:
        guild = await self._guild(guild_id)
        bot_user = self.client.user
        if guild is None or bot_user is None:
            return []
        me = await self._member(guild_id, bot_user.id)

        async def load() -> list[ChannelInfo]:
            found: list[ChannelInfo] = []
            for channel in await guild.fetch_channels():
                if not isinstance(channel, discord.TextChannel) or me is None:
                    continue
                perms = channel.permissions_for(me)
                check = channel_check(
                    "channel",
                    channel.id,
                    name=channel.name,
                    is_text=True,
                    granted={name: bool(getattr(perms, name)) for name in CHANNEL_REQUIREMENTS},
                    bot_role=bot_role_name(me),
                )
                found.append(ChannelInfo(channel.id, channel.name, check))
            return sorted(found, key=lambda c: (c.name, c.id))

        return await self._channels.get(guild_id, load)

    async def roles(self, guild_id: int) -> list[RoleInfo]:
        guild = await self._guild(guild_id)
        if guild is None:
            return []
        return [
            RoleInfo(role.id, role.name)
            for role in sorted(guild.roles, key=lambda r: -r.position)
            if not role.is_default() and not role.managed
        ]

    async def names(self, guild_id: int, user_ids: Iterable[int]) -> dict[int, str]:
        found: dict[int, str] = {}
        for user_id in user_ids:

            async def load(user_id: int = user_id) -> str | None:
                member = await self._member(guild_id, user_id)
                return member.display_name if member is not None else None

            name = await self._names.get((guild_id, user_id), load)
            if name is not None:
                found[user_id] = name
        return found
