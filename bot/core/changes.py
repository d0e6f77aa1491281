"""The change feed: what one process changed that another process on the database must pick up.

The bot and the web dashboard (`studybot web`) are separate processes on one database. Both
keep some state in memory that the database alone does not update: the bot's scheduler jobs
(a guild's post times, channels, timezone, pitfall sweep) and each process's merged content
catalog. So every change to such state also writes a *notice* (guild, topic, origin) in the
same transaction; each process polls for notices newer than the last it saw (one indexed
query), skips its own (it already applied them) and calls the handlers subscribed to the
topic once per guild. The bot polls on an interval job, the dashboard before each request.

Topics: ``schedule`` (what the guild's jobs depend on) and ``content`` (its packs).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.clock import Clock
from bot.core.store import Store
from bot.core.store import changes as rows

log = logging.getLogger(__name__)

SCHEDULE = "schedule"
CONTENT = "content"
#: Notices older than this are deleted by the next poll: every live process has read them.
KEEP_NOTICES = timedelta(days=1)
POLL_JOB = "change-feed"
#: How often a bot looks for other processes' changes (a web edit reaches it within this).
POLL_SECONDS = 10.0

Handler = Callable[[int], Awaitable[object]]


class ChangeFeed:
    """Publish notices of this process's changes; poll and apply other processes' changes."""

    def __init__(self, store: Store, clock: Clock, origin: str) -> None:
        self.store = store
        self.clock = clock
        self.origin = origin
        self._handlers: defaultdict[str, list[Handler]] = defaultdict(list)
        self._seen: int | None = None  # None until `start`: nothing before it is replayed

    def subscribe(self, topic: str, handler: Handler) -> None:
        """Call `handler(guild_id)` when another process changed `topic` of that guild."""
        self._handlers[topic].append(handler)

    async def publish(self, guild_id: int, topic: str, conn: AsyncConnection | None = None) -> None:
        """Record a change: inside the caller's transaction when `conn` is given."""
        if conn is not None:
            await rows.publish(conn, guild_id, topic, self.origin, self.clock.now())
            return
        async with self.store.begin() as own:
            await rows.publish(own, guild_id, topic, self.origin, self.clock.now())

    async def start(self) -> None:
        """Begin after the newest notice: state loaded now already includes the older ones."""
        async with self.store.connect() as conn:
            self._seen = await rows.latest_id(conn)

    async def poll(self) -> int:
        """Apply other processes' new notices (once per guild and topic); returns how many
        guild/topic pairs were applied. A handler that fails is logged; the rest still run."""
        if self._seen is None:
            await self.start()
            return 0
        async with self.store.connect() as conn:
            notices = await rows.since(conn, self._seen)
        if not notices:
            return 0
        self._seen = notices[-1][0]
        pending = dict.fromkeys(
            (guild_id, topic) for _, guild_id, topic, origin in notices if origin != self.origin
        )
        for guild_id, topic in pending:
            for handler in self._handlers.get(topic, []):
                try:
                    await handler(guild_id)
                except Exception:
                    log.exception("applying a %s change of guild %s failed", topic, guild_id)
        async with self.store.begin() as conn:
            await rows.prune(conn, self.clock.now() - KEEP_NOTICES)
        return len(pending)
