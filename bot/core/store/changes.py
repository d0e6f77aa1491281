"""A guild's settings changed in one process; the process that serves the guild hears of it.

Past one process, a `/setup` command is handled by the process on the guild's shard, but the
web dashboard (or an operator's tool) writes from another process. Each write of a guild's
schedules, channels, timezone, pitfall settings or content packs `announce`s the guild in its
own transaction: PostgreSQL's NOTIFY, delivered to every listening process when (and only if)
the transaction commits. `ChangeListener` LISTENs on one dedicated connection and hands the
guild id to the bot, which reschedules the guild's jobs and reloads its packs when the guild
is on its shards.

LISTEN/NOTIFY rather than re-reading a version stamp before every use: the change reaches the
owning process within milliseconds, with no query on the hot path. What a notification can
miss (the listening connection dropped for a moment) the fire-time check of `GuildPost.fire`
still catches: a scheduled post re-reads its stored schedule before it goes out.

SQLite has one process, which made the change itself: nothing to announce or hear.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)

#: The NOTIFY channel; the payload is the guild id.
CHANNEL = "studybot_guild_changed"

GuildChanged = Callable[[int], Awaitable[None]]


async def announce(conn: AsyncConnection, guild_id: int) -> None:
    """Tell the other processes, when this transaction commits, that `guild_id` changed."""
    if conn.dialect.name != "postgresql":
        return
    await conn.execute(
        text("SELECT pg_notify(:channel, :guild)"), {"channel": CHANNEL, "guild": str(guild_id)}
    )


class ChangeListener:
    """LISTENs for announced guilds on one connection kept open while the bot runs."""

    def __init__(self, engine: AsyncEngine, on_change: GuildChanged) -> None:
        self.engine = engine
        self.on_change = on_change
        self._conn: AsyncConnection | None = None
        self._driver: Any = None
        self._tasks: set[asyncio.Task[None]] = set()
        #: Changes applied so far (`wait_applied` waits on it).
        self.applied = 0
        self._progress = asyncio.Condition()

    @property
    def listening(self) -> bool:
        return self._driver is not None

    async def start(self) -> None:
        if self.engine.dialect.name != "postgresql" or self._conn is not None:
            return
        self._conn = await self.engine.connect()
        raw = await self._conn.get_raw_connection()
        self._driver = raw.driver_connection  # the asyncpg connection
        await self._driver.add_listener(CHANNEL, self._notified)

    def _notified(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        try:
            guild_id = int(payload)
        except ValueError:
            log.warning("ignored a change notification with payload %r", payload[:40])
            return
        task = asyncio.get_running_loop().create_task(self._apply(guild_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _apply(self, guild_id: int) -> None:
        try:
            await self.on_change(guild_id)
        except Exception:
            log.exception("guild %s: could not apply a change made by another process", guild_id)
        async with self._progress:
            self.applied += 1
            self._progress.notify_all()

    async def wait_applied(self, count: int, within: float) -> None:
        """Wait (event-driven, bounded) until `count` changes have been applied."""
        async with self._progress:
            await asyncio.wait_for(self._progress.wait_for(lambda: self.applied >= count), within)

    async def drain(self) -> None:
        """Wait until every change heard so far is applied (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        conn, driver = self._conn, self._driver
        self._conn = self._driver = None
        if driver is not None:
            await driver.remove_listener(CHANNEL, self._notified)
        await self.drain()
        if conn is not None:
            await conn.close()
