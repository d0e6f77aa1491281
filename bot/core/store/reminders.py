"""`due_reminders`: member reminders served by the dispatcher tick (never one job each)."""

from __future__ import annotations

import typing
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BindParameter,
    Integer,
    String,
    TextClause,
    bindparam,
    cast,
    delete,
    func,
    literal_column,
    select,
    text,
    tuple_,
    type_coerce,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.sqltypes import NullType
from sqlalchemy.types import TypeEngine

from bot.core.attempts import Attempt
from bot.core.shards import UNSHARDED, ShardPlan
from bot.core.store import deliveries as ledger
from bot.core.store.engine import Claimant
from bot.core.store.idlists import ids_in, ids_param, ids_value
from bot.core.store.rows import update_or_insert
from bot.core.store.schema import deliveries, due_reminders
from bot.core.store.types import UTCDateTime, instant_key_sql
from bot.core.time import INSTANT_KEY_FORMAT

#: No conversion either way: a batch carries each row's due time exactly as the driver gave
#: it (text on SQLite, a naive datetime on PostgreSQL) and compares against it unchanged.
STORED = NullType()


async def upsert(
    conn: AsyncConnection,
    guild_id: int,
    user_id: int,
    kind: str,
    due_at: datetime,
    payload: dict[str, Any] | None = None,
) -> None:
    key = {"guild_id": guild_id, "user_id": user_id, "kind": kind}
    values = {"due_at_utc": due_at, "payload": payload or {}}
    await update_or_insert(conn, due_reminders, key, values)


async def remove(conn: AsyncConnection, guild_id: int, user_id: int, kind: str) -> None:
    await conn.execute(
        delete(due_reminders).where(
            due_reminders.c.guild_id == guild_id,
            due_reminders.c.user_id == user_id,
            due_reminders.c.kind == kind,
        )
    )


async def due(
    conn: AsyncConnection, now: datetime, limit: int, shards: ShardPlan = UNSHARDED
) -> list[dict[str, Any]]:
    """What is due at `now` for the guilds on `shards` (this process's), oldest first."""
    r = due_reminders.c
    result = await conn.execute(
        # The payload is not read here: handlers that need it load it (a tick may read
        # thousands of rows, and decoding JSON for each is most of a big tick's cost).
        select(r.id, r.guild_id, r.user_id, r.kind, r.due_at_utc)
        .where(due_reminders.c.due_at_utc <= now, shards.owns_column(r.guild_id))
        .order_by(due_reminders.c.due_at_utc, due_reminders.c.id)
        .limit(limit)
    )
    # Read-only mappings (no per-row dict copy): a tick may read thousands of rows.
    return list(result.mappings())  # type: ignore[arg-type]


async def advance(
    conn: AsyncConnection, reminder_id: int, expected_due: datetime, next_due: datetime | None
) -> bool:
    """Move a served reminder on; compare-and-set so two racing ticks advance it once."""
    condition = (due_reminders.c.id == reminder_id) & (due_reminders.c.due_at_utc == expected_due)
    if next_due is None:
        result = await conn.execute(delete(due_reminders).where(condition))
    else:
        result = await conn.execute(
            update(due_reminders).where(condition).values(due_at_utc=next_due)
        )
    return result.rowcount == 1


async def next_due_at(conn: AsyncConnection, shards: ShardPlan = UNSHARDED) -> datetime | None:
    r = due_reminders.c
    value: datetime | None = (
        await conn.execute(select(func.min(r.due_at_utc)).where(shards.owns_column(r.guild_id)))
    ).scalar()
    if value is not None and value.tzinfo is None:
        from datetime import UTC

        value = value.replace(tzinfo=UTC)
    return value


async def backlog(
    conn: AsyncConnection, now: datetime, shards: ShardPlan = UNSHARDED
) -> tuple[int, datetime | None]:
    """How many reminders are due at `now`, and the earliest due time among them (one
    indexed aggregate, cheap enough for every metrics scrape)."""
    row = (
        await conn.execute(
            select(func.count(), func.min(due_reminders.c.due_at_utc)).where(
                due_reminders.c.due_at_utc <= now, shards.owns_column(due_reminders.c.guild_id)
            )
        )
    ).one()
    count, oldest = int(row[0]), row[1]
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return count, oldest


def occurrence_key(kind: str, guild_id: int, user_id: int, when: str) -> str:
    """The ledger key of one occurrence of a member's reminder, `kind:when:guild:user`, with
    `when` the due time in the one key format (`bot.core.time.instant_key`); `claim_due`
    builds the same text in SQL.

    The time comes before the member: the thousands of keys one tick claims (everyone's 09:00)
    are neighbours in the ledger's key index, so a claim writes a few index pages at the end of
    its kind's range. Member first (`kind:guild:user:when`, before migration 0017) put each new
    key beside that member's earlier ones, a different index page for every member: with 90
    days of history in the ledger, a 10,000-row SQLite claim dirtied ~5,000 pages per batch
    (~20 MB of WAL) and the tick took 5x as long (BENCHMARKS.md, round 8)."""
    return f"{kind}:{when}:{guild_id}:{user_id}"


def occurrences_before(kind: str, when: str) -> tuple[str, str]:
    """The keys of `kind`'s occurrences due before `when` (`instant_key` text) lie strictly
    between these two (`occurrence_key` puts the time first). Keys from before migration
    0017 (`kind:guild:user:when`) sort by guild id instead: those of guilds whose id begins
    with a 1 (made since mid-2022) fall in the range; others may lie past it, and stay."""
    return f"{kind}:", f"{kind}:{when}"


def occurrence_member(key: str) -> tuple[int, int]:
    """(guild, user) of an `occurrence_key` (the due time holds colons of its own)."""
    _, guild_id, user_id = key.rsplit(":", 2)
    return int(guild_id), int(user_id)


class Due:
    """One due reminder of a batch, as the dispatcher hands it to a claimed kind's handler.

    Built for thousands at once, so it carries only what handlers and the dispatcher use, and
    the due time as stored (no per-row datetime decoding): `due_at` decodes it on demand.
    `claim` is the occurrence's ledger `Attempt`, built when a handler asks for it (a batch
    claimed fresh in one statement knows every row holds attempt 1 without reading keys back).
    """

    __slots__ = ("_claim", "guild_id", "id", "kind", "stored_due", "user_id")

    def __init__(
        self, reminder_id: int, guild_id: int, user_id: int, kind: str, stored_due: Any
    ) -> None:
        self.id = reminder_id
        self.guild_id = guild_id
        self.user_id = user_id
        self.kind = kind
        self.stored_due = stored_due
        self._claim: Attempt | None = None

    @property
    def due_at(self) -> datetime:
        raw = self.stored_due
        instant: datetime = datetime.fromisoformat(raw) if isinstance(raw, str) else raw
        return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant

    @property
    def key(self) -> str:
        """The occurrence's ledger key: the same text `claim_due` builds in SQL."""
        raw = self.stored_due
        when = (
            raw
            if isinstance(raw, str)
            else self.due_at.astimezone(UTC).strftime(INSTANT_KEY_FORMAT)
        )
        return occurrence_key(self.kind, self.guild_id, self.user_id, when)

    @property
    def claim(self) -> Attempt:
        if self._claim is None:
            self._claim = Attempt(self.key)
        return self._claim

    @property
    def closed(self) -> bool:
        """Whether the ledger holds this occurrence as over (`closed_occurrences`)."""
        return self._claim is not None and self._claim.closed

    def __repr__(self) -> str:
        fields = (self.id, self.guild_id, self.user_id, self.kind, self.stored_due)
        return f"Due{fields!r}"


async def due_batch(
    conn: AsyncConnection,
    now: datetime,
    limit: int,
    shards: ShardPlan = UNSHARDED,
    after: Due | None = None,
) -> list[Due]:
    """`due`, lean: what the dispatcher and handlers use, the due time undecoded. `after`:
    only rows past that one in the due order, `(due_at_utc, id)` (a tick's next page, read
    straight from the due index)."""
    r = due_reminders.c
    stored_due = type_coerce(r.due_at_utc, STORED)
    query = (
        select(r.id, r.guild_id, r.user_id, r.kind, stored_due)
        .where(r.due_at_utc <= now, shards.owns_column(r.guild_id))
        .order_by(r.due_at_utc, r.id)
        .limit(limit)
    )
    if after is not None:
        past = bindparam("after_due", after.stored_due, type_=STORED)
        last_id = bindparam("after_id", after.id, type_=Integer)
        query = query.where(tuple_(stored_due, r.id) > tuple_(past, last_id))
    result = await conn.execute(query)
    # All rows at once: iterating the result fetched them one call at a time.
    return [Due(*row) for row in result.all()]


_CLAIM_PARAMS: dict[str, TypeEngine[Any]] = {
    "now": UTCDateTime(),
    "lease_until": UTCDateTime(),
    "owner": String(),
}
_claim_statements: dict[tuple[str, bool], TextClause] = {}


def _claim_statement(dialect: Dialect, fresh: bool) -> TextClause:
    """INSERT INTO deliveries .. SELECT the current occurrence key of each listed reminder:
    plain (`fresh`: any key already in the ledger fails the statement) or ON CONFLICT
    re-claiming what is claimable again, RETURNING what was won.

    The key is built in SQL from the row itself, `occurrence_key`'s `kind:due_at:guild:user`
    with the due time in the one explicit key format (`instant_key`, the same text on every
    backend; `Due.key` builds the same text in Python), with no per-row parameters.

    Compiled once per dialect into a text statement: SQLAlchemy never caches the compiled form
    of an INSERT .. ON CONFLICT (its dialect `Insert` has no cache key), and compiling it took
    a few ms of event-loop time for every batch."""
    found = _claim_statements.get((dialect.name, fresh))
    if found is not None:
        return found
    r = due_reminders.c
    params: dict[str, BindParameter[Any]] = {
        name: bindparam(name, type_=type_) for name, type_ in _CLAIM_PARAMS.items()
    }
    params["ids"] = ids_param(dialect.name)
    # Compiled without a driver's help (see below), PostgreSQL is told each parameter's type
    # where it cannot infer one (a SELECT list, ANY); SQLite has no casts worth having.
    # (Compiled untyped: a typed array parameter would come out as `:ids::BIGINT[]`.)
    typed: dict[str, Any] = {name: bindparam(name) for name in params}
    if dialect.name == "postgresql":
        typed = {name: cast(typed[name], param.type) for name, param in params.items()}
    key = (  # occurrence_key
        r.kind
        + literal_column("':'")
        + instant_key_sql(r.due_at_utc)
        + literal_column("':'")
        + cast(r.guild_id, String)
        + literal_column("':'")
        + cast(r.user_id, String)
    )
    source = select(
        key,
        r.guild_id,
        r.kind,
        literal_column("'claimed'"),
        typed["now"],
        literal_column("1"),
        typed["owner"],
        typed["lease_until"],
    ).where(
        ids_in(dialect.name, r.id, typed["ids"]),
        # Still due: a row a racing tick has already moved on names its NEXT occurrence,
        # which must not be claimed now.
        r.due_at_utc <= typed["now"],
    )
    insert = (postgresql if dialect.name == "postgresql" else sqlite).insert(deliveries)
    statement: Any = insert.from_select(
        ["key", "guild_id", "kind", "status", "created_at", "attempts", "owner", "lease_until"],
        source,
    )
    if fresh and dialect.name != "postgresql":
        # SQLite: a key already there is skipped, not an error (see `claim_fresh`).
        statement = statement.on_conflict_do_nothing(index_elements=["key"])
    elif not fresh:
        d = deliveries.c
        statement = statement.on_conflict_do_update(
            index_elements=["key"],
            set_={
                "status": "claimed",
                "attempts": d.attempts + 1,
                "owner": statement.excluded.owner,
                "lease_until": statement.excluded.lease_until,
            },
            # the bound `now` stands in for a datetime here
            where=ledger.claimable_again(typing.cast(datetime, typed["now"])),
        ).returning(d.key, d.guild_id, d.kind, d.attempts)
    # Plain `:name` parameters (the generic dialect: asyncpg's compiler would append casts
    # such as `:now::TIMESTAMP`, which text() does not read), bound again at execution by the
    # connection's own dialect.
    generic: Any = postgresql.dialect if dialect.name == "postgresql" else sqlite.dialect
    compiled = statement.compile(dialect=generic(paramstyle="named"))
    # The statement's own constants ('claimed', MAX_ATTEMPTS, ..) stay bound values.
    constants = [
        bindparam(name, value, type_=compiled.binds[name].type)
        for name, value in compiled.params.items()
        if name not in params
    ]
    text_statement = text(str(compiled)).bindparams(*params.values(), *constants)
    _claim_statements[(dialect.name, fresh)] = text_statement
    return text_statement


def _claim_values(
    dialect: str, reminder_ids: Sequence[int], now: datetime, claimant: Claimant
) -> dict[str, Any]:
    return {
        "ids": ids_value(dialect, reminder_ids),
        "now": now,
        "owner": claimant.owner,
        "lease_until": now + claimant.lease,
    }


async def claim_fresh(
    conn: AsyncConnection, reminder_ids: Sequence[int], now: datetime, claimant: Claimant
) -> bool:
    """Claim every listed reminder's occurrence as a first attempt, in one statement with
    nothing read back: True when each row's key was new (the caller owns them all, attempt
    1, keys as `Due.key`). False when any key existed or any row is no longer due (a racing
    tick, a re-claim): the caller must roll this transaction back and use `claim_due`.

    On PostgreSQL a plain INSERT, not ON CONFLICT DO NOTHING: the fresh claim is all or
    nothing anyway, and PostgreSQL's speculative insertion (what ON CONFLICT does per row)
    touched nearly twice the buffers and wrote a third more WAL per 1,000 rows. A key already
    claimed is a unique violation, answered as False; it has aborted the transaction, which
    the caller rolls back as it must. On SQLite ON CONFLICT DO NOTHING, and fewer rows than
    listed answer False: a caught error there leaves the failed statement's cursor to the
    garbage collector (`bot.core.store.rows.insert_new` says why that stalls the loop)."""
    if not reminder_ids:
        return True
    dialect = conn.dialect
    try:
        result = await conn.execute(
            _claim_statement(dialect, fresh=True),
            _claim_values(dialect.name, reminder_ids, now, claimant),
        )
    except IntegrityError:
        return False
    return result.rowcount == len(reminder_ids)


async def claim_due(
    conn: AsyncConnection, reminder_ids: Sequence[int], now: datetime, claimant: Claimant
) -> dict[tuple[int, int, str], Attempt]:
    """Claim the ledger key of each listed reminder's current occurrence, in one statement,
    reading back what was won.

    One INSERT .. SELECT .. ON CONFLICT .. RETURNING (SQLite >= 3.35, PostgreSQL). An
    occurrence already in the ledger is taken again only when it is retryable or its owner's
    lease ran out (the owner died mid-batch), as `ledger.claim` does. Returns (guild, user,
    kind) -> the `Attempt` (key, and whether an earlier attempt may have reached Discord) for
    the rows this caller won; occurrences a racing tick or another live process holds are
    simply absent. (`claim_fresh` is the cheaper first try: no rows read back.)
    """
    if not reminder_ids:
        return {}
    dialect = conn.dialect
    result = await conn.execute(
        _claim_statement(dialect, fresh=False),
        _claim_values(dialect.name, reminder_ids, now, claimant),
    )
    owned: dict[tuple[int, int, str], Attempt] = {}
    for claimed_key, guild_id, kind, attempts in result:
        _, user_id = occurrence_member(str(claimed_key))
        owned[(int(guild_id), user_id, str(kind))] = Attempt(str(claimed_key), attempts > 1)
    return owned


def adopt_claims(batch: Sequence[Due], owned: Mapping[tuple[int, int, str], Attempt]) -> list[Due]:
    """The rows of `batch` whose occurrence `owned` (from `claim_due`) holds, each given its
    attempt."""
    won: list[Due] = []
    for row in batch:
        attempt = owned.get((row.guild_id, row.user_id, row.kind))
        if attempt is not None:
            row._claim = attempt
            won.append(row)
    return won


async def closed_occurrences(
    conn: AsyncConnection, rows: Sequence[Due], now: datetime
) -> list[Due]:
    """The rows of `rows` whose occurrence the ledger holds as over although the row is
    still due, left behind by the process that served it (`ledger.closed_keys`: its lease
    ran out), each given a closed `Attempt`: its handler sends nothing and says when the
    reminder is due next.

    A process that stopped after a batch's sends and before its moves committed leaves such
    rows; no claim can ever win them again, so without this they would stay due for good
    (and make every later tick's first batch contended)."""
    by_key = {row.key: row for row in rows}
    closed = await ledger.closed_keys(conn, list(by_key), now)
    found: list[Due] = []
    for key, row in by_key.items():
        if key in closed:
            row._claim = Attempt(key, closed=True)
            found.append(row)
    return found


async def advance_batch(
    conn: AsyncConnection, moves: Mapping[tuple[Any, datetime | None], Sequence[int]]
) -> int:
    """Move many served reminders at once: `moves` maps (stored due time, next due time or
    None to delete) to the ids moving so. Compare-and-set on the stored due time, so a row a
    racing tick (or the member) has moved meanwhile is left alone.

    Most of a batch shares one key (one zone, one schedule): one UPDATE .. WHERE id IN (..)
    each, with the ids as one bound value (`ids_in`)."""
    r = due_reminders.c
    dialect = conn.dialect.name
    moved = 0
    for (stored, next_due), ids in moves.items():
        listed = ids_param(dialect, ids_value(dialect, ids))
        condition = ids_in(dialect, r.id, listed) & (
            type_coerce(r.due_at_utc, STORED) == bindparam(None, stored, type_=STORED)
        )
        if next_due is None:
            result = await conn.execute(delete(due_reminders).where(condition))
        else:
            result = await conn.execute(
                update(due_reminders).where(condition).values(due_at_utc=next_due)
            )
        moved += result.rowcount or 0
    return moved
