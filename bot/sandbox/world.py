"""The world the fake Discord serves: users, guilds, channels, members, messages, commands and
interactions, with the operations that change it and the gateway events they cause.

Events caused from synchronous code (world building before or between awaits) are queued and
sent once a gateway session exists; :meth:`Events.flush` waits for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import discord

from bot.sandbox.api import validate_message
from bot.sandbox.events import Events
from bot.sandbox.models import (
    DEFAULT_BOT_ROLE,
    DEFAULT_EVERYONE,
    DM,
    EPHEMERAL,
    GUILD_TEXT,
    JSON,
    LOADING,
    MODERATOR_ROLE,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeMessage,
    FakeRole,
    FakeUser,
    InteractionRecord,
    Overwrite,
    Snowflakes,
    StoredFile,
    shard_of,
)
from bot.sandbox.nonces import Nonces

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024

_FLAGS = discord.ApplicationFlags
DEFAULT_APPLICATION_FLAGS = (
    _FLAGS.gateway_guild_members_limited.flag
    | _FLAGS.gateway_presence_limited.flag
    | _FLAGS.gateway_message_content_limited.flag
)

P = discord.Permissions


class World:
    """All state of the fake, and the changes a test or a REST call makes to it."""

    def __init__(self, *, bot_name: str = "StudyBot") -> None:
        self.ids = Snowflakes()
        self.bot_user = FakeUser(self.ids.next(), bot_name, bot=True)
        self.owner_user = FakeUser(self.ids.next(), "server-owner")
        self.application_id = self.bot_user.id
        self.users: dict[int, FakeUser] = {
            self.bot_user.id: self.bot_user,
            self.owner_user.id: self.owner_user,
        }
        self.guilds: dict[int, FakeGuild] = {}
        self.channels: dict[int, FakeChannel] = {}
        self.messages: dict[int, FakeMessage] = {}
        self.files: dict[int, StoredFile] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        #: Interaction token -> interaction (callbacks and webhooks address it by token).
        self.tokens: dict[str, InteractionRecord] = {}
        self.global_commands: list[JSON] = []
        self.guild_commands: dict[int, list[JSON]] = {}
        self._command_ids: dict[tuple[int | None, str, int], int] = {}
        #: enforce_nonce de-duplication of creates, within Discord's window, on the fake's
        #: clock (:meth:`now`, :meth:`advance_time`).
        self.nonces = Nonces()
        #: The ``shards`` `GET /gateway/bot` recommends (an `AutoShardedClient` without a
        #: shard count starts that many).
        self.recommended_shards = 1
        self.events = Events()
        #: The port the fake listens on (0 until started); payloads carry URLs to it.
        self.port = 0
        #: The bot token Discord accepts; None accepts any. Another token gets 401 over REST
        #: and close code 4004 at IDENTIFY.
        self.token: str | None = None
        #: The application's flags (`GET /oauth2/applications/@me`, READY). By default every
        #: privileged intent is switched on ("limited": a bot in under 100 servers); without
        #: the flag for a privileged intent the client asks for, IDENTIFY is closed with 4014.
        self.application_flags = DEFAULT_APPLICATION_FLAGS

    # ------------------------------------------------------------------ addresses
    @property
    def base_url(self) -> str:
        """Where attachment URLs in payloads point."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # ------------------------------------------------------------------ clock and shards
    def now(self) -> float:
        """The fake's clock (monotonic seconds plus what :meth:`advance_time` added): when
        nonces were stored and when they expire."""
        return self.nonces.now()

    def advance_time(self, seconds: float) -> None:
        """Move the fake's clock on, e.g. past :attr:`nonce_window_seconds` (no waiting)."""
        self.nonces.advance(seconds)

    @property
    def nonce_window_seconds(self) -> float:
        """How long an ``enforce_nonce`` create is de-duplicated (default 300, as Discord's
        "few minutes"); after it, the same nonce creates a new message."""
        return self.nonces.window_seconds

    @nonce_window_seconds.setter
    def nonce_window_seconds(self, seconds: float) -> None:
        self.nonces.window_seconds = seconds

    def guilds_on_shard(self, shard_id: int, shard_count: int) -> list[FakeGuild]:
        """The guilds whose events go to shard ``shard_id`` of ``shard_count``."""
        return [g for g in self.guilds.values() if shard_of(g.id, shard_count) == shard_id]

    # ------------------------------------------------------------------ world building
    def add_user(self, name: str, *, bot: bool = False, dms_open: bool = True) -> FakeUser:
        user = FakeUser(self.ids.next(), name, bot=bot, dms_open=dms_open)
        self.users[user.id] = user
        return user

    def add_guild(
        self,
        name: str,
        channels: Iterable[str] = ("general",),
        *,
        everyone_permissions: int = DEFAULT_EVERYONE,
        bot_permissions: int = DEFAULT_BOT_ROLE,
    ) -> FakeGuild:
        """A guild with @everyone, a Moderator role (Manage Server), the bot's role and member,
        the owner, and text channels (the first is the system channel)."""
        gid = self.ids.next_guild()
        guild = FakeGuild(id=gid, name=name, owner_id=self.owner_user.id)
        guild.roles[gid] = FakeRole(gid, "@everyone", everyone_permissions, 0)
        mod = FakeRole(self.ids.next(), "Moderator", MODERATOR_ROLE, 1)
        bot_role = FakeRole(self.ids.next(), self.bot_user.username, bot_permissions, 2, True)
        guild.roles[mod.id] = mod
        guild.roles[bot_role.id] = bot_role
        guild.moderator_role_id = mod.id
        guild.bot_role_id = bot_role.id
        self.guilds[gid] = guild
        guild.members[self.owner_user.id] = FakeMember(self.owner_user, gid)
        guild.members[self.bot_user.id] = FakeMember(self.bot_user, gid, roles=[bot_role.id])
        for ch_name in channels:
            ch = self.add_channel(guild, ch_name, dispatch=False)
            if guild.system_channel_id is None:
                guild.system_channel_id = ch.id
        return guild

    def remove_guild(self, guild: FakeGuild) -> None:
        """The bot is no longer in ``guild`` (GUILD_DELETE once a session exists)."""
        self.guilds.pop(guild.id, None)
        for channel_id in guild.channels:
            self.channels.pop(channel_id, None)
        self.events.dispatch_soon("GUILD_DELETE", {"id": str(guild.id)})

    def add_channel(
        self,
        guild: FakeGuild,
        name: str,
        *,
        type: int = GUILD_TEXT,
        parent_id: int | None = None,
        dispatch: bool = True,
    ) -> FakeChannel:
        """A channel in ``guild``; CHANNEL_CREATE (with ``dispatch``) once a session exists."""
        position = sum(1 for c in guild.channels.values() if not c.is_thread)
        ch = FakeChannel(
            self.ids.next(), type, name, guild.id, position=position, parent_id=parent_id
        )
        guild.channels[ch.id] = ch
        self.channels[ch.id] = ch
        if dispatch:
            self.events.dispatch_soon("CHANNEL_CREATE", ch.payload())
        return ch

    def add_member(
        self,
        guild: FakeGuild,
        name: str,
        *,
        moderator: bool = False,
        dms_open: bool = True,
        dispatch: bool = True,
        **meta: Any,
    ) -> FakeMember:
        """A new user and their membership; ``meta`` is for tests only, never sent."""
        user = self.add_user(name, dms_open=dms_open)
        roles = [guild.moderator_role_id] if moderator and guild.moderator_role_id else []
        member = FakeMember(user, guild.id, roles=[r for r in roles if r is not None], meta=meta)
        guild.members[user.id] = member
        if dispatch:
            self.events.dispatch_soon("GUILD_MEMBER_ADD", member.event())
        return member

    def add_role(
        self, guild: FakeGuild, name: str, permissions: int = 0, *, position: int | None = None
    ) -> FakeRole:
        """A role (by default above every other; `position` puts it elsewhere, e.g. 1: just
        above @everyone, where Discord creates new roles)."""
        place = len(guild.roles) if position is None else position
        role = FakeRole(self.ids.next(), name, permissions, position=place)
        guild.roles[role.id] = role
        self.events.dispatch_soon(
            "GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.payload()}
        )
        return role

    def update_role(
        self,
        guild: FakeGuild,
        role: FakeRole,
        *,
        permissions: int | None = None,
        position: int | None = None,
    ) -> None:
        """Change a role's permissions or position (GUILD_ROLE_UPDATE once a session exists)."""
        if permissions is not None:
            role.permissions = permissions
        if position is not None:
            role.position = position
        self.events.dispatch_soon(
            "GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": role.payload()}
        )

    def give_role(self, member: FakeMember, role: FakeRole) -> None:
        if role.id not in member.roles:
            member.roles.append(role.id)
        self.events.dispatch_soon("GUILD_MEMBER_UPDATE", member.event())

    def take_role(self, member: FakeMember, role: FakeRole) -> None:
        if role.id in member.roles:
            member.roles.remove(role.id)
        self.events.dispatch_soon("GUILD_MEMBER_UPDATE", member.event())

    def set_overwrite(
        self, channel: FakeChannel, target_id: int, type: int, allow: int = 0, deny: int = 0
    ) -> None:
        for ow in channel.overwrites:
            if ow.id == target_id:
                ow.allow, ow.deny = allow, deny
                break
        else:
            channel.overwrites.append(Overwrite(target_id, type, allow, deny))
        if channel.guild_id is not None:
            self.events.dispatch_soon("CHANNEL_UPDATE", channel.payload())

    def store_commands(self, guild_id: int | None, commands: list[JSON]) -> list[JSON]:
        """Commands as Discord stores them on a sync: ids kept per (guild, name, type)."""
        stored = []
        for cmd in commands:
            ctype = int(cmd.get("type", 1))
            key = (guild_id, cmd["name"], ctype)
            cid = self._command_ids.setdefault(key, self.ids.next())
            item = {
                "id": str(cid),
                "application_id": str(self.application_id),
                "version": str(self.ids.next()),
                "type": ctype,
                "description": "",
                "options": [],
                "default_member_permissions": None,
                "dm_permission": True,
                "nsfw": False,
                **cmd,
            }
            if item.get("default_member_permissions") is not None:
                # Discord answers with a string bitfield
                item["default_member_permissions"] = str(item["default_member_permissions"])
            if guild_id is not None:
                item["guild_id"] = str(guild_id)
            stored.append(item)
        return stored

    # ------------------------------------------------------------------ queries
    def guild_of(self, channel: FakeChannel) -> FakeGuild | None:
        return self.guilds.get(channel.guild_id) if channel.guild_id is not None else None

    def bot_member(self, guild: FakeGuild) -> FakeMember:
        return guild.members[self.bot_user.id]

    def top_position(self, guild: FakeGuild, member: FakeMember) -> int:
        """The position of the member's highest role (0: only @everyone)."""
        positions = [guild.roles[rid].position for rid in member.roles if rid in guild.roles]
        return max(positions, default=0)

    def bot_permissions(self, channel: FakeChannel) -> int:
        """The bot's permissions in ``channel`` (all of them in a DM)."""
        guild = self.guild_of(channel)
        if guild is None:
            return P.all().value if channel.type == DM else 0
        return guild.permissions_in(self.bot_member(guild), channel)

    def dm_channel(self, user: FakeUser) -> FakeChannel:
        """The DM channel with ``user``, created on first use."""
        for ch in self.channels.values():
            if ch.type == DM and ch.recipient is not None and ch.recipient.id == user.id:
                return ch
        ch = FakeChannel(self.ids.next(), DM, user.username, recipient=user)
        self.channels[ch.id] = ch
        return ch

    # ------------------------------------------------------------------ messages
    def _apply(
        self, msg: FakeMessage, data: JSON, files: list[StoredFile], *, creating: bool
    ) -> None:
        """Apply a message create/edit payload to ``msg`` (keeping the old state in history)."""
        if not creating:
            msg.history.append(msg.payload(self.base_url))
            msg.edited = True
        if "content" in data:
            msg.content = data["content"] or ""
        if "embeds" in data:
            msg.embeds = list(data["embeds"] or [])
        if "components" in data:
            msg.components = list(data["components"] or [])
        if "allowed_mentions" in data:
            msg.allowed_mentions = data["allowed_mentions"]
        if "tts" in data:
            msg.tts = bool(data["tts"])
        if data.get("message_reference"):
            msg.message_reference = data["message_reference"]
        if data.get("flags") is not None:
            keep = msg.flags & EPHEMERAL
            msg.flags = (int(data["flags"]) & ~LOADING) | keep
        if "attachments" in data and data["attachments"] is not None:
            by_index = dict(enumerate(files))
            kept: list[StoredFile] = []
            old = {str(a.id): a for a in msg.attachments}
            for item in data["attachments"]:
                aid = item.get("id")
                if str(aid) in old:
                    kept.append(old[str(aid)])
                elif isinstance(aid, int) or (isinstance(aid, str) and aid.isdigit()):
                    f = by_index.pop(int(aid), None)
                    if f is not None:
                        f.description = item.get("description")
                        kept.append(f)
            kept.extend(by_index.values())
            msg.attachments = kept
        elif files:
            msg.attachments = [*msg.attachments, *files] if not creating else list(files)
        for f in msg.attachments:
            self.files[f.id] = f

    async def create_message(
        self,
        ch: FakeChannel,
        author: FakeUser,
        data: JSON,
        files: list[StoredFile] | None = None,
        *,
        interaction: InteractionRecord | None = None,
        flags: int = 0,
    ) -> FakeMessage:
        """Store a message (an interaction's, with ``interaction``); MESSAGE_CREATE unless it
        is ephemeral."""
        msg = FakeMessage(
            id=self.ids.next(),
            channel_id=ch.id,
            author=author,
            guild_id=ch.guild_id,
            interaction_id=interaction.id if interaction else None,
            webhook_id=self.application_id if interaction else None,
            flags=flags,
        )
        self._apply(msg, data, files or [], creating=True)
        msg.flags |= flags
        self.messages[msg.id] = msg
        ch.messages.append(msg)
        if not msg.ephemeral:
            await self.events.dispatch("MESSAGE_CREATE", self._event_payload(msg))
        self.events.notify()
        return msg

    def _event_payload(self, msg: FakeMessage) -> JSON:
        payload = msg.payload(self.base_url)
        guild = self.guilds.get(msg.guild_id) if msg.guild_id else None
        if guild is not None and msg.author.id in guild.members:
            payload["member"] = guild.members[msg.author.id].payload(with_user=False)
        return payload

    async def edit_message(self, msg: FakeMessage, data: JSON, files: list[StoredFile]) -> None:
        """Validate and apply an edit; MESSAGE_UPDATE unless the message is ephemeral."""
        validate_message(data, files, creating=False)
        self._apply(msg, data, files, creating=False)
        if not msg.ephemeral:
            await self.events.dispatch("MESSAGE_UPDATE", self._event_payload(msg))
        self.events.notify()

    async def delete_message(self, msg: FakeMessage) -> None:
        """Mark ``msg`` deleted (it stays stored); MESSAGE_DELETE unless it is ephemeral."""
        msg.deleted = True
        if not msg.ephemeral:
            data: JSON = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
            if msg.guild_id:
                data["guild_id"] = str(msg.guild_id)
            await self.events.dispatch("MESSAGE_DELETE", data)
        self.events.notify()

    # ------------------------------------------------------------------ member-side actions
    async def member_message(self, member: FakeMember, channel: FakeChannel) -> FakeMessage:
        """A member posts in a channel; the bot sees MESSAGE_CREATE without content."""
        msg = FakeMessage(
            id=self.ids.next(),
            channel_id=channel.id,
            author=member.user,
            guild_id=channel.guild_id,
            content="",
        )
        self.messages[msg.id] = msg
        channel.messages.append(msg)
        await self.events.dispatch("MESSAGE_CREATE", self._event_payload(msg))
        return msg

    async def remove_member(self, member: FakeMember) -> None:
        guild = self.guilds[member.guild_id]
        guild.members.pop(member.id, None)
        await self.events.dispatch(
            "GUILD_MEMBER_REMOVE", {"guild_id": str(guild.id), "user": member.user.payload()}
        )

    async def delete_channel(self, channel: FakeChannel) -> None:
        channel.deleted = True
        await self.events.dispatch("CHANNEL_DELETE", channel.payload())

    # ------------------------------------------------------------------ interactions
    def new_interaction(
        self,
        type: int,
        user: FakeUser,
        channel: FakeChannel,
        data: JSON,
        *,
        message: FakeMessage | None = None,
    ) -> tuple[InteractionRecord, JSON]:
        """Create an interaction record and the INTERACTION_CREATE payload for it."""
        iid = self.ids.next()
        token = f"sandbox-token-{iid}"
        guild = self.guild_of(channel)
        rec = InteractionRecord(
            id=iid,
            token=token,
            type=type,
            user=user,
            channel_id=channel.id,
            guild_id=guild.id if guild else None,
            data=data,
            message_id=message.id if message else None,
        )
        self.interactions[iid] = rec
        self.tokens[token] = rec
        channel_payload = channel.payload()
        payload: JSON = {
            "id": str(iid),
            "application_id": str(self.application_id),
            "type": type,
            "data": data,
            "channel_id": str(channel.id),
            "token": token,
            "version": 1,
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
            "app_permissions": str(self.bot_permissions(channel)),
        }
        if guild is not None:
            member = guild.members[user.id]
            perms = guild.permissions_in(member, channel)
            channel_payload["permissions"] = str(perms)
            payload.update(
                guild_id=str(guild.id),
                guild_locale="en-US",
                guild={"id": str(guild.id), "locale": "en-US", "features": []},
                member={**member.payload(), "permissions": str(perms)},
                context=0,
                authorizing_integration_owners={"0": str(guild.id)},
            )
        else:
            payload.update(
                user=user.payload(),
                context=1,
                authorizing_integration_owners={"1": str(user.id)},
            )
        payload["channel"] = channel_payload
        if message is not None:
            payload["message"] = message.payload(self.base_url)
        return rec, payload
