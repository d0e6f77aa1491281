"""What the fake tells others: gateway dispatches, and a signal at every state change.

Dispatches go out on the current gateway session and are kept per session, so a client that
RESUMEs gets the ones it missed. Waiters (the driver) are woken at every change: a request
handled, an event sent, a message stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from bot.sandbox.models import JSON


@dataclass
class GatewaySession:
    """One IDENTIFYed session: its sequence, every dispatch sent on it, its current socket."""

    id: str
    seq: int = 0
    events: list[tuple[int, str]] = field(default_factory=list)
    ws: web.WebSocketResponse | None = None
    #: Highest sequence the client has provably processed: reported by a heartbeat, or
    #: implied by an answer to an interaction (discord.py handles frames in order).
    acked: int = 0


class Events:
    """Gateway sessions with the dispatches sent on them, and the waiters for changes."""

    def __init__(self) -> None:
        self.sessions: dict[str, GatewaySession] = {}
        self.session: GatewaySession | None = None
        #: Every dispatch sent, as (seq, event name, data).
        self.dispatched: list[tuple[int, str, JSON]] = []
        #: Dispatches queued by synchronous code, not sent yet.
        self.pending: set[asyncio.Task[int]] = set()
        self._waiters: list[asyncio.Future[None]] = []

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
        self.notify()
        return seq

    def dispatch_soon(self, event: str, data: JSON) -> None:
        """Dispatch from synchronous code (world building) once a session exists."""
        if self.session is None:
            return
        task = asyncio.get_running_loop().create_task(self.dispatch(event, data))
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def flush(self) -> None:
        """Wait until events queued by synchronous world building have been sent."""
        while self.pending:
            await asyncio.gather(*list(self.pending))
