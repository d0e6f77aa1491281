"""What the fake tells others: gateway dispatches, and a signal at every state change.

Dispatches are routed as Discord routes them: an event about a guild (its data has
``guild_id``; GUILD_CREATE/UPDATE/DELETE name the guild by ``id``) goes to the session whose
shard owns the guild (``(guild_id >> 22) % shard_count``); everything else (DMs, DM
interactions, READY of nobody in particular) goes to shard 0. Each shard's *current* session
(the last one IDENTIFYed or RESUMEd on it) gets them and keeps them, so a client that RESUMEs
gets the ones it missed. Waiters (the driver) are woken at every change: a request handled,
an event sent, a message stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from bot.sandbox.models import JSON, shard_of

#: Events that name their guild by ``id`` rather than ``guild_id``.
_GUILD_EVENTS = frozenset({"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"})


def guild_of_dispatch(event: str, data: JSON) -> int | None:
    """The guild a dispatch is about, if any (it decides the shard the event goes to)."""
    raw = data.get("guild_id")
    if raw is None and event in _GUILD_EVENTS:
        raw = data.get("id")
    return int(raw) if raw is not None else None


@dataclass
class GatewaySession:
    """One IDENTIFYed session: its shard, its sequence, every dispatch sent on it, its current
    socket."""

    id: str
    seq: int = 0
    events: list[tuple[int, str]] = field(default_factory=list)
    ws: web.WebSocketResponse | None = None
    #: Highest sequence the client has provably processed: reported by a heartbeat, or
    #: implied by an answer to an interaction (discord.py handles frames in order).
    acked: int = 0
    #: IDENTIFY's ``shard: [shard_id, shard_count]`` ([0, 1] when absent).
    shard_id: int = 0
    shard_count: int = 1

    @property
    def live(self) -> bool:
        """Whether a client is connected on it right now."""
        return self.ws is not None and not self.ws.closed

    def owns(self, guild_id: int | None) -> bool:
        """Whether events about ``guild_id`` (None: not about a guild) come to this shard."""
        if guild_id is None:
            return self.shard_id == 0
        return shard_of(guild_id, self.shard_count) == self.shard_id

    def dispatches(self) -> list[tuple[str, JSON]]:
        """Every dispatch sent on this session, as (event name, data), in order."""
        frames = (json.loads(raw) for _, raw in self.events)
        return [(frame["t"], frame["d"]) for frame in frames]


class Events:
    """Gateway sessions with the dispatches sent on them, and the waiters for changes."""

    def __init__(self) -> None:
        #: Every session by id, kept for RESUME until invalidated.
        self.sessions: dict[str, GatewaySession] = {}
        #: Each shard's current session by (shard_id, shard_count), oldest first.
        self.current: dict[tuple[int, int], GatewaySession] = {}
        #: Every dispatch sent, as (seq, event name, data); once per session it went to.
        self.dispatched: list[tuple[int, str, JSON]] = []
        #: Dispatches queued by synchronous code, not sent yet.
        self.pending: set[asyncio.Task[int]] = set()
        self._waiters: list[asyncio.Future[None]] = []

    # ------------------------------------------------------------------ sessions
    @property
    def session(self) -> GatewaySession | None:
        """Shard 0's current session (with one unsharded client: *the* session): the one
        DMs and, unsharded, every dispatch go to."""
        return self.session_for(None)

    def session_for(self, guild_id: int | None) -> GatewaySession | None:
        """The session events about ``guild_id`` go to (None: DMs, i.e. shard 0); with
        several shard counts live at once, the newest."""
        owners = self.sessions_for(guild_id)
        return owners[-1] if owners else None

    def sessions_for(self, guild_id: int | None) -> list[GatewaySession]:
        """Every current session that gets events about ``guild_id`` (usually one; two while
        clients with different shard counts are connected, as during a resharding)."""
        return [s for s in self.current.values() if s.owns(guild_id)]

    def live_sessions(self) -> list[GatewaySession]:
        """Current sessions with a client connected, oldest first."""
        return [s for s in self.current.values() if s.live]

    @property
    def shard_count(self) -> int | None:
        """The shard count of the newest live session (None with no client connected)."""
        live = self.live_sessions()
        return live[-1].shard_count if live else None

    def make_current(self, session: GatewaySession) -> None:
        """``session`` (just IDENTIFYed or RESUMEd) gets its shard's events from now on.
        Sessions of another shard count with nobody connected are forgotten (an earlier run
        with another count); live ones keep theirs, as during a resharding."""
        key = (session.shard_id, session.shard_count)
        for other_key, other in list(self.current.items()):
            if other_key == key or (other_key[1] != session.shard_count and not other.live):
                del self.current[other_key]
        self.current[key] = session

    def session_on(self, ws: web.WebSocketResponse) -> GatewaySession | None:
        """The session whose socket ``ws`` is."""
        return next((s for s in self.sessions.values() if s.ws is ws), None)

    # ------------------------------------------------------------------ changes
    def notify(self) -> None:
        """Wake every waiter: some state changed."""
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

    def cancel_waiters(self) -> None:
        """On close: nothing will change any more."""
        for fut in self._waiters:
            if not fut.done():
                fut.cancel()

    # ------------------------------------------------------------------ dispatches
    async def dispatch(self, event: str, data: JSON) -> int:
        """Send a dispatch (op 0) on the session(s) of the shard it belongs to (see the module
        docstring); buffered for RESUME if disconnected. Returns its sequence number on the
        (newest) session it went to, 0 if none."""
        seq = 0
        for session in self.sessions_for(guild_of_dispatch(event, data)):
            seq = await self.send_on(session, event, data)
        return seq

    async def send_on(self, session: GatewaySession, event: str, data: JSON) -> int:
        """Send a dispatch on ``session`` itself (READY, RESUMED, its own GUILD_CREATEs)."""
        session.seq += 1
        seq = session.seq
        raw = json.dumps({"op": 0, "s": seq, "t": event, "d": data})
        session.events.append((seq, raw))
        self.dispatched.append((seq, event, data))
        if session.live:
            assert session.ws is not None
            with contextlib.suppress(ConnectionError, RuntimeError):
                await session.ws.send_str(raw)
        self.notify()
        return seq

    def dispatch_soon(self, event: str, data: JSON) -> None:
        """Dispatch from synchronous code (world building) once a session exists."""
        if not self.current:
            return
        task = asyncio.get_running_loop().create_task(self.dispatch(event, data))
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def flush(self) -> None:
        """Wait until events queued by synchronous world building have been sent."""
        while self.pending:
            await asyncio.gather(*list(self.pending))
