"""The dispatcher tick: serves `due_reminders` (one APScheduler job for every member).

Each tick selects what is due, hands each row to the handler registered for its kind, and
moves the row to the time the handler returns (or deletes it). The move is compare-and-set
on the row's due time, and every send a handler makes claims a ledger key first, so two
ticks racing deliver each reminder once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.store import Store
from bot.store import reminders as reminder_rows

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any], datetime], Awaitable[datetime | None]]
RETRY_AFTER_ERROR = timedelta(minutes=10)


class Dispatcher:
    def __init__(self, store: Store, clock: Clock, *, batch_size: int = 1000) -> None:
        self.store = store
        self.clock = clock
        self.batch_size = batch_size
        self.handlers: dict[str, Handler] = {}
        self.last_tick: datetime | None = None
        self.last_served = 0

    def register(self, kind: str, handler: Handler) -> None:
        self.handlers[kind] = handler

    async def tick(self) -> int:
        now = self.clock.now()
        served = 0
        while True:
            async with self.store.connect() as conn:
                rows = await reminder_rows.due(conn, now, self.batch_size)
            for row in rows:
                await self._serve(row, now)
                served += 1
            if len(rows) < self.batch_size:
                break
        self.last_tick, self.last_served = now, served
        return served

    async def _serve(self, row: dict[str, Any], now: datetime) -> None:
        handler = self.handlers.get(row["kind"])
        next_due: datetime | None
        if handler is None:
            log.warning("no handler for reminder kind %s; dropping row %s", row["kind"], row["id"])
            next_due = None
        else:
            try:
                next_due = await handler(row, now)
            except Exception:
                log.exception("reminder %s (%s) failed; retrying later", row["id"], row["kind"])
                next_due = now + RETRY_AFTER_ERROR
        if next_due is not None and next_due <= now:
            next_due = now + RETRY_AFTER_ERROR  # a handler must move the row forward
        async with self.store.begin() as conn:
            await reminder_rows.advance(conn, row["id"], row["due_at_utc"], next_due)

    async def next_wake(self) -> datetime | None:
        async with self.store.connect() as conn:
            return await reminder_rows.next_due_at(conn)
