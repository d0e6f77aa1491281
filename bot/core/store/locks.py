"""Who runs what past one process: PostgreSQL advisory locks per shard and for the leader.

Every bot process on one PostgreSQL database holds, for as long as it runs, a session-level
advisory lock for each shard it runs, on one dedicated connection: a second process started
with a shard that is already running is refused at start instead of posting everything
twice. One process is the **leader** and runs the jobs that are not per guild (the retention
purge, the global command sync): whoever takes the leader lock first; the others try again
each time such a job comes round, so leadership moves on when the leader stops. PostgreSQL
releases a session's locks when its connection ends, however the process ends.

On SQLite there is one process per file (the file lock in `bot.ops.instance_lock`), so it
owns every shard and leads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

#: The first key of every studybot advisory lock (`pg_try_advisory_lock(int, int)`), so they
#: never collide with another application's locks on a shared server.
LOCK_CLASS = 0x57DB
#: The second key of the leader lock; shard locks use the shard id (>= 0).
LEADER_KEY = -1
#: The second key of the lock held while migrating (one process migrates at a time).
MIGRATION_KEY = -2


class ShardsTaken(Exception):
    """Another process already runs some of this process's shards; `str()` tells the
    operator what to do."""

    def __init__(self, shards: Sequence[int], count: int) -> None:
        self.shards = list(shards)
        names = ", ".join(map(str, self.shards))
        self.problem = (
            f"Shard {names} of {count} is already run by another studybot process on this "
            "database: two processes on one shard would both post its guilds' messages."
        )
        self.fix = (
            f"give each process its own SHARD_IDS (together they cover 0 to {count - 1}), "
            "or stop the other process first."
        )
        super().__init__(f"{self.problem} Fix: {self.fix}")


class ProcessLocks:
    """The advisory locks of one process, on one connection kept open while it runs."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.enabled = engine.dialect.name == "postgresql"
        self._conn: AsyncConnection | None = None
        self._guard = asyncio.Lock()
        self.leading = not self.enabled
        self.shards: list[int] = []

    async def _take(self, key: int) -> bool:
        if self._conn is None:
            self._conn = await self.engine.connect()
        result = await self._conn.execute(
            text("SELECT pg_try_advisory_lock(:class, :key)"), {"class": LOCK_CLASS, "key": key}
        )
        # The lock belongs to the session, not to the transaction: it outlives this commit.
        await self._conn.commit()
        return bool(result.scalar())

    async def hold_shards(self, shard_ids: Sequence[int], count: int) -> None:
        """Take the lock of every shard in `shard_ids`, or raise `ShardsTaken` holding none."""
        if not self.enabled:
            return
        async with self._guard:
            taken = [shard for shard in shard_ids if not await self._take(shard)]
            if taken:
                await self._release_all()
                raise ShardsTaken(taken, count)
            self.shards = list(shard_ids)

    async def lead(self) -> bool:
        """True when this process is the leader (taking the lock if nobody holds it)."""
        if self.leading:
            return True
        async with self._guard:
            if not self.leading:
                self.leading = await self._take(LEADER_KEY)
        return self.leading

    async def _release_all(self) -> None:
        conn, self._conn = self._conn, None
        self.shards = []
        self.leading = not self.enabled
        if conn is not None:
            # The connection goes back to the engine's pool, so the session lives on: its
            # locks are released explicitly (a process that dies loses the session, and them).
            await conn.execute(text("SELECT pg_advisory_unlock_all()"))
            await conn.commit()
            await conn.close()

    async def close(self) -> None:
        async with self._guard:
            await self._release_all()
