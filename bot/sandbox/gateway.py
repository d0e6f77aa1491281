"""The fake's gateway: one websocket endpoint speaking TEXT JSON frames (no zlib).

HELLO on connect; IDENTIFY -> READY and a GUILD_CREATE per guild on the session's shard;
RESUME replays what the session missed; heartbeats are acknowledged and remembered (they prove
how far the client got); op 8 is answered with one member chunk. A test can send op 1, op 7 or
op 9, or drop the socket, on every live session or one shard's.

Several clients may be connected at once (the shards of one `AutoShardedClient`, or several bot
processes): IDENTIFY's ``shard: [shard_id, shard_count]`` (absent: ``[0, 1]``) is recorded on
the session, which gets only its shard's guilds (see :mod:`bot.sandbox.events` for routing).
A second IDENTIFY of a shard that is live elsewhere is allowed (the newer session gets the
shard's events from then on) and recorded in ``duplicate_shards``; clients with different
shard counts may be live together, each getting the guilds its count gives it, as Discord does
while a bot reshards.

IDENTIFY is refused as Discord refuses it: close code 4004 for a token the world does not
accept, 4010 for a shard outside ``0 <= shard_id < shard_count``, 4014 for a privileged intent
the application's flags do not allow; `fail_identify` queues any close code for the next
IDENTIFY.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

import discord
from aiohttp import WSMsgType, web

from bot.sandbox.events import GatewaySession
from bot.sandbox.models import JSON
from bot.sandbox.world import World

HEARTBEAT_INTERVAL_MS = 41250

_I = discord.Intents
_F = discord.ApplicationFlags
#: Each privileged intent and the application flags that allow it.
PRIVILEGED_INTENTS: tuple[tuple[int, int], ...] = (
    (_I.members.flag, _F.gateway_guild_members.flag | _F.gateway_guild_members_limited.flag),
    (_I.presences.flag, _F.gateway_presence.flag | _F.gateway_presence_limited.flag),
    (
        _I.message_content.flag,
        _F.gateway_message_content.flag | _F.gateway_message_content_limited.flag,
    ),
)
CLOSE_REASONS = {
    4004: "Authentication failed.",
    4010: "Invalid shard.",
    4013: "Invalid intent(s).",
    4014: "Disallowed intent(s).",
}


async def send(ws: web.WebSocketResponse, payload: JSON) -> None:
    """Send a frame unless the socket is gone (a dropped client just misses it)."""
    if ws.closed:
        return
    with contextlib.suppress(ConnectionError, RuntimeError):
        await ws.send_str(json.dumps(payload))


def _op(op: int, d: Any = None) -> JSON:
    return {"op": op, "d": d, "s": None, "t": None}


class Gateway:
    """The websocket sessions of the world's bot, and what the client sent on them."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.events = world.events
        self.identify_count = 0
        self.resume_count = 0
        #: Every gateway payload the client sent, as (op, d).
        self.ops: list[tuple[int, Any]] = []
        #: Sequence numbers the client reported in its heartbeats (op 1), in order.
        self.heartbeats: list[int] = []
        #: Close codes for the next IDENTIFYs, in order (`fail_identify`).
        self.identify_failures: list[int] = []
        #: (shard_id, shard_count) of every IDENTIFY accepted, in order.
        self.identified_shards: list[tuple[int, int]] = []
        #: (shard_id, shard_count) of every IDENTIFY of a shard another live session had.
        self.duplicate_shards: list[tuple[int, int]] = []
        self._sockets: set[web.WebSocketResponse] = set()
        self._session_counter = 0

    async def serve(self, request: web.Request) -> web.StreamResponse:
        """The ``/gateway`` websocket handler."""
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self._sockets.add(ws)
        await send(ws, _op(10, {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}))
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                op, d = payload.get("op"), payload.get("d")
                self.ops.append((op, d))
                if op == 1:
                    self.heartbeats.append(d if isinstance(d, int) else -1)
                    beating = self.events.session_on(ws)
                    if isinstance(d, int) and beating is not None:
                        beating.acked = max(beating.acked, d)
                    await send(ws, _op(11))
                elif op == 2:
                    refusal = self._refusal(d if isinstance(d, dict) else {})
                    if refusal is not None:
                        reason = CLOSE_REASONS.get(refusal, "Refused by the sandbox.")
                        await ws.close(code=refusal, message=reason.encode())
                        break
                    await self._identify(ws, _shard(d))
                elif op == 6:
                    await self._resume(ws, d)
                elif op == 8:
                    await self._members_chunk(ws, d)
                self.events.notify()
        finally:
            self._sockets.discard(ws)
            for session in self.events.sessions.values():
                if session.ws is ws:
                    session.ws = None
            self.events.notify()
        return ws

    async def close(self) -> None:
        """Close every open socket (code 1001, going away)."""
        for ws in list(self._sockets):
            with contextlib.suppress(Exception):
                await ws.close(code=1001)

    def _refusal(self, d: JSON) -> int | None:
        """The close code Discord would answer this IDENTIFY with, if any."""
        if self.identify_failures:
            return self.identify_failures.pop(0)
        shard = _shard(d)
        if shard is not None and not 0 <= shard[0] < shard[1]:
            return 4010
        token = self.world.token
        if token is not None and d.get("token") != token:
            return 4004
        intents = int(d.get("intents") or 0)
        for intent, allowed_by in PRIVILEGED_INTENTS:
            if intents & intent and not self.world.application_flags & allowed_by:
                return 4014
        return None

    async def _identify(self, ws: web.WebSocketResponse, shard: tuple[int, int] | None) -> None:
        shard_id, shard_count = shard or (0, 1)
        self._session_counter += 1
        self.identify_count += 1
        self.identified_shards.append((shard_id, shard_count))
        if any(
            s.live and (s.shard_id, s.shard_count) == (shard_id, shard_count)
            for s in self.events.sessions.values()
            if s.ws is not ws
        ):
            self.duplicate_shards.append((shard_id, shard_count))
        session = GatewaySession(
            id=f"sandbox-session-{self._session_counter}",
            ws=ws,
            shard_id=shard_id,
            shard_count=shard_count,
        )
        self.events.sessions[session.id] = session
        self.events.make_current(session)
        world = self.world
        guilds = [g for g in world.guilds.values() if session.owns(g.id)]
        ready = {
            "v": 10,
            "user": {**world.bot_user.payload(), "verified": True, "mfa_enabled": False},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "resume_gateway_url": world.gateway_url,
            "application": {"id": str(world.application_id), "flags": world.application_flags},
            "private_channels": [],
            "relationships": [],
            "user_settings": {},
            "_trace": ["sandbox"],
        }
        if shard is not None:
            ready["shard"] = [shard_id, shard_count]  # Discord: only when IDENTIFY sent one
        await self.events.send_on(session, "READY", ready)
        for guild in guilds:
            await self.events.send_on(session, "GUILD_CREATE", guild.payload())

    async def _resume(self, ws: web.WebSocketResponse, d: JSON) -> None:
        session = self.events.sessions.get(str(d.get("session_id")))
        if session is None:
            await send(ws, _op(9, False))
            return
        self.resume_count += 1
        session.ws = ws
        self.events.make_current(session)
        last = d.get("seq") or 0
        for seq, raw in session.events:
            if seq > last:
                await ws.send_str(raw)
        await self.events.send_on(session, "RESUMED", {"_trace": ["sandbox"]})

    async def _members_chunk(self, ws: web.WebSocketResponse, d: JSON) -> None:
        guild = self.world.guilds.get(int(d["guild_id"]))
        session = self.events.session_on(ws)
        if guild is None or session is None:
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
        await self.events.send_on(session, "GUILD_MEMBERS_CHUNK", data)

    # ------------------------------------------------------------------ server-side ops
    def live(self, shard_id: int | None = None) -> list[GatewaySession]:
        """The live current sessions: every one, or those on shard ``shard_id``."""
        return [
            s for s in self.events.live_sessions() if shard_id is None or s.shard_id == shard_id
        ]

    async def barrier(self, within: float = 5.0) -> None:
        """Wait until the clients have *processed* every dispatch sent so far, on every live
        session.

        Sends a server heartbeat request (op 1) on each session that is behind; the client
        answers with op 1 carrying its last sequence, and it handles frames in order."""
        await self.events.flush()
        # A session already proven (e.g. by the answer to the last interaction) gets no op 1:
        # discord.py sends its reply through a 110-per-minute gateway limiter.
        behind = {s.id: (s, s.seq) for s in self.live() if s.acked < s.seq}
        for session, _ in behind.values():
            assert session.ws is not None
            await send(session.ws, _op(1))
        await self.events.wait_for(
            lambda: all(s.acked >= target or s.ws is None for s, target in behind.values()),
            within,
            "the client to process gateway events "
            + ", ".join(f"#{target} (shard {s.shard_id})" for s, target in behind.values()),
        )

    async def reconnect(self, shard_id: int | None = None) -> int:
        """Ask the clients (every live session, or shard ``shard_id``'s) to reconnect (op 7);
        they close and RESUME. Returns how many sessions were asked."""
        sessions = self.live(shard_id)
        for session in sessions:
            assert session.ws is not None
            await send(session.ws, _op(7))
        return len(sessions)

    async def drop(self, shard_id: int | None = None) -> int:
        """Close the sockets (every live session's, or shard ``shard_id``'s) abruptly (code
        4000); the clients reconnect and RESUME. Returns how many were dropped."""
        sessions = self.live(shard_id)
        for session in sessions:
            ws, session.ws = session.ws, None
            assert ws is not None
            await ws.close(code=4000, message=b"sandbox dropped the connection")
        return len(sessions)

    async def invalid_session(self, resumable: bool = False, shard_id: int | None = None) -> int:
        """Send op 9 (every live session, or shard ``shard_id``'s); with ``resumable=False``
        the clients IDENTIFY afresh. Returns how many sessions got it."""
        sessions = self.live(shard_id)
        for session in sessions:
            assert session.ws is not None
            if not resumable:
                self.events.sessions.pop(session.id, None)
            await send(session.ws, _op(9, resumable))
        return len(sessions)


def _shard(d: JSON) -> tuple[int, int] | None:
    """IDENTIFY's ``shard`` as (shard_id, shard_count); None when absent, (-1, 0) (an invalid
    shard) when malformed."""
    raw = d.get("shard")
    if raw is None:
        return None
    try:
        shard_id, shard_count = (int(x) for x in raw)
    except (TypeError, ValueError):
        return (-1, 0)
    return (shard_id, shard_count)
