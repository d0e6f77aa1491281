"""The dispatcher tick: serves `due_reminders` (one APScheduler job for every member).

Each tick selects what is due, hands each row to the handler registered for its kind, and
moves the row to the time the handler returns (or deletes it). The move is compare-and-set
on the row's due time, and every send claims a ledger key first, so two ticks racing deliver
each reminder once.

Two ways to register a kind:
- `register_claimed(kind, key, handler)` (the fast path, for kinds that can fall due by the
  thousand, such as everyone's 09:00 reminder): the dispatcher claims the ledger keys of a
  whole batch in one statement, runs the handler only for rows it owns, then advances the
  batch set-based — a few statements per 1,000 rows instead of two transactions per row;
- `register(kind, handler)`: the handler does its own claiming, one row at a time (fine for
  rare kinds such as an expiring queue entry).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.core.attempts import Attempt
from bot.core.clock import Clock
from bot.core.shards import UNSHARDED, ShardPlan
from bot.core.store import Store
from bot.core.store import deliveries as ledger
from bot.core.store import reminders as reminder_rows

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any], datetime], Awaitable[datetime | None]]
RETRY_AFTER_ERROR = timedelta(minutes=10)


@dataclass(frozen=True)
class Served:
    """What a claimed handler did with its row."""

    next_due: datetime | None
    delivered: bool = True  # False: nothing was sent; the claim is closed as skipped


@dataclass(frozen=True)
class Backlog:
    """Reminders due and not yet served, and how long the oldest has waited."""

    due: int
    oldest_age: timedelta | None


ClaimedHandler = Callable[[dict[str, Any], datetime, Attempt], Awaitable[Served]]


class Dispatcher:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        batch_size: int = 1000,
        shards: ShardPlan = UNSHARDED,
    ) -> None:
        """`shards`: serve only the reminders of guilds on this process's shards."""
        self.store = store
        self.clock = clock
        self.shards = shards
        self.batch_size = batch_size
        self.handlers: dict[str, Handler] = {}
        self.claimed: dict[str, ClaimedHandler] = {}
        self.last_tick: datetime | None = None
        self.last_served = 0

    def register(self, kind: str, handler: Handler) -> None:
        self.handlers[kind] = handler

    def register_claimed(self, kind: str, handler: ClaimedHandler) -> None:
        """The dispatcher claims each occurrence's ledger key, `kind:guild:user:due_at`, for
        the whole batch before calling `handler(row, now, claim)` for the rows it won (`claim`:
        the key's `Attempt`, to pass on to the send)."""
        self.claimed[kind] = handler

    async def tick(self) -> int:
        now = self.clock.now()
        served = 0
        seen: set[int] = set()
        # Rows this tick saw but another tick owns stay due until that tick moves them; skip
        # past them (everything this tick serves is moved, so it does not come back).
        left_to_others: set[int] = set()
        while True:
            async with self.store.connect() as conn:
                rows = await reminder_rows.due(
                    conn, now, self.batch_size + len(left_to_others), self.shards
                )
            fresh = [row for row in rows if row["id"] not in seen]
            if not fresh:
                break
            batch = fresh[: self.batch_size]
            seen.update(row["id"] for row in batch)
            fast = [row for row in batch if row["kind"] in self.claimed]
            for row in batch:
                if row["kind"] not in self.claimed:
                    await self._serve(row, now)
            if fast:
                left_to_others |= await self._serve_claimed(fast, now)
            served += len(batch)
        self.last_tick, self.last_served = now, served
        return served

    async def _serve_claimed(self, rows: list[dict[str, Any]], now: datetime) -> set[int]:
        """Serve a batch; returns the ids of rows another tick owns."""
        async with self.store.begin() as conn:
            owned = await reminder_rows.claim_due(
                conn, [row["id"] for row in rows], now, self.store.claimant
            )
        moves: list[tuple[int, datetime, datetime | None]] = []
        skipped: list[str] = []
        failed: list[str] = []
        not_ours: set[int] = set()
        for row in rows:
            claim = owned.get((row["guild_id"], row["user_id"], row["kind"]))
            if claim is None:
                not_ours.add(row["id"])  # another tick owns this occurrence and moves the row
                continue
            handler = self.claimed[row["kind"]]
            try:
                outcome = await handler(row, now, claim)
            except Exception:
                log.exception("reminder %s (%s) failed; retrying later", row["id"], row["kind"])
                failed.append(claim.key)
                outcome = Served(now + RETRY_AFTER_ERROR, delivered=False)
            else:
                if not outcome.delivered:
                    skipped.append(claim.key)
            next_due = outcome.next_due
            if next_due is not None and next_due <= now:
                next_due = now + RETRY_AFTER_ERROR
            moves.append((row["id"], row["due_at_utc"], next_due))
        async with self.store.begin() as conn:
            await reminder_rows.advance_many(conn, moves)
            await ledger.finish_many(conn, skipped, "skipped", now)
            await ledger.finish_many(conn, failed, "failed", now)
        return not_ours

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

    async def backlog(self) -> Backlog:
        """What is due now and waiting (for the metrics; a healthy bot keeps it near 0)."""
        now = self.clock.now()
        async with self.store.connect() as conn:
            due, oldest = await reminder_rows.backlog(conn, now, self.shards)
        return Backlog(due, None if oldest is None else max(timedelta(0), now - oldest))

    async def next_wake(self) -> datetime | None:
        async with self.store.connect() as conn:
            return await reminder_rows.next_due_at(conn, self.shards)
