"""Aggregates a page shows for a whole guild, kept for a short while and refreshed behind the
visitor's back (stale-while-revalidate).

A guild's overview and public board sum every member's activity: hundreds of milliseconds
on a 100,000-member guild, and the numbers barely move within a minute. So each is computed
at most once per `ttl` per key: the first visitor of a key waits for it, concurrent visitors
share that one computation, and once it is older than `ttl` visitors still get it at once
while one refresh runs in the background (its task kept here until done). Pages say how old
their numbers are.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

from bot.core.records import frozen

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@frozen
class Snapshot(Generic[V]):
    value: V
    taken_at: float  # monotonic seconds

    def age(self, now: float) -> float:
        return max(0.0, now - self.taken_at)


class Snapshots(Generic[K, V]):
    """Per-key snapshots refreshed in the background once older than `ttl` seconds."""

    def __init__(self, ttl: float, *, now: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.now = now
        self._items: dict[K, Snapshot[V]] = {}
        self._loading: dict[K, asyncio.Task[Snapshot[V]]] = {}

    async def get(self, key: K, load: Callable[[], Awaitable[V]]) -> Snapshot[V]:
        """The key's snapshot: fresh, stale (a refresh then starts), or computed now."""
        found = self._items.get(key)
        if found is not None:
            if found.age(self.now()) >= self.ttl and key not in self._loading:
                self._start(key, load)
            return found
        task = self._loading.get(key) or self._start(key, load)
        return await asyncio.shield(task)

    def _start(self, key: K, load: Callable[[], Awaitable[V]]) -> asyncio.Task[Snapshot[V]]:
        async def refresh() -> Snapshot[V]:
            try:
                snapshot = Snapshot(await load(), self.now())
                self._items[key] = snapshot
                return snapshot
            finally:
                self._loading.pop(key, None)

        task = asyncio.create_task(refresh(), name=f"snapshot-{key!r}")
        task.add_done_callback(_log_failure)
        self._loading[key] = task
        return task

    def forget(self, key: K) -> None:
        """Drop a key's snapshot (its numbers changed on purpose: a setting, say)."""
        self._items.pop(key, None)


def _log_failure(task: asyncio.Task[object]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("refreshing a dashboard snapshot failed", exc_info=task.exception())
