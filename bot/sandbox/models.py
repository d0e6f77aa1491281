"""State kept by the fake Discord: guilds, channels, members, messages, interactions, requests.

Everything here is plain data plus the JSON shapes Discord (API v10) would send for it.
The shapes carry every field discord.py 2.7.1 reads with ``data['...']``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import discord

# Ids live in their own module; here for the rest of the sandbox (and tests) to import.
from bot.sandbox.snowflakes import EPOCH as _EPOCH
from bot.sandbox.snowflakes import Snowflakes as Snowflakes
from bot.sandbox.snowflakes import shard_of as shard_of

JSON = dict[str, Any]

# Channel types (Discord API)
GUILD_TEXT = 0
DM = 1
GUILD_VOICE = 2
GUILD_CATEGORY = 4
PUBLIC_THREAD = 11
PRIVATE_THREAD = 12

EPHEMERAL = 1 << 6
LOADING = 1 << 7

ALL_PERMISSIONS = discord.Permissions.all().value
#: What members and the bot alike may do: read, write, react, embed, attach, open threads.
_CHAT: dict[str, bool] = {
    "view_channel": True,
    "send_messages": True,
    "send_messages_in_threads": True,
    "create_public_threads": True,
    "read_message_history": True,
    "add_reactions": True,
    "embed_links": True,
    "attach_files": True,
    "use_external_emojis": True,
}
#: What @everyone may do in the default guild: chat, use commands, change their nickname.
DEFAULT_EVERYONE = discord.Permissions(
    **_CHAT, use_application_commands=True, change_nickname=True
).value
#: The bot's own role: what a sensibly invited bot gets.
DEFAULT_BOT_ROLE = discord.Permissions(
    **_CHAT,
    create_private_threads=True,
    manage_threads=True,
    manage_messages=True,
    mention_everyone=False,
).value
MODERATOR_ROLE = discord.Permissions(manage_guild=True, manage_messages=True).value


def iso(dt: datetime) -> str:
    return dt.isoformat()


@dataclass
class FakeUser:
    id: int
    username: str
    bot: bool = False
    global_name: str | None = None
    dms_open: bool = True

    def payload(self) -> JSON:
        return {
            "id": str(self.id),
            "username": self.username,
            "global_name": self.global_name or self.username,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
            "flags": 0,
        }


@dataclass
class FakeRole:
    id: int
    name: str
    permissions: int
    position: int = 0
    managed: bool = False

    def payload(self) -> JSON:
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "managed": self.managed,
            "mentionable": False,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }


@dataclass
class Overwrite:
    id: int
    type: int  # 0 role, 1 member
    allow: int = 0
    deny: int = 0

    def payload(self) -> JSON:
        return {
            "id": str(self.id),
            "type": self.type,
            "allow": str(self.allow),
            "deny": str(self.deny),
        }


@dataclass
class FakeMember:
    user: FakeUser
    guild_id: int
    roles: list[int] = field(default_factory=list)
    joined_at: datetime = _EPOCH
    nick: str | None = None
    #: Free metadata for tests (e.g. ``tz``); never sent to the bot.
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def name(self) -> str:
        return self.user.username

    @property
    def tz(self) -> str | None:
        """The ``tz`` metadata a test gave this member (not sent to the bot)."""
        value = self.meta.get("tz")
        return str(value) if value is not None else None

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def payload(self, *, with_user: bool = True) -> JSON:
        data: JSON = {
            "roles": [str(r) for r in self.roles],
            "joined_at": iso(self.joined_at),
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "premium_since": None,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        return data

    def event(self) -> JSON:
        """The data of GUILD_MEMBER_ADD / GUILD_MEMBER_UPDATE for this member."""
        return {**self.payload(), "guild_id": str(self.guild_id)}


@dataclass
class FakeChannel:
    id: int
    type: int
    name: str
    guild_id: int | None = None
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    overwrites: list[Overwrite] = field(default_factory=list)
    #: For threads: who opened it, and the message it hangs off (if any).
    owner_id: int | None = None
    starter_message_id: int | None = None
    #: For DM channels: the other person.
    recipient: FakeUser | None = None
    deleted: bool = False
    messages: list[FakeMessage] = field(default_factory=list)

    @property
    def is_thread(self) -> bool:
        return self.type in (PUBLIC_THREAD, PRIVATE_THREAD)

    def payload(self) -> JSON:
        if self.type == DM:
            assert self.recipient is not None
            return {
                "id": str(self.id),
                "type": DM,
                "last_message_id": None,
                "recipients": [self.recipient.payload()],
            }
        data: JSON = {
            "id": str(self.id),
            "type": self.type,
            "name": self.name,
            "guild_id": str(self.guild_id),
            "position": self.position,
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "permission_overwrites": [o.payload() for o in self.overwrites],
            "nsfw": False,
            "rate_limit_per_user": 0,
            "last_message_id": str(self.messages[-1].id) if self.messages else None,
        }
        if self.type == GUILD_TEXT:
            data["topic"] = self.topic
        if self.type == GUILD_VOICE:
            data.update(bitrate=64000, user_limit=0, rtc_region=None)
        if self.is_thread:
            data.update(
                {
                    "owner_id": str(self.owner_id),
                    "message_count": len(self.messages),
                    "member_count": 1,
                    "thread_metadata": {
                        "archived": False,
                        "auto_archive_duration": 1440,
                        "archive_timestamp": iso(_EPOCH),
                        "locked": False,
                        "create_timestamp": iso(_EPOCH),
                    },
                }
            )
        return data


@dataclass
class FakeGuild:
    id: int
    name: str
    owner_id: int
    roles: dict[int, FakeRole] = field(default_factory=dict)
    channels: dict[int, FakeChannel] = field(default_factory=dict)
    members: dict[int, FakeMember] = field(default_factory=dict)
    system_channel_id: int | None = None
    #: Role ids created by the sandbox for convenience.
    moderator_role_id: int | None = None
    bot_role_id: int | None = None
    #: False: GUILD_CREATE carries only the bot's member (like a large guild), so a client
    #: must chunk (op 8) to learn the others.
    members_in_guild_create: bool = True
    afk_channel_id: int | None = None
    #: Who is in voice: user id -> their voice state as GUILD_CREATE carries it (sandbox/voice.py).
    voice_states: dict[int, JSON] = field(default_factory=dict)

    @property
    def everyone(self) -> FakeRole:
        return self.roles[self.id]

    def channel_named(self, name: str) -> FakeChannel | None:
        name = name.lstrip("#")
        for ch in self.channels.values():
            if ch.name == name and not ch.deleted:
                return ch
        return None

    def base_permissions(self, member: FakeMember) -> int:
        if member.id == self.owner_id:
            return ALL_PERMISSIONS
        perms = self.everyone.permissions
        for rid in member.roles:
            role = self.roles.get(rid)
            if role is not None:
                perms |= role.permissions
        if perms & discord.Permissions.administrator.flag:
            return ALL_PERMISSIONS
        return perms

    def permissions_in(self, member: FakeMember, channel: FakeChannel | None) -> int:
        """Discord's permission algorithm: base perms, then @everyone/role/member overwrites."""
        base = self.base_permissions(member)
        if base == ALL_PERMISSIONS or channel is None:
            return base
        target = channel
        if channel.is_thread and channel.parent_id in self.channels:
            target = self.channels[channel.parent_id]
        perms = base
        for ow in target.overwrites:
            if ow.type == 0 and ow.id == self.id:
                perms = (perms & ~ow.deny) | ow.allow
        allow = deny = 0
        for ow in target.overwrites:
            if ow.type == 0 and ow.id != self.id and ow.id in member.roles:
                allow |= ow.allow
                deny |= ow.deny
        perms = (perms & ~deny) | allow
        for ow in target.overwrites:
            if ow.type == 1 and ow.id == member.id:
                perms = (perms & ~ow.deny) | ow.allow
        if not perms & discord.Permissions.view_channel.flag:
            return 0
        return perms

    def payload(self) -> JSON:
        channels = [c for c in self.channels.values() if not c.deleted and not c.is_thread]
        threads = [c for c in self.channels.values() if not c.deleted and c.is_thread]
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": str(self.afk_channel_id) if self.afk_channel_id else None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [r.payload() for r in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "system_channel_id": str(self.system_channel_id) if self.system_channel_id else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "preferred_locale": "en-US",
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "nsfw_level": 0,
            "large": False,
            "unavailable": False,
            "member_count": len(self.members),
            "members": [
                m.payload()
                for m in self.members.values()
                if self.members_in_guild_create or m.user.bot
            ],
            "channels": [c.payload() for c in channels],
            "threads": [c.payload() for c in threads],
            "presences": [],
            "voice_states": list(self.voice_states.values()),
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "joined_at": iso(_EPOCH),
        }


@dataclass
class StoredFile:
    id: int
    filename: str
    data: bytes
    content_type: str = "application/octet-stream"
    description: str | None = None


@dataclass
class FakeMessage:
    """A message as the fake stores it. Edits mutate it in place; ``history`` keeps old states."""

    id: int
    channel_id: int
    author: FakeUser
    content: str = ""
    embeds: list[JSON] = field(default_factory=list)
    components: list[JSON] = field(default_factory=list)
    attachments: list[StoredFile] = field(default_factory=list)
    flags: int = 0
    allowed_mentions: JSON | None = None
    tts: bool = False
    guild_id: int | None = None
    #: Interaction that produced it (original response or followup), if any.
    interaction_id: int | None = None
    webhook_id: int | None = None
    thread_id: int | None = None
    message_reference: JSON | None = None
    reactions: dict[str, set[int]] = field(default_factory=dict)
    deleted: bool = False
    edited: bool = False
    created_at: datetime = _EPOCH
    history: list[JSON] = field(default_factory=list)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING)

    @property
    def files(self) -> list[tuple[str, bytes]]:
        return [(f.filename, f.data) for f in self.attachments]

    def payload(self, base_url: str) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "type": 0 if self.interaction_id is None else 20,
            "content": self.content,
            "author": self.author.payload(),
            "timestamp": iso(self.created_at),
            "edited_timestamp": iso(self.created_at + timedelta(seconds=1))
            if self.edited
            else None,
            "tts": self.tts,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [attachment_payload(f, base_url) for f in self.attachments],
            "embeds": self.embeds,
            "components": self.components,
            "pinned": False,
            "flags": self.flags,
            "reactions": [
                {"count": len(users), "me": False, "emoji": {"id": None, "name": name}}
                for name, users in self.reactions.items()
                if users
            ],
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
            data["application_id"] = str(self.webhook_id)
        if self.message_reference is not None:
            data["message_reference"] = self.message_reference
        return data


def attachment_payload(f: StoredFile, base_url: str) -> JSON:
    url = f"{base_url}/attachments/{f.id}/{f.filename}"
    data: JSON = {
        "id": str(f.id),
        "filename": f.filename,
        "size": len(f.data),
        "url": url,
        "proxy_url": url,
        "content_type": f.content_type,
    }
    if f.description is not None:
        data["description"] = f.description
    return data


@dataclass
class RecordedRequest:
    """One REST call the bot made."""

    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    json: Any
    files: list[tuple[str, bytes]]
    headers: dict[str, str]
    status: int = 0

    @property
    def route(self) -> str:
        return f"{self.method} {self.path}"


@dataclass
class InteractionRecord:
    """An interaction the sandbox dispatched, and everything the bot answered to it."""

    id: int
    token: str
    type: int
    user: FakeUser
    channel_id: int
    guild_id: int | None
    data: JSON
    #: Message a component lives on (component and modal submits from a message).
    message_id: int | None = None
    response_type: int | None = None
    #: The message that is "the original response" (type 4/5: new; 6/7: the component message).
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    modal: JSON | None = None
    choices: list[JSON] | None = None
    #: Set whenever the bot answers (callback, edit of @original, followup).
    events: list[str] = field(default_factory=list)
    #: Gateway sequence of its INTERACTION_CREATE (0 until dispatched).
    seq: int = 0
