"""What `/healthz` and the scrape-time gauges read from a running bot.

`BotProbes` looks at the discord.py client (ready, gateway socket, heartbeat latency), the
store (`SELECT 1`), the scheduler and the dispatcher's backlog. It holds references, never
state of its own, so it answers for the bot as it is at the moment of the request.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable
from dataclasses import asdict

import discord

from bot.core.observability.metrics import Snapshot
from bot.core.records import frozen
from bot.core.runtime import Core

log = logging.getLogger(__name__)

#: A database that takes longer than this to answer `SELECT 1` counts as unreachable.
DATABASE_PING_TIMEOUT_SECONDS = 5.0


@frozen
class Health:
    """`/healthz`'s answer: healthy only when every part is."""

    ready: bool
    gateway_connected: bool
    database_reachable: bool
    scheduler_running: bool

    @property
    def ok(self) -> bool:
        return all(asdict(self).values())

    def as_json(self) -> dict[str, bool]:
        return {**asdict(self), "ok": self.ok}


def gateway_connected(client: discord.Client) -> bool:
    """The client holds an open gateway socket on every shard it runs (False while one
    reconnects, and after close)."""
    if isinstance(client, discord.AutoShardedClient):
        shards = client.shards.values()
        return bool(shards) and not client.is_closed() and not any(s.is_closed() for s in shards)
    ws = client.ws
    return ws is not None and ws.open and not client.is_closed()


class BotProbes:
    """Reads health and the gauges' state from the client and the core."""

    def __init__(self, client: discord.Client, core: Core, serving: Callable[[], bool]) -> None:
        self.client = client
        self.core = core
        #: True once the bot finished starting (on_ready ran its jobs and catch-up).
        self.serving = serving

    async def database_reachable(self) -> bool:
        try:
            return await asyncio.wait_for(
                self.core.store.ping(), timeout=DATABASE_PING_TIMEOUT_SECONDS
            )
        except TimeoutError:
            return False

    async def health(self) -> Health:
        return Health(
            ready=self.client.is_ready() and self.serving(),
            gateway_connected=gateway_connected(self.client),
            database_reachable=await self.database_reachable(),
            scheduler_running=self.core.scheduler.running,
        )

    async def snapshot(self) -> Snapshot:
        latency = self.client.latency
        due: int | None = None
        oldest: float | None = None
        try:
            backlog = await asyncio.wait_for(
                self.core.dispatcher.backlog(), timeout=DATABASE_PING_TIMEOUT_SECONDS
            )
        except Exception as error:  # the scrape still answers; the gauges show NaN
            log.warning("could not read the reminder backlog: %s", type(error).__name__)
        else:
            due = backlog.due
            oldest = backlog.oldest_age.total_seconds() if backlog.oldest_age else 0.0
        return Snapshot(
            gateway_latency_seconds=latency if math.isfinite(latency) else None,
            due_reminders=due,
            oldest_due_age_seconds=oldest,
        )
