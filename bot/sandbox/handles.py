"""The world as a test sees and arranges it: the default guild's members, roles and channels,
threads and DMs, synced commands, recorded requests and injected faults; and what members do
besides interactions (post, leave).

Members are created on first use: in GUILD_CREATE before the bot starts, with
GUILD_MEMBER_ADD after.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Unpack

import discord

from bot.sandbox.faults import FaultOptions, _glob_to_regex
from bot.sandbox.lifecycle import SandboxCore
from bot.sandbox.models import (
    GUILD_TEXT,
    JSON,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    RecordedRequest,
)
from bot.sandbox.views import ChannelHandle, MessageView


class SandboxWorld(SandboxCore):
    """Handles on the fake's world for tests: members, roles, channels, DMs, requests."""

    @property
    def guild(self) -> FakeGuild:
        return self._guild

    def add_guild(self, name: str, channels: Iterable[str] = ("general",)) -> FakeGuild:
        """Another guild; add it before :meth:`start` (GUILD_CREATE is sent at IDENTIFY).
        The k-th guild (the sandbox's own is the 0th) is on shard ``k % n`` of ``n <= 16``."""
        return self.fake.add_guild(name, channels)

    # ------------------------------------------------------------ shards and the fake's clock
    def shard_of(self, guild: FakeGuild | int, shard_count: int | None = None) -> int:
        """The shard ``guild``'s events go to with ``shard_count`` shards (default: the live
        clients' count, else ``fake.recommended_shards``)."""
        return self.fake.shard_of(guild if isinstance(guild, int) else guild.id, shard_count)

    def guilds_on_shard(self, shard_id: int, shard_count: int | None = None) -> list[FakeGuild]:
        """The guilds on shard ``shard_id`` (count as in :meth:`shard_of`), in creation order."""
        return [g for g in self.fake.guilds.values() if self.shard_of(g, shard_count) == shard_id]

    @property
    def live_shards(self) -> list[tuple[int, int]]:
        """(shard_id, shard_count) of every live gateway session (one per connected shard of
        every client), oldest first; ``fake.live_sessions`` has the sessions themselves."""
        return [(s.shard_id, s.shard_count) for s in self.fake.live_sessions]

    def advance_time(self, seconds: float) -> None:
        """Move the fake Discord's clock on (nonce expiry); the bot's clock is not touched."""
        self.fake.advance_time(seconds)

    def let_nonces_expire(self) -> None:
        """Move the fake's clock past its nonce window: a repeated ``enforce_nonce`` create
        posts a new message, as on Discord a few minutes later."""
        self.fake.advance_time(self.fake.nonce_window_seconds)

    def member(
        self,
        name: str,
        *,
        moderator: bool = False,
        tz: str | None = None,
        dms_open: bool = True,
        guild: FakeGuild | None = None,
        **meta: Any,
    ) -> FakeMember:
        """The member called ``name`` (created on first use: in GUILD_CREATE before start,
        GUILD_MEMBER_ADD after). ``moderator`` gives the Moderator role (Manage Server)."""
        guild = guild or self._guild
        for m in guild.members.values():
            if m.name == name:
                return m
        if tz is not None:
            meta["tz"] = tz
        return self.fake.add_member(
            guild, name, moderator=moderator, dms_open=dms_open, dispatch=self._started, **meta
        )

    def add_role(self, name: str, *, position: int | None = None, **perms: bool) -> FakeRole:
        """A new role in the default guild (``manage_guild=True`` etc.), above every other
        unless ``position`` says (1: just above @everyone, below the bot's role, as Discord
        creates roles); GUILD_ROLE_CREATE is dispatched once started."""
        value = discord.Permissions(**perms).value
        return self.fake.add_role(self._guild, name, value, position=position)

    def set_bot_role(self, *, position: int | None = None, **perms: bool) -> FakeRole:
        """Change the bot's own role: grant or take permissions (``manage_roles=False``) and
        move it (``position=0`` puts it below every role it could give). GUILD_ROLE_UPDATE
        once started, so the bot's cache follows."""
        role = self._guild.roles[self._guild.bot_role_id or 0]
        allow = deny = 0
        for name, value in perms.items():
            flag = getattr(discord.Permissions, name).flag
            allow, deny = (allow | flag, deny) if value else (allow, deny | flag)
        permissions = (role.permissions | allow) & ~deny
        self.fake.update_role(self._guild, role, permissions=permissions, position=position)
        return role

    def role(self, name: str) -> FakeRole:
        for r in self._guild.roles.values():
            if r.name == name:
                return r
        raise LookupError(f"no role named {name!r}")

    def give_role(self, member: FakeMember, role: FakeRole | str) -> None:
        """Give ``member`` a role (GUILD_MEMBER_UPDATE once started)."""
        self.fake.give_role(member, self.role(role) if isinstance(role, str) else role)

    def take_role(self, member: FakeMember, role: FakeRole | str) -> None:
        """Take a role from ``member`` (GUILD_MEMBER_UPDATE once started): e.g. demote a
        moderator; their next interaction carries the permissions without it."""
        self.fake.take_role(member, self.role(role) if isinstance(role, str) else role)

    @property
    def members(self) -> list[FakeMember]:
        bot_ids = {self.fake.bot_user.id, self.fake.owner_user.id}
        return [m for m in self._guild.members.values() if m.id not in bot_ids]

    def _channel(self, ref: str | int | ChannelHandle | FakeChannel) -> FakeChannel:
        if isinstance(ref, ChannelHandle):
            return ref.raw
        if isinstance(ref, FakeChannel):
            return ref
        if isinstance(ref, int):
            return self.fake.channels[ref]
        name = ref.lstrip("#")
        for guild in [self._guild, *self.fake.guilds.values()]:
            ch = guild.channel_named(name)
            if ch is not None:
                return ch
        raise LookupError(f"no channel named {name!r}")

    def channel(self, name: str | int | ChannelHandle) -> ChannelHandle:
        return ChannelHandle(self, self._channel(name))

    def add_channel(self, name: str) -> ChannelHandle:
        return ChannelHandle(self, self.fake.add_channel(self._guild, name, type=GUILD_TEXT))

    def thread(self, name: str) -> ChannelHandle:
        """The most recent thread called ``name``."""
        for ch in reversed(list(self.fake.channels.values())):
            if ch.is_thread and ch.name == name:
                return ChannelHandle(self, ch)
        raise LookupError(f"no thread named {name!r}")

    def dms(self, member: FakeMember) -> list[MessageView]:
        """Messages the bot sent to ``member`` by DM, oldest first."""
        for ch in self.fake.channels.values():
            if ch.recipient is not None and ch.recipient.id == member.id:
                return ChannelHandle(self, ch).messages
        return []

    @property
    def requests(self) -> list[RecordedRequest]:
        return self.fake.requests

    def requests_to(self, pattern: str) -> list[RecordedRequest]:
        """Recorded requests matching a ``fail_next`` pattern (``POST /channels/*/messages``)."""
        regex = _glob_to_regex(pattern)
        return [r for r in self.fake.requests if regex.match(r.route)]

    @property
    def commands(self) -> list[JSON]:
        """Synced command JSON: the guild's, then global."""
        return [*self.fake.guild_commands.get(self._guild.id, []), *self.fake.global_commands]

    def fail_next(self, pattern: str, status: int, **options: Unpack[FaultOptions]) -> None:
        """See :meth:`FakeDiscord.fail_next`."""
        self.fake.fail_next(pattern, status, **options)

    def set_bot_permissions(self, channel: str | ChannelHandle, **perms: bool | None) -> None:
        """A channel overwrite for the bot: ``send_messages=False`` denies, ``True`` allows."""
        self._set_overwrite(channel, self.fake.bot_user.id, perms)

    def set_member_permissions(
        self, member: FakeMember, channel: str | ChannelHandle, **perms: bool | None
    ) -> None:
        self._set_overwrite(channel, member.id, perms)

    def _set_overwrite(
        self, channel: str | ChannelHandle, target: int, perms: Mapping[str, bool | None]
    ) -> None:
        ch = self._channel(channel)
        allow = deny = 0
        existing = next((o for o in ch.overwrites if o.id == target), None)
        if existing is not None:
            allow, deny = existing.allow, existing.deny
        for name, value in perms.items():
            flag = getattr(discord.Permissions, name).flag
            allow &= ~flag
            deny &= ~flag
            if value is True:
                allow |= flag
            elif value is False:
                deny |= flag
        self.fake.set_overwrite(ch, target, 1, allow, deny)

    # ------------------------------------------------------------ members' actions
    async def member_leave(self, member: FakeMember) -> None:
        """``member`` leaves the guild (GUILD_MEMBER_REMOVE); wait until the bot is idle."""
        await self.fake.flush()
        await self.fake.remove_member(member)
        await self.wait_idle()

    async def delete_channel(self, name: str | ChannelHandle) -> None:
        """Someone deletes ``name`` (CHANNEL_DELETE); wait until the bot is idle."""
        await self.fake.flush()
        await self.fake.delete_channel(self._channel(name))
        await self.wait_idle()

    async def post_message(self, member: FakeMember, channel: str | ChannelHandle) -> MessageView:
        """``member`` posts in ``channel``; the bot gets MESSAGE_CREATE without content."""
        await self.fake.flush()
        msg = await self.fake.member_message(member, self._channel(channel))
        await self.wait_idle()
        return MessageView(self, msg)
