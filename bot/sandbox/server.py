"""A loopback fake Discord: enough of REST v10 and the gateway for an unchanged discord.py 2.7.

``FakeDiscord`` is an aiohttp server on 127.0.0.1 (random free port) that keeps the whole
world in memory (guilds, channels, members, messages, interactions) and records every request.
Use it through :class:`bot.sandbox.driver.Sandbox`; the driver builds interactions and waits
for answers. Facts about what discord.py needs are in ``/work/shared/DISCORD_FACTS.md``.

Conventions:
- every JSON response carries ``Content-Type: application/json`` exactly (discord.py parses
  nothing else);
- an unknown route answers 404 (Discord-style JSON) and lands in :attr:`FakeDiscord.unknown_routes`;
- gateway frames are TEXT JSON (no zlib needed);
- faults are injected with :meth:`FakeDiscord.fail_next`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import discord
from aiohttp import BodyPartReader, WSMsgType, web

from bot.sandbox.models import (
    DEFAULT_BOT_ROLE,
    DEFAULT_EVERYONE,
    DM,
    EPHEMERAL,
    GUILD_TEXT,
    JSON,
    LOADING,
    MODERATOR_ROLE,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeMessage,
    FakeRole,
    FakeUser,
    InteractionRecord,
    Overwrite,
    RecordedRequest,
    Snowflakes,
    StoredFile,
)

_log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
HEARTBEAT_INTERVAL_MS = 41250
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024

P = discord.Permissions


class ApiError(Exception):
    """Raised by a handler to answer with a Discord-style JSON error."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message


def unknown_channel() -> ApiError:
    return ApiError(404, 10003, "Unknown Channel")


def missing_permissions() -> ApiError:
    return ApiError(403, 50013, "Missing Permissions")


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A JSON response whose Content-Type is exactly ``application/json`` (no charset)."""
    all_headers = {"Content-Type": "application/json"}
    all_headers.update(headers or {})
    return web.Response(body=json.dumps(body).encode(), status=status, headers=all_headers)


def _glob_to_regex(pattern: str) -> re.Pattern[str]:
    """``POST /channels/*/messages`` -> regex; ``*`` is one path segment, ``**`` anything."""
    method, _, path = pattern.strip().partition(" ")
    if not path:
        method, path = "*", method
    parts = []
    for token in re.split(r"(\*\*|\*)", path):
        if token == "**":
            parts.append(".*")
        elif token == "*":
            parts.append("[^/]+")
        else:
            parts.append(re.escape(token))
    method_re = "[A-Z]+" if method == "*" else re.escape(method.upper())
    return re.compile(f"^{method_re} {''.join(parts)}$")


@dataclass
class FaultRule:
    pattern: str
    regex: re.Pattern[str]
    status: int
    code: int | None
    message: str | None
    retry_after: float
    global_: bool
    times: int

    def response(self) -> web.Response:
        if self.status == 429:
            reset_at = time.time() + self.retry_after
            headers = {
                "Via": "1.1 google",
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": f"{reset_at:.3f}",
                "X-RateLimit-Reset-After": f"{self.retry_after:.3f}",
                "X-RateLimit-Bucket": "sandbox-fault",
                "X-RateLimit-Scope": "global" if self.global_ else "user",
                "Retry-After": str(max(1, round(self.retry_after))),
            }
            if self.global_:
                headers["X-RateLimit-Global"] = "true"
            body = {
                "message": self.message or "You are being rate limited.",
                "retry_after": self.retry_after,
                "global": self.global_,
                "code": self.code or 0,
            }
            return json_response(body, 429, headers)
        default = {
            400: (50035, "Invalid Form Body"),
            401: (0, "401: Unauthorized"),
            403: (50013, "Missing Permissions"),
            404: (10003, "Unknown Channel"),
        }.get(self.status, (0, f"{self.status}: Server Error"))
        code = self.code if self.code is not None else default[0]
        message = self.message or _ERROR_MESSAGES.get(code, default[1])
        return json_response({"message": message, "code": code}, self.status)


_ERROR_MESSAGES = {
    10003: "Unknown Channel",
    10008: "Unknown Message",
    10015: "Unknown Webhook",
    10062: "Unknown interaction",
    50007: "Cannot send messages to this user",
    50013: "Missing Permissions",
    50001: "Missing Access",
    40060: "Interaction has already been acknowledged.",
}


@dataclass
class RateLimitMode:
    """Optional limits (off by default): ``limit`` requests per ``per`` seconds per route and
    major id, and optionally ``global_limit`` per ``global_per`` seconds over all routes but
    interaction callbacks and followups."""

    limit: int
    per: float
    global_limit: int | None = None
    global_per: float = 1.0
    windows: dict[str, tuple[float, int]] = field(default_factory=dict)
    recent: deque[float] = field(default_factory=deque)
    #: 429s sent, by scope.
    route_429s: int = 0
    global_429s: int = 0


@dataclass
class GatewaySession:
    id: str
    seq: int = 0
    events: list[tuple[int, str]] = field(default_factory=list)
    ws: web.WebSocketResponse | None = None
    #: Highest sequence the client has provably processed: reported by a heartbeat, or
    #: implied by an answer to an interaction (discord.py handles frames in order).
    acked: int = 0


@dataclass
class Request:
    """What a REST handler gets: path parameters, query, JSON body and uploaded files."""

    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    files: list[StoredFile]


Handler = Callable[[Request], Awaitable[Any]]


class FakeDiscord:
    """The fake server and the world it serves; :meth:`start` it, :meth:`close` it."""

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
        self._by_token: dict[str, InteractionRecord] = {}
        self.global_commands: list[JSON] = []
        self.guild_commands: dict[int, list[JSON]] = {}
        self._command_ids: dict[tuple[int | None, str, int], int] = {}
        self.requests: list[RecordedRequest] = []
        self.unknown_routes: list[str] = []
        #: (channel id, nonce) -> message, for enforce_nonce de-duplication of creates.
        self.nonces: dict[tuple[int, str], FakeMessage] = {}
        #: Every gateway payload the client sent, as (op, d).
        self.gateway_ops: list[tuple[int, Any]] = []
        #: Every dispatch sent, as (seq, event name, data).
        self.dispatched: list[tuple[int, str, JSON]] = []
        self.sessions: dict[str, GatewaySession] = {}
        self.session: GatewaySession | None = None
        self.identify_count = 0
        self.resume_count = 0
        self.rate_limit_mode: RateLimitMode | None = None
        self.rate_limited_count = 0
        self._faults: list[FaultRule] = []
        self._in_flight = 0
        self._waiters: list[asyncio.Future[None]] = []
        self._runner: web.AppRunner | None = None
        self._sockets: set[web.WebSocketResponse] = set()
        self._session_counter = 0
        self.port = 0
        self._pending: set[asyncio.Task[int]] = set()
        #: Sequence numbers the client reported in its heartbeats (op 1), in order.
        self.heartbeats: list[int] = []
        self._routes: list[tuple[str, re.Pattern[str], str, Handler]] = []
        self._install_routes()

    # ------------------------------------------------------------------ lifecycle
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.base_url}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/gateway/", self._gateway)
        app.router.add_get("/attachments/{file_id}/{filename}", self._attachment)
        app.router.add_route("*", "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1]

    async def close(self) -> None:
        for ws in list(self._sockets):
            with contextlib.suppress(Exception):
                await ws.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        for fut in self._waiters:
            if not fut.done():
                fut.cancel()

    # ------------------------------------------------------------------ waiting
    def _notify(self) -> None:
        waiters, self._waiters = self._waiters, []
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    async def wait_for(self, predicate: Callable[[], bool], within: float, what: str) -> None:
        """Wait (event-driven, bounded) until ``predicate()`` is true after some state change."""
        timeout = within
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
            fut: asyncio.Future[None] = loop.create_future()
            self._waiters.append(fut)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(fut, remaining)

    def changed(self) -> asyncio.Future[None]:
        """A future resolved at the next state change (request handled, event sent, ...)."""
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        return fut

    @property
    def in_flight(self) -> int:
        """REST requests currently being handled."""
        return self._in_flight

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
        gid = self.ids.next()
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

    def add_channel(
        self,
        guild: FakeGuild,
        name: str,
        *,
        type: int = GUILD_TEXT,
        parent_id: int | None = None,
        dispatch: bool = True,
    ) -> FakeChannel:
        position = sum(1 for c in guild.channels.values() if not c.is_thread)
        ch = FakeChannel(
            self.ids.next(), type, name, guild.id, position=position, parent_id=parent_id
        )
        guild.channels[ch.id] = ch
        self.channels[ch.id] = ch
        if dispatch:
            self._dispatch_soon("CHANNEL_CREATE", ch.payload())
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
        user = self.add_user(name, dms_open=dms_open)
        roles = [guild.moderator_role_id] if moderator and guild.moderator_role_id else []
        member = FakeMember(user, guild.id, roles=[r for r in roles if r is not None], meta=meta)
        guild.members[user.id] = member
        if dispatch:
            self._dispatch_soon("GUILD_MEMBER_ADD", {**member.payload(), "guild_id": str(guild.id)})
        return member

    def add_role(self, guild: FakeGuild, name: str, permissions: int = 0) -> FakeRole:
        role = FakeRole(self.ids.next(), name, permissions, position=len(guild.roles))
        guild.roles[role.id] = role
        self._dispatch_soon(
            "GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.payload()}
        )
        return role

    def give_role(self, member: FakeMember, role: FakeRole) -> None:
        if role.id not in member.roles:
            member.roles.append(role.id)
        self._dispatch_soon(
            "GUILD_MEMBER_UPDATE", {**member.payload(), "guild_id": str(member.guild_id)}
        )

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
            self._dispatch_soon("CHANNEL_UPDATE", channel.payload())

    def guild_of(self, channel: FakeChannel) -> FakeGuild | None:
        return self.guilds.get(channel.guild_id) if channel.guild_id is not None else None

    def bot_member(self, guild: FakeGuild) -> FakeMember:
        return guild.members[self.bot_user.id]

    def bot_permissions(self, channel: FakeChannel) -> int:
        guild = self.guild_of(channel)
        if guild is None:
            return P.all().value if channel.type == DM else 0
        return guild.permissions_in(self.bot_member(guild), channel)

    def dm_channel(self, user: FakeUser) -> FakeChannel:
        for ch in self.channels.values():
            if ch.type == DM and ch.recipient is not None and ch.recipient.id == user.id:
                return ch
        ch = FakeChannel(self.ids.next(), DM, user.username, recipient=user)
        self.channels[ch.id] = ch
        return ch

    # ------------------------------------------------------------------ faults
    def fail_next(
        self,
        pattern: str,
        status: int,
        *,
        code: int | None = None,
        message: str | None = None,
        retry_after: float = 0.01,
        global_: bool = False,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests matching ``pattern`` (``"POST /channels/*/messages"``;
        ``*`` = one path segment, ``**`` = anything, method optional) with an error."""
        self._faults.append(
            FaultRule(
                pattern,
                _glob_to_regex(pattern),
                status,
                code,
                message,
                retry_after,
                global_,
                times,
            )
        )

    def enable_rate_limits(
        self,
        limit: int = 5,
        per: float = 5.0,
        *,
        global_limit: int | None = None,
        global_per: float = 1.0,
    ) -> RateLimitMode:
        """Enforce ``limit`` requests per ``per`` seconds per route + major id, and optionally
        ``global_limit`` per ``global_per`` seconds overall (Discord: 50 per second;
        interactions are exempt). Off by default. Every 429 sent is counted in
        :attr:`rate_limited_count` (and by scope on the returned mode)."""
        self.rate_limit_mode = RateLimitMode(limit, per, global_limit, global_per)
        return self.rate_limit_mode

    # ------------------------------------------------------------------ gateway
    async def _send(self, ws: web.WebSocketResponse, payload: JSON) -> None:
        if ws.closed:
            return
        with contextlib.suppress(ConnectionError, RuntimeError):
            await ws.send_str(json.dumps(payload))

    async def dispatch(self, event: str, data: JSON) -> int:
        """Send a dispatch (op 0) on the current session; buffered for RESUME if disconnected."""
        session = self.session
        if session is None:
            return 0
        session.seq += 1
        seq = session.seq
        raw = json.dumps({"op": 0, "s": seq, "t": event, "d": data})
        session.events.append((seq, raw))
        self.dispatched.append((seq, event, data))
        if session.ws is not None and not session.ws.closed:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await session.ws.send_str(raw)
        self._notify()
        return seq

    def _dispatch_soon(self, event: str, data: JSON) -> None:
        """Dispatch from synchronous code (world building) once a session exists."""
        if self.session is None:
            return
        task = asyncio.get_running_loop().create_task(self.dispatch(event, data))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def flush(self) -> None:
        """Wait until events queued by synchronous world building have been sent."""
        while self._pending:
            await asyncio.gather(*list(self._pending))

    async def barrier(self, within: float = 5.0) -> None:
        """Wait until the client has *processed* every dispatch sent so far.

        Sends a server heartbeat request (op 1); the client answers with op 1 carrying its
        last sequence, and it handles frames in order."""
        await self.flush()
        session = self.session
        if session is None or session.ws is None or session.ws.closed:
            return
        target = session.seq
        if session.acked >= target:
            # Already proven (e.g. by the answer to the last interaction). Skipping the op 1
            # matters: discord.py sends its reply through a 110-per-minute gateway limiter.
            return
        seen = len(self.heartbeats)
        await self._send(session.ws, {"op": 1, "d": None, "s": None, "t": None})
        await self.wait_for(
            lambda: any(h >= target for h in self.heartbeats[seen:]) or session.ws is None,
            within,
            f"the client to process gateway event #{target}",
        )

    async def reconnect(self) -> None:
        """Ask the client to reconnect (op 7); it closes and RESUMEs."""
        session = self.session
        if session is not None and session.ws is not None:
            await self._send(session.ws, {"op": 7, "d": None, "s": None, "t": None})

    async def drop_gateway(self) -> None:
        """Close the socket abruptly (code 4000); the client reconnects and RESUMEs."""
        session = self.session
        if session is not None and session.ws is not None:
            ws, session.ws = session.ws, None
            await ws.close(code=4000, message=b"sandbox dropped the connection")

    async def invalid_session(self, resumable: bool = False) -> None:
        """Send op 9; with ``resumable=False`` the client IDENTIFYs afresh."""
        session = self.session
        if session is not None and session.ws is not None:
            if not resumable:
                self.sessions.pop(session.id, None)
            await self._send(session.ws, {"op": 9, "d": resumable, "s": None, "t": None})

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self._sockets.add(ws)
        await self._send(
            ws,
            {"op": 10, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}, "s": None, "t": None},
        )
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                op, d = payload.get("op"), payload.get("d")
                self.gateway_ops.append((op, d))
                if op == 1:
                    self.heartbeats.append(d if isinstance(d, int) else -1)
                    if isinstance(d, int) and self.session is not None:
                        self.session.acked = max(self.session.acked, d)
                    await self._send(ws, {"op": 11, "d": None, "s": None, "t": None})
                elif op == 2:
                    await self._identify(ws)
                elif op == 6:
                    await self._resume(ws, d)
                elif op == 8:
                    await self._members_chunk(d)
                self._notify()
        finally:
            self._sockets.discard(ws)
            for session in self.sessions.values():
                if session.ws is ws:
                    session.ws = None
            self._notify()
        return ws

    async def _identify(self, ws: web.WebSocketResponse) -> None:
        self._session_counter += 1
        self.identify_count += 1
        session = GatewaySession(id=f"sandbox-session-{self._session_counter}", ws=ws)
        self.sessions[session.id] = session
        self.session = session
        ready = {
            "v": 10,
            "user": {**self.bot_user.payload(), "verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(g), "unavailable": True} for g in self.guilds],
            "session_id": session.id,
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "user_settings": {},
            "_trace": ["sandbox"],
        }
        await self.dispatch("READY", ready)
        for guild in self.guilds.values():
            await self.dispatch("GUILD_CREATE", guild.payload())

    async def _resume(self, ws: web.WebSocketResponse, d: JSON) -> None:
        session = self.sessions.get(str(d.get("session_id")))
        if session is None:
            await self._send(ws, {"op": 9, "d": False, "s": None, "t": None})
            return
        self.resume_count += 1
        session.ws = ws
        self.session = session
        last = d.get("seq") or 0
        for seq, raw in session.events:
            if seq > last:
                await ws.send_str(raw)
        await self.dispatch("RESUMED", {"_trace": ["sandbox"]})

    async def _members_chunk(self, d: JSON) -> None:
        guild = self.guilds.get(int(d["guild_id"]))
        if guild is None:
            return
        members = list(guild.members.values())
        if d.get("user_ids"):
            wanted = {int(u) for u in d["user_ids"]}
            members = [m for m in members if m.id in wanted]
        elif d.get("query"):
            members = [m for m in members if m.name.startswith(str(d["query"]))]
        limit = d.get("limit") or 0
        if limit:
            members = members[:limit]
        data: JSON = {
            "guild_id": str(guild.id),
            "members": [m.payload() for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if d.get("nonce") is not None:
            data["nonce"] = d["nonce"]
        await self.dispatch("GUILD_MEMBERS_CHUNK", data)

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
        self._by_token[token] = rec
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

    # ------------------------------------------------------------------ REST plumbing
    def _route(self, method: str, template: str, handler: Handler) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
        self._routes.append((method, re.compile(f"^{regex}$"), template, handler))

    async def _attachment(self, request: web.Request) -> web.StreamResponse:
        f = self.files.get(int(request.match_info["file_id"]))
        if f is None:
            return web.Response(status=404, text="not found")
        return web.Response(body=f.data, headers={"Content-Type": f.content_type})

    async def _read_body(self, request: web.Request) -> tuple[Any, list[StoredFile]]:
        files: list[StoredFile] = []
        body: Any = None
        ctype = request.content_type
        if ctype.startswith("multipart/"):
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                if isinstance(part, BodyPartReader):
                    name = part.name or ""
                    raw = await part.read(decode=False)
                    if name == "payload_json":
                        body = json.loads(bytes(raw).decode())
                    elif name.startswith("files["):
                        files.append(
                            StoredFile(
                                id=self.ids.next(),
                                filename=part.filename or name,
                                data=bytes(raw),
                                content_type=part.headers.get(
                                    "Content-Type", "application/octet-stream"
                                ),
                            )
                        )
        else:
            raw_text = await request.text()
            if raw_text:
                try:
                    body = json.loads(raw_text)
                except ValueError:
                    body = raw_text
        return body, files

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if not path.startswith(API_PREFIX):
            self.unknown_routes.append(f"{request.method} {path}")
            return json_response({"message": "404: Not Found", "code": 0}, 404)
        path = path[len(API_PREFIX) :]
        self._in_flight += 1
        try:
            body, files = await self._read_body(request)
            rec = RecordedRequest(
                method=request.method,
                path=path,
                query=dict(request.query),
                json=body,
                files=[(f.filename, f.data) for f in files],
                headers=dict(request.headers),
            )
            self.requests.append(rec)
            response = await self._handle(rec, request.method, path, body, files)
            rec.status = response.status
            return response
        finally:
            self._in_flight -= 1
            self._notify()

    async def _handle(
        self, rec: RecordedRequest, method: str, path: str, body: Any, files: list[StoredFile]
    ) -> web.Response:
        route_line = f"{method} {path}"
        for rule in self._faults:
            if rule.times > 0 and rule.regex.match(route_line):
                rule.times -= 1
                if rule.status == 429:
                    self.rate_limited_count += 1
                return rule.response()
        self._faults = [r for r in self._faults if r.times > 0]
        for r_method, regex, template, handler in self._routes:
            if r_method != method:
                continue
            m = regex.match(path)
            if m is None:
                continue
            headers: dict[str, str] = {}
            limited = self._check_rate_limit(method, template, m.groupdict(), headers)
            if limited is not None:
                return limited
            req = Request(method, path, m.groupdict(), dict(rec.query), body, files)
            try:
                result = await handler(req)
            except ApiError as e:
                return json_response({"message": e.message, "code": e.code}, e.status, headers)
            if result is None:
                return web.Response(status=204, headers=headers)
            return json_response(result, 200, headers)
        self.unknown_routes.append(route_line)
        return json_response({"message": "404: Not Found", "code": 0}, 404)

    def _check_rate_limit(
        self, method: str, template: str, params: dict[str, str], headers: dict[str, str]
    ) -> web.Response | None:
        mode = self.rate_limit_mode
        if mode is None or template.startswith("/interactions/"):
            return None
        now = time.monotonic()
        if mode.global_limit and not template.startswith("/webhooks/"):
            while mode.recent and now - mode.recent[0] >= mode.global_per:
                mode.recent.popleft()
            if len(mode.recent) >= mode.global_limit:
                retry = max(0.001, mode.global_per - (now - mode.recent[0]))
                self.rate_limited_count += 1
                mode.global_429s += 1
                return json_response(
                    {
                        "message": "You are being rate limited.",
                        "retry_after": retry,
                        "global": True,
                    },
                    429,
                    {
                        "Via": "1.1 google",
                        "X-RateLimit-Global": "true",
                        "X-RateLimit-Scope": "global",
                    },
                )
            mode.recent.append(now)
        major = params.get("channel_id") or params.get("guild_id") or params.get("webhook_id", "")
        key = f"{method} {template}:{major}"
        start, count = mode.windows.get(key, (now, 0))
        if now - start >= mode.per:
            start, count = now, 0
        reset_after = max(0.0, mode.per - (now - start))
        bucket = re.sub(r"\W", "", f"{method}{template}")[:32]
        if count >= mode.limit:
            self.rate_limited_count += 1
            mode.route_429s += 1
            return json_response(
                {
                    "message": "You are being rate limited.",
                    "retry_after": reset_after,
                    "global": False,
                },
                429,
                {
                    "Via": "1.1 google",
                    "X-RateLimit-Limit": str(mode.limit),
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
                    "X-RateLimit-Reset-After": f"{reset_after:.3f}",
                    "X-RateLimit-Bucket": bucket,
                    "X-RateLimit-Scope": "user",
                },
            )
        count += 1
        mode.windows[key] = (start, count)
        headers.update(
            {
                "X-RateLimit-Limit": str(mode.limit),
                "X-RateLimit-Remaining": str(mode.limit - count),
                "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
                "X-RateLimit-Reset-After": f"{reset_after:.3f}",
                "X-RateLimit-Bucket": bucket,
            }
        )
        return None

    # ------------------------------------------------------------------ helpers for handlers
    def _channel(self, cid: str) -> FakeChannel:
        try:
            ch = self.channels[int(cid)]
        except (KeyError, ValueError):
            raise unknown_channel() from None
        if ch.deleted:
            raise unknown_channel()
        return ch

    def _guild(self, gid: str) -> FakeGuild:
        try:
            return self.guilds[int(gid)]
        except (KeyError, ValueError):
            raise ApiError(404, 10004, "Unknown Guild") from None

    def _message(self, ch: FakeChannel, mid: str) -> FakeMessage:
        try:
            msg = self.messages[int(mid)]
        except (KeyError, ValueError):
            raise ApiError(404, 10008, "Unknown Message") from None
        if msg.deleted or msg.channel_id != ch.id:
            raise ApiError(404, 10008, "Unknown Message")
        return msg

    def _require(self, ch: FakeChannel, *flags: int) -> None:
        if ch.type == DM:
            return
        perms = self.bot_permissions(ch)
        for flag in flags:
            if not perms & flag:
                raise missing_permissions()

    def _check_can_send(self, ch: FakeChannel, files: list[StoredFile]) -> None:
        if ch.type == DM:
            if ch.recipient is not None and not ch.recipient.dms_open:
                raise ApiError(403, 50007, "Cannot send messages to this user")
            return
        send = P.send_messages_in_threads.flag if ch.is_thread else P.send_messages.flag
        self._require(ch, P.view_channel.flag, send)
        if files:
            self._require(ch, P.attach_files.flag)

    @staticmethod
    def _validate_message(data: JSON, files: list[StoredFile], *, creating: bool) -> None:
        content = data.get("content") or ""
        if len(content) > 2000:
            raise ApiError(400, 50035, "Invalid Form Body: content must be 2000 or fewer in length")
        embeds = data.get("embeds") or []
        if len(embeds) > 10:
            raise ApiError(400, 50035, "Invalid Form Body: embeds must be 10 or fewer in length")
        total = 0
        for e in embeds:
            parts = [e.get("title"), e.get("description"), (e.get("footer") or {}).get("text")]
            parts.append((e.get("author") or {}).get("name"))
            for f in e.get("fields") or []:
                parts += [f.get("name"), f.get("value")]
                if len(f.get("value") or "") > 1024 or len(f.get("name") or "") > 256:
                    raise ApiError(400, 50035, "Invalid Form Body: embed field too long")
            if len(e.get("description") or "") > 4096 or len(e.get("title") or "") > 256:
                raise ApiError(400, 50035, "Invalid Form Body: embed title/description too long")
            if len(e.get("fields") or []) > 25:
                raise ApiError(400, 50035, "Invalid Form Body: more than 25 embed fields")
            total += sum(len(p or "") for p in parts)
        if total > 6000:
            raise ApiError(400, 50035, "Invalid Form Body: embeds exceed 6000 characters")
        if creating and not (
            content or embeds or files or data.get("components") or data.get("sticker_ids")
        ):
            raise ApiError(400, 50006, "Cannot send an empty message")

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
            await self.dispatch("MESSAGE_CREATE", self._event_payload(msg))
        self._notify()
        return msg

    def _event_payload(self, msg: FakeMessage) -> JSON:
        payload = msg.payload(self.base_url)
        guild = self.guilds.get(msg.guild_id) if msg.guild_id else None
        if guild is not None and msg.author.id in guild.members:
            payload["member"] = guild.members[msg.author.id].payload(with_user=False)
        return payload

    async def edit_message(self, msg: FakeMessage, data: JSON, files: list[StoredFile]) -> None:
        self._validate_message(data, files, creating=False)
        self._apply(msg, data, files, creating=False)
        if not msg.ephemeral:
            await self.dispatch("MESSAGE_UPDATE", self._event_payload(msg))
        self._notify()

    async def delete_message(self, msg: FakeMessage) -> None:
        msg.deleted = True
        if not msg.ephemeral:
            data: JSON = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
            if msg.guild_id:
                data["guild_id"] = str(msg.guild_id)
            await self.dispatch("MESSAGE_DELETE", data)
        self._notify()

    # ------------------------------------------------------------------ routes
    def _install_routes(self) -> None:
        r = self._route
        r("GET", "/users/@me", self._get_me)
        r("GET", "/users/{user_id}", self._get_user)
        r("GET", "/oauth2/applications/@me", self._get_app)
        r("GET", "/applications/@me", self._get_app)
        r("GET", "/gateway", self._get_gateway)
        r("GET", "/gateway/bot", self._get_gateway)
        r("GET", "/applications/{app_id}/commands", self._get_global_commands)
        r("PUT", "/applications/{app_id}/commands", self._put_global_commands)
        r("GET", "/applications/{app_id}/guilds/{guild_id}/commands", self._get_guild_commands)
        r("PUT", "/applications/{app_id}/guilds/{guild_id}/commands", self._put_guild_commands)
        r(
            "GET",
            "/applications/{app_id}/guilds/{guild_id}/commands/permissions",
            self._empty_list,
        )
        r("GET", "/applications/{app_id}/emojis", self._empty_items)
        r("GET", "/applications/{app_id}/entitlements", self._empty_list)
        r("GET", "/channels/{channel_id}", self._get_channel)
        r("DELETE", "/channels/{channel_id}", self._delete_channel)
        r("PATCH", "/channels/{channel_id}", self._patch_channel)
        r("POST", "/channels/{channel_id}/typing", self._typing)
        r("GET", "/channels/{channel_id}/messages", self._history)
        r("POST", "/channels/{channel_id}/messages", self._post_message)
        r("POST", "/channels/{channel_id}/messages/bulk-delete", self._bulk_delete)
        r("GET", "/channels/{channel_id}/messages/pins", self._get_pins)
        r("PUT", "/channels/{channel_id}/messages/pins/{message_id}", self._no_content)
        r("DELETE", "/channels/{channel_id}/messages/pins/{message_id}", self._no_content)
        r("GET", "/channels/{channel_id}/messages/{message_id}", self._get_message)
        r("PATCH", "/channels/{channel_id}/messages/{message_id}", self._patch_message)
        r("DELETE", "/channels/{channel_id}/messages/{message_id}", self._delete_message)
        reactions = "/channels/{channel_id}/messages/{message_id}/reactions"
        r("PUT", reactions + "/{emoji}/@me", self._add_reaction)
        r("DELETE", reactions + "/{emoji}/@me", self._remove_reaction)
        r("DELETE", reactions + "/{emoji}/{user_id}", self._remove_reaction)
        r("GET", reactions + "/{emoji}", self._get_reactions)
        r("DELETE", reactions + "/{emoji}", self._clear_reactions)
        r("DELETE", reactions, self._clear_reactions)
        r("POST", "/channels/{channel_id}/messages/{message_id}/threads", self._thread_from_msg)
        r("POST", "/channels/{channel_id}/threads", self._thread_without_msg)
        r("PUT", "/channels/{channel_id}/thread-members/{user_id}", self._no_content)
        r("DELETE", "/channels/{channel_id}/thread-members/{user_id}", self._no_content)
        r("POST", "/users/@me/channels", self._create_dm)
        r("GET", "/guilds/{guild_id}", self._get_guild)
        r("GET", "/guilds/{guild_id}/channels", self._get_guild_channels)
        r("GET", "/guilds/{guild_id}/roles", self._get_roles)
        r("GET", "/guilds/{guild_id}/members", self._list_members)
        r("GET", "/guilds/{guild_id}/members/{user_id}", self._get_member)
        r("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", self._add_role)
        r("DELETE", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", self._remove_role)
        r("GET", "/guilds/{guild_id}/threads/active", self._active_threads)
        r("POST", "/interactions/{interaction_id}/{token}/callback", self._callback)
        r("POST", "/webhooks/{webhook_id}/{token}", self._followup)
        r("GET", "/webhooks/{webhook_id}/{token}/messages/{message_id}", self._get_wh_message)
        r("PATCH", "/webhooks/{webhook_id}/{token}/messages/{message_id}", self._edit_wh_message)
        r("DELETE", "/webhooks/{webhook_id}/{token}/messages/{message_id}", self._del_wh_message)

    async def _empty_list(self, req: Request) -> Any:
        return []

    async def _empty_items(self, req: Request) -> Any:
        return {"items": []}

    async def _no_content(self, req: Request) -> Any:
        return None

    async def _typing(self, req: Request) -> Any:
        self._channel(req.params["channel_id"])
        return None

    async def _get_me(self, req: Request) -> Any:
        return {**self.bot_user.payload(), "verified": True, "mfa_enabled": False}

    async def _get_user(self, req: Request) -> Any:
        try:
            return self.users[int(req.params["user_id"])].payload()
        except (KeyError, ValueError):
            raise ApiError(404, 10013, "Unknown User") from None

    async def _get_app(self, req: Request) -> Any:
        return {
            "id": str(self.application_id),
            "name": self.bot_user.username,
            "description": "A study bot (sandbox)",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.owner_user.payload(),
            "verify_key": "0" * 64,
            "team": None,
            "flags": 0,
            "summary": "",
            "rpc_origins": [],
            "tags": [],
            "bot": self.bot_user.payload(),
            "approximate_guild_count": len(self.guilds),
            "integration_types_config": {"0": {}},
        }

    async def _get_gateway(self, req: Request) -> Any:
        return {
            "url": self.gateway_url,
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": 1000,
                "reset_after": 0,
                "max_concurrency": 1,
            },
        }

    def _store_commands(self, guild_id: int | None, commands: list[JSON]) -> list[JSON]:
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

    async def _get_global_commands(self, req: Request) -> Any:
        return self.global_commands

    async def _put_global_commands(self, req: Request) -> Any:
        self.global_commands = self._store_commands(None, list(req.json or []))
        self._notify()
        return self.global_commands

    async def _get_guild_commands(self, req: Request) -> Any:
        return self.guild_commands.get(self._guild(req.params["guild_id"]).id, [])

    async def _put_guild_commands(self, req: Request) -> Any:
        guild = self._guild(req.params["guild_id"])
        self.guild_commands[guild.id] = self._store_commands(guild.id, list(req.json or []))
        self._notify()
        return self.guild_commands[guild.id]

    async def _get_channel(self, req: Request) -> Any:
        return self._channel(req.params["channel_id"]).payload()

    async def _delete_channel(self, req: Request) -> Any:
        ch = self._channel(req.params["channel_id"])
        self._require(ch, P.manage_channels.flag)
        ch.deleted = True
        await self.dispatch("CHANNEL_DELETE", ch.payload())
        return ch.payload()

    async def _patch_channel(self, req: Request) -> Any:
        ch = self._channel(req.params["channel_id"])
        if ch.type != DM:
            needed = P.manage_threads if ch.is_thread else P.manage_channels
            if not (ch.is_thread and ch.owner_id == self.bot_user.id):
                self._require(ch, needed.flag)
        data = req.json or {}
        if "name" in data:
            ch.name = str(data["name"])
        if "topic" in data:
            ch.topic = data["topic"]
        event = "THREAD_UPDATE" if ch.is_thread else "CHANNEL_UPDATE"
        await self.dispatch(event, ch.payload())
        return ch.payload()

    async def _history(self, req: Request) -> Any:
        ch = self._channel(req.params["channel_id"])
        self._require(ch, P.view_channel.flag, P.read_message_history.flag)
        msgs = [m for m in ch.messages if not m.deleted and not m.ephemeral]
        limit = int(req.query.get("limit", 50))
        if "before" in req.query:
            msgs = [m for m in msgs if m.id < int(req.query["before"])]
        if "after" in req.query:
            msgs = [m for m in msgs if m.id > int(req.query["after"])][:limit]
        msgs = sorted(msgs, key=lambda m: m.id, reverse=True)[:limit]
        return [m.payload(self.base_url) for m in msgs]

    async def _post_message(self, req: Request) -> Any:
        ch = self._channel(req.params["channel_id"])
        self._check_can_send(ch, req.files)
        data = dict(req.json or {})
        self._validate_message(data, req.files, creating=True)
        flags = int(data.get("flags") or 0) & ~EPHEMERAL
        # Discord: with enforce_nonce, a second create with the same nonce by the same author
        # (within a few minutes) returns the first message instead of posting again.
        nonce = data.get("nonce")
        if nonce is not None and data.get("enforce_nonce"):
            key = (ch.id, str(nonce))
            existing = self.nonces.get(key)
            if existing is not None and not existing.deleted:
                return existing.payload(self.base_url)
        msg = await self.create_message(ch, self.bot_user, data, req.files, flags=flags)
        if nonce is not None and data.get("enforce_nonce"):
            self.nonces[(ch.id, str(nonce))] = msg
        return msg.payload(self.base_url)

    async def _get_message(self, req: Request) -> Any:
        ch = self._channel(req.params["channel_id"])
        msg = self._message(ch, req.params["message_id"])
        if msg.ephemeral:
            raise ApiError(404, 10008, "Unknown Message")
        return msg.payload(self.base_url)

    async def _get_pins(self, req: Request) -> Any:
        self._channel(req.params["channel_id"])
        return {"items": [], "has_more": False}

    async def _patch_message(self, req: Request) -> Any:
        ch = self._channel(req.params["channel_id"])
        msg = self._message(ch, req.params["message_id"])
        if msg.author.id != self.bot_user.id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        await self.edit_message(msg, dict(req.json or {}), req.files)
        return msg.payload(self.base_url)

    async def _delete_message(self, req: Request) -> Any:
        ch = self._channel(req.params["channel_id"])
        msg = self._message(ch, req.params["message_id"])
        if msg.author.id != self.bot_user.id:
            self._require(ch, P.manage_messages.flag)
        await self.delete_message(msg)
        return None

    async def _bulk_delete(self, req: Request) -> Any:
        ch = self._channel(req.params["channel_id"])
        self._require(ch, P.manage_messages.flag)
        for mid in (req.json or {}).get("messages", []):
            msg = self.messages.get(int(mid))
            if msg is not None and msg.channel_id == ch.id:
                await self.delete_message(msg)
        return None

    async def _add_reaction(self, req: Request) -> Any:
        ch = self._channel(req.params["channel_id"])
        msg = self._message(ch, req.params["message_id"])
        self._require(ch, P.add_reactions.flag, P.read_message_history.flag)
        from urllib.parse import unquote

        msg.reactions.setdefault(unquote(req.params["emoji"]), set()).add(self.bot_user.id)
        self._notify()
        return None

    async def _remove_reaction(self, req: Request) -> Any:
        ch = self._channel(req.params["channel_id"])
        msg = self._message(ch, req.params["message_id"])
        from urllib.parse import unquote

        uid = req.params.get("user_id")
        user_id = self.bot_user.id if uid in (None, "@me") else int(str(uid))
        msg.reactions.get(unquote(req.params["emoji"]), set()).discard(user_id)
        self._notify()
        return None

    async def _get_reactions(self, req: Request) -> Any:
        ch = self._channel(req.params["channel_id"])
        msg = self._message(ch, req.params["message_id"])
        from urllib.parse import unquote

        ids = msg.reactions.get(unquote(req.params["emoji"]), set())
        return [self.users[i].payload() for i in sorted(ids) if i in self.users]

    async def _clear_reactions(self, req: Request) -> Any:
        ch = self._channel(req.params["channel_id"])
        msg = self._message(ch, req.params["message_id"])
        self._require(ch, P.manage_messages.flag)
        msg.reactions.clear()
        return None

    async def _open_thread(
        self, parent: FakeChannel, name: str, ttype: int, starter: FakeMessage | None
    ) -> FakeChannel:
        guild = self.guild_of(parent)
        if guild is None or parent.is_thread:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        needed = P.create_public_threads if ttype == PUBLIC_THREAD else P.create_private_threads
        self._require(parent, P.view_channel.flag, needed.flag)
        thread = FakeChannel(
            id=starter.id if starter else self.ids.next(),
            type=ttype,
            name=name,
            guild_id=guild.id,
            parent_id=parent.id,
            owner_id=self.bot_user.id,
            starter_message_id=starter.id if starter else None,
        )
        guild.channels[thread.id] = thread
        self.channels[thread.id] = thread
        if starter is not None:
            starter.thread_id = thread.id
        await self.dispatch("THREAD_CREATE", {**thread.payload(), "newly_created": True})
        return thread

    async def _thread_from_msg(self, req: Request) -> Any:
        ch = self._channel(req.params["channel_id"])
        msg = self._message(ch, req.params["message_id"])
        if msg.thread_id is not None:
            raise ApiError(400, 160004, "A thread has already been created for this message")
        data = req.json or {}
        thread = await self._open_thread(ch, str(data.get("name", "thread")), PUBLIC_THREAD, msg)
        return thread.payload()

    async def _thread_without_msg(self, req: Request) -> Any:
        ch = self._channel(req.params["channel_id"])
        data = req.json or {}
        ttype = int(data.get("type", PRIVATE_THREAD))
        thread = await self._open_thread(ch, str(data.get("name", "thread")), ttype, None)
        return thread.payload()

    async def _create_dm(self, req: Request) -> Any:
        try:
            user = self.users[int((req.json or {})["recipient_id"])]
        except (KeyError, ValueError, TypeError):
            raise ApiError(400, 50035, "Invalid Form Body") from None
        return self.dm_channel(user).payload()

    async def _get_guild(self, req: Request) -> Any:
        payload = self._guild(req.params["guild_id"]).payload()
        for key in ("members", "channels", "threads", "presences", "voice_states"):
            payload.pop(key, None)
        return payload

    async def _get_guild_channels(self, req: Request) -> Any:
        guild = self._guild(req.params["guild_id"])
        return [c.payload() for c in guild.channels.values() if not c.deleted and not c.is_thread]

    async def _active_threads(self, req: Request) -> Any:
        guild = self._guild(req.params["guild_id"])
        threads = [c.payload() for c in guild.channels.values() if not c.deleted and c.is_thread]
        return {"threads": threads, "members": []}

    async def _get_roles(self, req: Request) -> Any:
        return [r.payload() for r in self._guild(req.params["guild_id"]).roles.values()]

    def _member(self, guild: FakeGuild, uid: str) -> FakeMember:
        try:
            return guild.members[int(uid)]
        except (KeyError, ValueError):
            raise ApiError(404, 10007, "Unknown Member") from None

    async def _get_member(self, req: Request) -> Any:
        guild = self._guild(req.params["guild_id"])
        return self._member(guild, req.params["user_id"]).payload()

    async def _list_members(self, req: Request) -> Any:
        guild = self._guild(req.params["guild_id"])
        after = int(req.query.get("after", 0))
        limit = int(req.query.get("limit", 1))
        members = sorted((m for m in guild.members.values() if m.id > after), key=lambda m: m.id)
        return [m.payload() for m in members[:limit]]

    async def _add_role(self, req: Request) -> Any:
        guild = self._guild(req.params["guild_id"])
        member = self._member(guild, req.params["user_id"])
        if not guild.base_permissions(self.bot_member(guild)) & P.manage_roles.flag:
            raise missing_permissions()
        rid = int(req.params["role_id"])
        if rid not in guild.roles:
            raise ApiError(404, 10011, "Unknown Role")
        if rid not in member.roles:
            member.roles.append(rid)
        await self.dispatch("GUILD_MEMBER_UPDATE", {**member.payload(), "guild_id": str(guild.id)})
        return None

    async def _remove_role(self, req: Request) -> Any:
        guild = self._guild(req.params["guild_id"])
        member = self._member(guild, req.params["user_id"])
        if not guild.base_permissions(self.bot_member(guild)) & P.manage_roles.flag:
            raise missing_permissions()
        rid = int(req.params["role_id"])
        if rid in member.roles:
            member.roles.remove(rid)
        await self.dispatch("GUILD_MEMBER_UPDATE", {**member.payload(), "guild_id": str(guild.id)})
        return None

    # ------------------------------------------------------------------ interaction routes
    def _interaction(self, token: str) -> InteractionRecord:
        rec = self._by_token.get(token)
        if rec is None:
            raise ApiError(404, 10015, "Unknown Webhook")
        return rec

    async def _callback(self, req: Request) -> Any:
        rec = self._by_token.get(req.params["token"])
        if rec is None or str(rec.id) != req.params["interaction_id"]:
            raise ApiError(404, 10062, "Unknown interaction")
        if rec.response_type is not None:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        body = dict(req.json or {})
        rtype = int(body["type"])
        data = dict(body.get("data") or {})
        ch = self.channels[rec.channel_id]
        message: FakeMessage | None = None
        if rtype == 4:
            self._validate_message(data, req.files, creating=True)
            flags = int(data.get("flags") or 0)
            message = await self.create_message(
                ch, self.bot_user, data, req.files, interaction=rec, flags=flags & EPHEMERAL
            )
            rec.original_message_id = message.id
        elif rtype == 5:
            flags = (int(data.get("flags") or 0) & EPHEMERAL) | LOADING
            message = await self.create_message(
                ch, self.bot_user, {}, [], interaction=rec, flags=flags
            )
            rec.original_message_id = message.id
        elif rtype in (6, 7):
            if rec.message_id is None:
                raise ApiError(400, 40004, "Interaction has no message to update")
            message = self.messages[rec.message_id]
            rec.original_message_id = message.id
            if rtype == 7:
                await self.edit_message(message, data, req.files)
        elif rtype == 8:
            rec.choices = list(data.get("choices") or [])
        elif rtype == 9:
            rec.modal = data
        else:
            raise ApiError(400, 50035, f"Invalid Form Body: unsupported callback type {rtype}")
        rec.response_type = rtype
        rec.events.append(f"callback:{rtype}")
        if self.session is not None and 0 < rec.seq <= self.session.seq:
            self.session.acked = max(self.session.acked, rec.seq)
        self._notify()
        result: JSON = {
            "interaction": {
                "id": str(rec.id),
                "type": rec.type,
                "response_message_id": str(message.id) if message else None,
                "response_message_loading": rtype == 5,
                "response_message_ephemeral": bool(message and message.ephemeral),
                "activity_instance_id": None,
            }
        }
        if message is not None:
            result["resource"] = {"type": rtype, "message": message.payload(self.base_url)}
        return result

    def _webhook_message(self, rec: InteractionRecord, mid: str) -> FakeMessage:
        if mid == "@original":
            if rec.original_message_id is None:
                raise ApiError(404, 10008, "Unknown Message")
            msg = self.messages[rec.original_message_id]
        else:
            try:
                msg = self.messages[int(mid)]
            except (KeyError, ValueError):
                raise ApiError(404, 10008, "Unknown Message") from None
            if msg.id != rec.original_message_id and msg.id not in rec.followup_ids:
                raise ApiError(404, 10008, "Unknown Message")
        if msg.deleted:
            raise ApiError(404, 10008, "Unknown Message")
        return msg

    async def _followup(self, req: Request) -> Any:
        rec = self._interaction(req.params["token"])
        if rec.response_type is None:
            raise ApiError(404, 10015, "Unknown Webhook")
        data = dict(req.json or {})
        self._validate_message(data, req.files, creating=True)
        original = self.messages.get(rec.original_message_id or 0)
        if rec.response_type == 5 and original is not None and original.loading:
            # Discord: the first followup after a "thinking" defer replaces the loading message.
            await self.edit_message(original, {**data, "flags": 0}, req.files)
            original.flags &= ~LOADING
            msg = original
        else:
            ch = self.channels[rec.channel_id]
            if ch.deleted:
                raise unknown_channel()
            flags = int(data.get("flags") or 0) & EPHEMERAL
            msg = await self.create_message(
                ch, self.bot_user, data, req.files, interaction=rec, flags=flags
            )
            rec.followup_ids.append(msg.id)
        rec.events.append("followup")
        self._notify()
        if req.query.get("wait") in ("1", "true", "True"):
            return msg.payload(self.base_url)
        return None

    async def _get_wh_message(self, req: Request) -> Any:
        rec = self._interaction(req.params["token"])
        return self._webhook_message(rec, req.params["message_id"]).payload(self.base_url)

    async def _edit_wh_message(self, req: Request) -> Any:
        rec = self._interaction(req.params["token"])
        msg = self._webhook_message(rec, req.params["message_id"])
        data = dict(req.json or {})
        was_loading = msg.loading
        await self.edit_message(msg, data, req.files)
        if was_loading:
            msg.flags &= ~LOADING
        rec.events.append(f"edit:{req.params['message_id']}")
        self._notify()
        return msg.payload(self.base_url)

    async def _del_wh_message(self, req: Request) -> Any:
        rec = self._interaction(req.params["token"])
        msg = self._webhook_message(rec, req.params["message_id"])
        await self.delete_message(msg)
        rec.events.append(f"delete:{req.params['message_id']}")
        return None

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
        await self.dispatch("MESSAGE_CREATE", self._event_payload(msg))
        return msg

    async def remove_member(self, member: FakeMember) -> None:
        guild = self.guilds[member.guild_id]
        guild.members.pop(member.id, None)
        await self.dispatch(
            "GUILD_MEMBER_REMOVE", {"guild_id": str(guild.id), "user": member.user.payload()}
        )

    async def delete_channel(self, channel: FakeChannel) -> None:
        channel.deleted = True
        await self.dispatch("CHANNEL_DELETE", channel.payload())
