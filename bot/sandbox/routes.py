"""REST routes over the world: the application and its commands, channels and their messages,
reactions, threads and DMs, guilds with their members and roles.

Interaction callbacks and webhooks are in :mod:`bot.sandbox.interactions`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import discord

from bot.sandbox.api import ApiError, missing_permissions, unknown_message, validate_message
from bot.sandbox.models import (
    DM,
    EPHEMERAL,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeMessage,
    FakeUser,
)
from bot.sandbox.oauth import OAuth
from bot.sandbox.rest import Request, Routes
from bot.sandbox.world import World

P = discord.Permissions


class AppRoutes(Routes):
    """The bot user, the application, the gateway URL and application commands; the user's
    own endpoints for an OAuth2 app (`oauth`)."""

    def __init__(self, world: World, oauth: OAuth) -> None:
        super().__init__(world)
        self.oauth = oauth

    async def get_me(self, req: Request) -> Any:
        if req.auth.startswith("Bearer "):  # a user's OAuth2 token (bot.sandbox.oauth)
            return self.oauth_user(req).payload()
        self.require_bot(req)
        return {**self.world.bot_user.payload(), "verified": True, "mfa_enabled": False}

    def oauth_user(self, req: Request) -> FakeUser:
        """The user whose bearer token the request carries; 401 for an unknown token."""
        user = self.oauth.bearer_user(req.auth)
        if user is None:
            raise ApiError(401, 0, "401: Unauthorized")
        return user

    def require_bot(self, req: Request) -> None:
        """These routes are also OAuth2 routes: without a bearer token, the bot token."""
        token = self.world.token
        if token is not None and req.auth != f"Bot {token}":
            raise ApiError(401, 0, "401: Unauthorized")

    async def get_user(self, req: Request) -> Any:
        try:
            return self.world.users[int(req.params["user_id"])].payload()
        except (KeyError, ValueError):
            raise ApiError(404, 10013, "Unknown User") from None

    async def get_app(self, req: Request) -> Any:
        world = self.world
        return {
            "id": str(world.application_id),
            "name": world.bot_user.username,
            "description": "A study bot (sandbox)",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": world.owner_user.payload(),
            "verify_key": "0" * 64,
            "team": None,
            "flags": world.application_flags,
            "summary": "",
            "rpc_origins": [],
            "tags": [],
            "bot": world.bot_user.payload(),
            "approximate_guild_count": len(world.guilds),
            "integration_types_config": {"0": {}},
        }

    async def my_guilds(self, req: Request) -> Any:
        """`GET /users/@me/guilds`: the servers the bot is in, as partial guilds (or, with a
        user's OAuth2 token, that user's servers)."""
        if req.auth.startswith("Bearer "):
            return self.oauth.my_guilds(self.oauth_user(req))
        self.require_bot(req)
        bot_id = self.world.bot_user.id
        return [
            {
                "id": str(guild.id),
                "name": guild.name,
                "icon": None,
                "banner": None,
                "owner": guild.owner_id == bot_id,
                "permissions": str(guild.base_permissions(guild.members[bot_id])),
                "features": [],
            }
            for guild in self.world.guilds.values()
            if bot_id in guild.members
        ]

    async def get_gateway(self, req: Request) -> Any:
        return {
            "url": self.world.gateway_url,
            "shards": self.world.recommended_shards,
            "session_start_limit": {
                "total": 1000,
                "remaining": 1000,
                "reset_after": 0,
                "max_concurrency": 1,
            },
        }

    async def get_global_commands(self, req: Request) -> Any:
        return self.world.global_commands

    async def put_global_commands(self, req: Request) -> Any:
        self.world.global_commands = self.world.store_commands(None, list(req.json or []))
        self.world.events.notify()
        return self.world.global_commands

    async def get_guild_commands(self, req: Request) -> Any:
        return self.world.guild_commands.get(self.guild(req.params["guild_id"]).id, [])

    async def put_guild_commands(self, req: Request) -> Any:
        guild = self.guild(req.params["guild_id"])
        commands = self.world.store_commands(guild.id, list(req.json or []))
        self.world.guild_commands[guild.id] = commands
        self.world.events.notify()
        return self.world.guild_commands[guild.id]


class ChannelRoutes(Routes):
    """Channels, their messages and reactions, threads, and DM channels."""

    def addressed(self, req: Request) -> tuple[FakeChannel, FakeMessage]:
        """The channel and message a ``/channels/{id}/messages/{id}/...`` path names."""
        ch = self.channel(req.params["channel_id"])
        return ch, self.message(ch, req.params["message_id"])

    async def get_channel(self, req: Request) -> Any:
        return self.channel(req.params["channel_id"]).payload()

    async def delete_channel(self, req: Request) -> Any:
        ch = self.channel(req.params["channel_id"])
        self.require(ch, P.manage_channels.flag)
        ch.deleted = True
        await self.world.events.dispatch("CHANNEL_DELETE", ch.payload())
        return ch.payload()

    async def patch_channel(self, req: Request) -> Any:
        ch = self.channel(req.params["channel_id"])
        if ch.type != DM:
            needed = P.manage_threads if ch.is_thread else P.manage_channels
            if not (ch.is_thread and ch.owner_id == self.world.bot_user.id):
                self.require(ch, needed.flag)
        data = req.json or {}
        if "name" in data:
            ch.name = str(data["name"])
        if "topic" in data:
            ch.topic = data["topic"]
        event = "THREAD_UPDATE" if ch.is_thread else "CHANNEL_UPDATE"
        await self.world.events.dispatch(event, ch.payload())
        return ch.payload()

    async def typing(self, req: Request) -> Any:
        self.channel(req.params["channel_id"])
        return None

    async def history(self, req: Request) -> Any:
        ch = self.channel(req.params["channel_id"])
        self.require(ch, P.view_channel.flag, P.read_message_history.flag)
        msgs = [m for m in ch.messages if not m.deleted and not m.ephemeral]
        limit = int(req.query.get("limit", 50))
        if "before" in req.query:
            msgs = [m for m in msgs if m.id < int(req.query["before"])]
        if "after" in req.query:
            msgs = [m for m in msgs if m.id > int(req.query["after"])][:limit]
        msgs = sorted(msgs, key=lambda m: m.id, reverse=True)[:limit]
        return [m.payload(self.world.base_url) for m in msgs]

    async def post_message(self, req: Request) -> Any:
        world = self.world
        ch = self.channel(req.params["channel_id"])
        self.check_can_send(ch, req.files)
        data = dict(req.json or {})
        validate_message(data, req.files, creating=True)
        flags = int(data.get("flags") or 0) & ~EPHEMERAL
        # Discord: with enforce_nonce, a second create with the same nonce by the same author
        # within a few minutes (world.nonce_window_seconds) returns the first message instead
        # of posting again; later, it posts again.
        nonce = data.get("nonce")
        enforced = nonce is not None and bool(data.get("enforce_nonce"))
        if enforced:
            existing = world.nonces.recall(ch.id, str(nonce))
            if existing is not None and not existing.deleted:
                return existing.payload(world.base_url)
        msg = await world.create_message(ch, world.bot_user, data, req.files, flags=flags)
        if enforced:
            world.nonces.remember(ch.id, str(nonce), msg)
        return msg.payload(world.base_url)

    async def get_message(self, req: Request) -> Any:
        _, msg = self.addressed(req)
        if msg.ephemeral:
            raise unknown_message()
        return msg.payload(self.world.base_url)

    async def get_pins(self, req: Request) -> Any:
        self.channel(req.params["channel_id"])
        return {"items": [], "has_more": False}

    async def patch_message(self, req: Request) -> Any:
        _, msg = self.addressed(req)
        if msg.author.id != self.world.bot_user.id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        await self.world.edit_message(msg, dict(req.json or {}), req.files)
        return msg.payload(self.world.base_url)

    async def delete_message(self, req: Request) -> Any:
        ch, msg = self.addressed(req)
        if msg.author.id != self.world.bot_user.id:
            self.require(ch, P.manage_messages.flag)
        await self.world.delete_message(msg)
        return None

    async def bulk_delete(self, req: Request) -> Any:
        ch = self.channel(req.params["channel_id"])
        self.require(ch, P.manage_messages.flag)
        for mid in (req.json or {}).get("messages", []):
            msg = self.world.messages.get(int(mid))
            if msg is not None and msg.channel_id == ch.id:
                await self.world.delete_message(msg)
        return None

    async def add_reaction(self, req: Request) -> Any:
        ch, msg = self.addressed(req)
        self.require(ch, P.add_reactions.flag, P.read_message_history.flag)
        msg.reactions.setdefault(unquote(req.params["emoji"]), set()).add(self.world.bot_user.id)
        self.world.events.notify()
        return None

    async def remove_reaction(self, req: Request) -> Any:
        _, msg = self.addressed(req)
        uid = req.params.get("user_id")
        user_id = self.world.bot_user.id if uid in (None, "@me") else int(str(uid))
        msg.reactions.get(unquote(req.params["emoji"]), set()).discard(user_id)
        self.world.events.notify()
        return None

    async def get_reactions(self, req: Request) -> Any:
        _, msg = self.addressed(req)
        ids = msg.reactions.get(unquote(req.params["emoji"]), set())
        return [self.world.users[i].payload() for i in sorted(ids) if i in self.world.users]

    async def clear_reactions(self, req: Request) -> Any:
        ch, msg = self.addressed(req)
        self.require(ch, P.manage_messages.flag)
        msg.reactions.clear()
        return None

    async def open_thread(
        self, parent: FakeChannel, name: str, ttype: int, starter: FakeMessage | None
    ) -> FakeChannel:
        """A thread in a guild text channel; one opened from a message takes the message's id."""
        world = self.world
        guild = world.guild_of(parent)
        if guild is None or parent.is_thread:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        needed = P.create_public_threads if ttype == PUBLIC_THREAD else P.create_private_threads
        self.require(parent, P.view_channel.flag, needed.flag)
        thread = FakeChannel(
            id=starter.id if starter else world.ids.next(),
            type=ttype,
            name=name,
            guild_id=guild.id,
            parent_id=parent.id,
            owner_id=world.bot_user.id,
            starter_message_id=starter.id if starter else None,
        )
        guild.channels[thread.id] = thread
        world.channels[thread.id] = thread
        if starter is not None:
            starter.thread_id = thread.id
        await world.events.dispatch("THREAD_CREATE", {**thread.payload(), "newly_created": True})
        return thread

    async def thread_from_message(self, req: Request) -> Any:
        ch, msg = self.addressed(req)
        if msg.thread_id is not None:
            raise ApiError(400, 160004, "A thread has already been created for this message")
        data = req.json or {}
        thread = await self.open_thread(ch, str(data.get("name", "thread")), PUBLIC_THREAD, msg)
        return thread.payload()

    async def thread_without_message(self, req: Request) -> Any:
        ch = self.channel(req.params["channel_id"])
        data = req.json or {}
        ttype = int(data.get("type", PRIVATE_THREAD))
        thread = await self.open_thread(ch, str(data.get("name", "thread")), ttype, None)
        return thread.payload()

    async def create_dm(self, req: Request) -> Any:
        try:
            user = self.world.users[int((req.json or {})["recipient_id"])]
        except (KeyError, ValueError, TypeError):
            raise ApiError(400, 50035, "Invalid Form Body") from None
        return self.world.dm_channel(user).payload()


class GuildRoutes(Routes):
    """Guilds, their channel and thread lists, roles and members."""

    async def get_guild(self, req: Request) -> Any:
        payload = self.guild(req.params["guild_id"]).payload()
        for key in ("members", "channels", "threads", "presences", "voice_states"):
            payload.pop(key, None)
        return payload

    async def get_channels(self, req: Request) -> Any:
        guild = self.guild(req.params["guild_id"])
        return [c.payload() for c in guild.channels.values() if not c.deleted and not c.is_thread]

    async def active_threads(self, req: Request) -> Any:
        guild = self.guild(req.params["guild_id"])
        threads = [c.payload() for c in guild.channels.values() if not c.deleted and c.is_thread]
        return {"threads": threads, "members": []}

    async def get_roles(self, req: Request) -> Any:
        return [r.payload() for r in self.guild(req.params["guild_id"]).roles.values()]

    async def get_member(self, req: Request) -> Any:
        guild = self.guild(req.params["guild_id"])
        return self.member(guild, req.params["user_id"]).payload()

    async def list_members(self, req: Request) -> Any:
        guild = self.guild(req.params["guild_id"])
        after = int(req.query.get("after", 0))
        limit = int(req.query.get("limit", 1))
        members = sorted((m for m in guild.members.values() if m.id > after), key=lambda m: m.id)
        return [m.payload() for m in members[:limit]]

    def role_change(self, req: Request) -> tuple[FakeGuild, FakeMember, int]:
        """The guild, member and role id a role change names, as Discord judges it: 403 50013
        unless the bot has Manage Roles and the role is below the bot's highest role (the
        owner excepted); 404 10011 for a role that does not exist."""
        guild = self.guild(req.params["guild_id"])
        member = self.member(guild, req.params["user_id"])
        bot = self.world.bot_member(guild)
        if not guild.base_permissions(bot) & P.manage_roles.flag:
            raise missing_permissions()
        rid = int(req.params["role_id"])
        role = guild.roles.get(rid)
        if role is None:
            raise ApiError(404, 10011, "Unknown Role")
        if bot.id != guild.owner_id and role.position >= self.world.top_position(guild, bot):
            raise missing_permissions()
        return guild, member, rid

    async def add_role(self, req: Request) -> Any:
        _, member, rid = self.role_change(req)
        if rid not in member.roles:
            member.roles.append(rid)
        await self.world.events.dispatch("GUILD_MEMBER_UPDATE", member.event())
        return None

    async def remove_role(self, req: Request) -> Any:
        _, member, rid = self.role_change(req)
        if rid in member.roles:
            member.roles.remove(rid)
        await self.world.events.dispatch("GUILD_MEMBER_UPDATE", member.event())
        return None
