"""The dispatcher tick: serves `due_reminders` (one APScheduler job for every member).

Each tick selects what is due, hands the rows to the handler registered for their kind, and
moves each row to the time the handler returns (or deletes it). The move is compare-and-set
on the row's due time, and every send claims a ledger key first, so two ticks racing deliver
each reminder once.

Two ways to register a kind:
- `register_claimed(kind, handler)` (the fast path, for kinds that can fall due by the
  thousand, such as everyone's 09:00 reminder): per batch of due rows the dispatcher claims
  every row's ledger key in one statement, calls `handler(rows, now)` ONCE with the rows it
  won (each row's `claim` is the `Attempt` for its send), and moves the batch set-based with
  the next due times the handler returns, one per row — a few statements per batch of rows;
  `row_by_row` adapts a handler that serves one row at a time;
- `register(kind, handler)`: the handler does its own claiming, one row at a time (fine for
  rare kinds such as an expiring queue entry).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.clock import Clock
from bot.core.records import frozen
from bot.core.shards import UNSHARDED, ShardPlan
from bot.core.store import Store
from bot.core.store import deliveries as ledger
from bot.core.store import reminders as reminder_rows
from bot.core.store.engine import again_after_lost_lock_race
from bot.core.store.reminders import Due
from bot.core.time import instant_key

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any], datetime], Awaitable[datetime | None]]
RETRY_AFTER_ERROR = timedelta(minutes=10)
#: Due rows served per transaction. Each batch costs a few round trips and a commit (a WAL
#: flush on PostgreSQL) whatever its size; 2,500 rows keep a batch's Python work (building
#: the rows, the handler's outcomes) to a few ms of the event loop. On PostgreSQL batches are
#: served in lanes (`tick`), which smaller batches overlap better.
BATCH_SIZE = 2500
#: On SQLite (one writer, nothing overlaps) each batch also costs a write transaction, and
#: fewer of them were faster: 10,000 due in batches of 2,500 / 5,000 / 10,000 took a median
#: 108 / 86 / 79 ms, measured alternately in one process; 5,000 keeps the loop's share of a
#: batch under ~5 ms.
SQLITE_BATCH_SIZE = 5000
#: Lanes on PostgreSQL (see `Dispatcher.tick`). 10,000 due, 2,500 a batch, on a quiet
#: 2-core host: one lane (each batch's moves written on their own beside the next claim, as
#: before lanes) took a median 105-132 ms, two lanes 91-105 ms, in alternate runs of a probe.
POSTGRES_LANES = 2
#: Times a batch's transaction is done again after PostgreSQL broke a lock race by rolling it
#: back. Ticks racing over the same rows (two processes during a shard handover) can deadlock:
#: one writes its last batch's outcome (locking those ledger rows) and then waits to claim a
#: key the other inserted, while the other waits on one of those locked rows.
LOCK_RACE_RETRIES = 3
#: How long the ledger keeps a served reminder occurrence (`forget_served`): far past the
#: health report's window (a day), and past any lease a stuck row waits out.
SERVED_KEPT = timedelta(days=90)
#: Ledger rows `forget_served` deletes per transaction, and transactions per call: a call
#: stays short (on SQLite each transaction holds the write lock), and a year of history
#: left by a bot from before it is cleared over a few weeks of calls.
FORGET_SLICE = 5000
FORGET_SLICES = 20


@frozen
class Served:
    """What a claimed handler did with one row."""

    next_due: datetime | None
    delivered: bool = True  # False: nothing was sent; the claim is closed as skipped
    failed: bool = False  # True: retried RETRY_AFTER_ERROR later; the claim is closed as failed


#: A row whose work failed (what `row_by_row` answers for a row whose handler raised).
FAILED = Served(None, delivered=False, failed=True)


@frozen
class Backlog:
    """Reminders due and not yet served, and how long the oldest has waited."""

    due: int
    oldest_age: timedelta | None


#: `handler(rows, now)` -> one `Served` for each row, in order.
ClaimedHandler = Callable[[Sequence[Due], datetime], Awaitable[Sequence[Served]]]
RowHandler = Callable[[Due, datetime], Awaitable[Served]]


def row_by_row(handler: RowHandler) -> ClaimedHandler:
    """A claimed handler that serves its batch one row at a time with `handler(row, now)`;
    a row whose handler raises is retried later (`FAILED`), the rest of the batch goes on."""

    async def serve(rows: Sequence[Due], now: datetime) -> list[Served]:
        served: list[Served] = []
        for row in rows:
            try:
                served.append(await handler(row, now))
            except Exception:
                log.exception("reminder %s (%s) failed; retrying later", row.id, row.kind)
                served.append(FAILED)
        return served

    return serve


class _Contended(Exception):
    """A batch could not be claimed fresh in one go (rolls that transaction back)."""


@dataclass
class _Written:
    """A served batch's outcome: row moves and the ledger claims to close."""

    moves: dict[tuple[Any, datetime | None], list[int]] = field(
        default_factory=lambda: defaultdict(list)
    )
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    async def write(self, conn: AsyncConnection, now: datetime) -> None:
        await reminder_rows.advance_batch(conn, self.moves)
        await ledger.finish_many(conn, self.skipped, "skipped", now)
        await ledger.finish_many(conn, self.failed, "failed", now)


class _Pages:
    """A tick's pages of due rows, handed out one at a time to its lanes, the next read
    ahead on a connection of its own."""

    def __init__(self, dispatcher: Dispatcher, now: datetime) -> None:
        self._dispatcher, self._now = dispatcher, now
        self._lock = asyncio.Lock()
        self._reading: asyncio.Task[list[Due]] | None = asyncio.create_task(
            dispatcher._read(now, None)
        )

    async def next(self) -> list[Due] | None:
        """The next page, or None when the last was handed out."""
        async with self._lock:
            if self._reading is None:
                return None
            batch = await self._reading
            self._reading = None
            # A short page is the last: whatever falls due meanwhile is the next tick's.
            if len(batch) == self._dispatcher.batch_size:
                self._reading = asyncio.create_task(self._dispatcher._read(self._now, batch[-1]))
            return batch or None

    async def close(self) -> None:
        if self._reading is not None:
            await asyncio.gather(self._reading, return_exceptions=True)


class Dispatcher:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        batch_size: int | None = None,
        lanes: int | None = None,
        shards: ShardPlan = UNSHARDED,
    ) -> None:
        """`shards`: serve only the reminders of guilds on this process's shards;
        `batch_size`: rows per batch (default: `BATCH_SIZE`, on SQLite `SQLITE_BATCH_SIZE`);
        `lanes`: batches served at once (default: 1 on SQLite, `POSTGRES_LANES`)."""
        self.store = store
        self.clock = clock
        self.shards = shards
        default = SQLITE_BATCH_SIZE if store.is_sqlite else BATCH_SIZE
        self.batch_size = batch_size or default
        self.handlers: dict[str, Handler] = {}
        self.claimed: dict[str, ClaimedHandler] = {}
        #: Batches claimed and served at once (see `tick`).
        self.lanes = lanes or (1 if store.is_sqlite else POSTGRES_LANES)
        self.last_tick: datetime | None = None
        self.last_served = 0

    def register(self, kind: str, handler: Handler) -> None:
        self.handlers[kind] = handler

    def register_claimed(self, kind: str, handler: ClaimedHandler) -> None:
        """The dispatcher claims each occurrence's ledger key (`reminders.occurrence_key`) for
        a whole batch, then calls `handler(rows, now)` once with the rows it won (`row.claim`:
        the key's `Attempt`, to pass on to the send); the handler answers one `Served` per
        row, in order."""
        self.claimed[kind] = handler

    async def tick(self) -> int:
        """Serve everything due now, a batch at a time, in `lanes` lanes.

        Batches are pages of the due order, `(due_at_utc, id)`, each read past the last row
        of the one before (the due index read from there on), so a row this tick has seen is
        never read again: not its own rows whose moves are not written yet, nor rows another
        tick owns. The next page is read on a connection of its own WHILE the lanes claim and
        serve: a read costs a claim nothing, on either backend (a SQLite reader does not wait
        for its writer).

        Each lane takes the next page, claims it and calls the handlers, and writes its moves
        in the transaction that claims its next page (one commit per batch; the lane's last
        moves in one of their own). On SQLite one lane: one writer at a time, nothing would
        overlap. On PostgreSQL `POSTGRES_LANES`: a batch's claim and the other lane's claim
        and moves run on other backends, other cores, at once; the server's work for a row is
        mostly index upkeep, so one lane left a core idle at the first claim and the last
        moves (`POSTGRES_LANES` says what was measured)."""
        now = self.clock.now()
        pages = _Pages(self, now)
        try:
            outcomes = await asyncio.gather(
                *(self._lane(pages, now) for _ in range(self.lanes)), return_exceptions=True
            )
        finally:
            # Let the read ahead end rather than be cancelled halfway through on a pooled
            # connection.
            await pages.close()
        # A lane that failed has stopped; the others served the rest (and landed their moves).
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
        served = sum(count for count in outcomes if isinstance(count, int))
        self.last_tick, self.last_served = now, served
        return served

    async def _lane(self, pages: _Pages, now: datetime) -> int:
        """Claim, serve and move pages until none is left; returns the rows served."""
        served = 0
        written: _Written | None = None  # the last batch's outcome, not yet written
        try:
            while (batch := await pages.next()) is not None:
                won = await self._claim(now, batch, written)
                written = None
                if len(won) < len(batch):
                    for row in batch:
                        if row.kind not in self.claimed:
                            await self._serve(row, now)
                    # (claimed kinds not won: a live claim holds them, and its tick moves
                    # the rows)
                written = await self._serve_claimed(won, now) if won else None
                served += len(batch)
        finally:
            # The lane failed meanwhile: let the moves it served land anyway.
            if written is not None:
                await self._write(written, now)
        return served

    async def _write(self, written: _Written, now: datetime) -> None:
        async def write() -> None:
            async with self.store.begin() as conn:
                await written.write(conn, now)

        await again_after_lost_lock_race(write, LOCK_RACE_RETRIES)

    async def _read(self, now: datetime, after: Due | None) -> list[Due]:
        """The next page of due rows: the first, or those past `after` in the due order."""
        async with self.store.connect() as conn:
            return await reminder_rows.due_batch(
                conn, now, self.batch_size, self.shards, after=after
            )

    async def _claim(self, now: datetime, batch: list[Due], written: _Written | None) -> list[Due]:
        """Write `written` (the previous batch's moves), then claim the rows of `batch` of
        claimed kinds, in one transaction: the rows this tick won, each with its `claim`.

        The claim is first made fresh with nothing read back (every row then holds attempt
        1); when some key already existed or some row moved meanwhile (a racing tick, a
        re-claim of a dead owner's key) that transaction is rolled back and done again,
        reading back what was won (`claim_due`). Rows whose occurrence is already over come
        back too, with a closed claim (`reminders.closed_occurrences`): they are moved on,
        nothing is sent."""
        fast = [row for row in batch if row.kind in self.claimed]
        if written is None and not fast:
            return []
        return await again_after_lost_lock_race(
            lambda: self._claim_once(now, fast, written), LOCK_RACE_RETRIES
        )

    async def _claim_once(
        self, now: datetime, fast: list[Due], written: _Written | None
    ) -> list[Due]:
        try:
            async with self.store.begin() as conn:
                if written is not None:
                    await written.write(conn, now)
                if fast and not await self._claim_fresh(conn, fast, now):
                    raise _Contended
            return fast
        except _Contended:
            async with self.store.begin() as conn:
                if written is not None:
                    await written.write(conn, now)
                owned = await reminder_rows.claim_due(
                    conn, [row.id for row in fast], now, self.store.claimant
                )
                won = reminder_rows.adopt_claims(fast, owned)
                if len(won) < len(fast):
                    taken = {row.id for row in won}
                    lost = [row for row in fast if row.id not in taken]
                    won += await reminder_rows.closed_occurrences(conn, lost, now)
            return won

    async def _claim_fresh(self, conn: AsyncConnection, rows: list[Due], now: datetime) -> bool:
        ids = [row.id for row in rows]
        return await reminder_rows.claim_fresh(conn, ids, now, self.store.claimant)

    async def _serve_claimed(self, won: list[Due], now: datetime) -> _Written:
        """Call each kind's handler once with its rows; returns what to write."""
        by_kind: dict[str, list[Due]] = defaultdict(list)
        for row in won:
            by_kind[row.kind].append(row)
        written = _Written()
        retry = now + RETRY_AFTER_ERROR
        for kind, kind_rows in by_kind.items():
            try:
                outcomes = await self.claimed[kind](kind_rows, now)
                if len(outcomes) != len(kind_rows):
                    raise ValueError(f"{len(outcomes)} outcomes for {len(kind_rows)} rows")
            except Exception:
                log.exception("%d reminders (%s) failed; retrying later", len(kind_rows), kind)
                outcomes = [FAILED] * len(kind_rows)
            # Rows in a row mostly share their move (one due time, one schedule): look the
            # move's id list up again only when it changes (hashing an aware datetime per
            # row was most of this loop).
            last: tuple[Any, datetime | None] | None = None
            ids: list[int] = []
            for row, outcome in zip(kind_rows, outcomes, strict=True):
                next_due = outcome.next_due
                # (a closed occurrence's ledger entry already says how it ended)
                if outcome.failed:
                    if not row.closed:
                        written.failed.append(row.claim.key)
                    next_due = retry
                elif not outcome.delivered and not row.closed:
                    written.skipped.append(row.claim.key)
                if next_due is not None and next_due <= now:
                    next_due = retry  # a handler must move the row forward
                move = (row.stored_due, next_due)
                if move != last:
                    ids, last = written.moves[move], move
                ids.append(row.id)
        return written

    async def _serve(self, row: Due, now: datetime) -> None:
        handler = self.handlers.get(row.kind)
        next_due: datetime | None
        if handler is None:
            log.warning("no handler for reminder kind %s; dropping row %s", row.kind, row.id)
            next_due = None
        else:
            fields = {
                "id": row.id,
                "guild_id": row.guild_id,
                "user_id": row.user_id,
                "kind": row.kind,
                "due_at_utc": row.due_at,
            }
            try:
                next_due = await handler(fields, now)
            except Exception:
                log.exception("reminder %s (%s) failed; retrying later", row.id, row.kind)
                next_due = now + RETRY_AFTER_ERROR
        if next_due is not None and next_due <= now:
            next_due = now + RETRY_AFTER_ERROR  # a handler must move the row forward
        async with self.store.begin() as conn:
            await reminder_rows.advance(conn, row.id, row.due_at, next_due)

    async def forget_served(self, slices: int = FORGET_SLICES) -> int:
        """Delete the ledger's record of reminder occurrences of the claimed kinds that
        finished (sent, skipped or failed) longer than `SERVED_KEPT` ago, at most `slices`
        transactions of `FORGET_SLICE` rows; returns the rows deleted.

        Nothing reads them again: a new occurrence has a new key, and the health report
        counts the last day. Without this the ledger grows by a row per reminder sent, for
        good (a guild of 10,000 members with daily reminders: ~3.6 million rows a year).
        Each kind's old keys are one range of the key index (`occurrences_before`)."""
        now = self.clock.now()
        before = now - SERVED_KEPT
        when = instant_key(before)
        forgotten = 0
        for kind in sorted(self.claimed):
            keys = reminder_rows.occurrences_before(kind, when)
            while slices > 0:
                slices -= 1
                async with self.store.begin() as conn:
                    gone = await ledger.forget_finished(conn, kind, keys, before, FORGET_SLICE)
                forgotten += gone
                if gone < FORGET_SLICE:
                    break
        return forgotten

    async def backlog(self) -> Backlog:
        """What is due now and waiting (for the metrics; a healthy bot keeps it near 0)."""
        now = self.clock.now()
        async with self.store.connect() as conn:
            due, oldest = await reminder_rows.backlog(conn, now, self.shards)
        return Backlog(due, None if oldest is None else max(timedelta(0), now - oldest))

    async def next_wake(self) -> datetime | None:
        async with self.store.connect() as conn:
            return await reminder_rows.next_due_at(conn, self.shards)
