"""`due_reminders`: member reminders served by the dispatcher tick (never one job each)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, cast, delete, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.attempts import Attempt
from bot.core.shards import UNSHARDED, ShardPlan
from bot.core.store import deliveries as ledger
from bot.core.store.engine import Claimant
from bot.core.store.rows import update_or_insert
from bot.core.store.schema import deliveries, due_reminders
from bot.core.store.types import UTCDateTime, instant_key_sql


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


async def advance_many(
    conn: AsyncConnection, moves: list[tuple[int, datetime, datetime | None]]
) -> int:
    """Move many served reminders at once (compare-and-set on each row's due time).

    Rows that move to the same next time from the same due time (most of a batch: one zone,
    one schedule) share one UPDATE .. WHERE id IN (..).
    """
    from collections import defaultdict

    groups: dict[tuple[datetime, datetime | None], list[int]] = defaultdict(list)
    for reminder_id, expected, next_due in moves:
        groups[(expected, next_due)].append(reminder_id)
    moved = 0
    for (expected, next_due), ids in groups.items():
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            condition = due_reminders.c.id.in_(chunk) & (due_reminders.c.due_at_utc == expected)
            if next_due is None:
                result = await conn.execute(delete(due_reminders).where(condition))
            else:
                result = await conn.execute(
                    update(due_reminders).where(condition).values(due_at_utc=next_due)
                )
            moved += result.rowcount or 0
    return moved


async def claim_due(
    conn: AsyncConnection, reminder_ids: list[int], now: datetime, claimant: Claimant
) -> dict[tuple[int, int, str], Attempt]:
    """Claim the ledger key of each listed reminder's current occurrence, in one statement.

    The key is built in SQL from the row itself, `kind:guild:user:due_at` with the due time in
    the one explicit key format (`instant_key`, the same text on every backend), so a batch
    costs one INSERT .. SELECT .. ON CONFLICT .. RETURNING (SQLite >= 3.35, PostgreSQL) with no
    per-row parameters. An occurrence already in the ledger is taken again only when it is
    retryable or its owner's lease ran out (the owner died mid-batch), as `ledger.claim`
    does. Returns (guild, user, kind) -> the `Attempt` (key, and whether an earlier attempt
    may have reached Discord) for the rows this caller won; occurrences a racing tick or
    another live process holds are simply absent.
    """
    if not reminder_ids:
        return {}
    r = due_reminders.c
    key = (
        r.kind
        + ":"
        + cast(r.guild_id, String)
        + ":"
        + cast(r.user_id, String)
        + ":"
        + instant_key_sql(r.due_at_utc)
    )
    source = select(
        key,
        r.guild_id,
        r.kind,
        literal("claimed"),
        literal(now, type_=UTCDateTime()),
        literal(1),
        literal(claimant.owner),
        literal(now + claimant.lease, type_=UTCDateTime()),
    ).where(
        r.id.in_(reminder_ids),
        # Still due: a row a racing tick has already moved on names its NEXT occurrence,
        # which must not be claimed now.
        r.due_at_utc <= now,
    )
    statement: Any
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        statement = postgresql.insert(deliveries)
    else:
        from sqlalchemy.dialects import sqlite

        statement = sqlite.insert(deliveries)
    statement = statement.from_select(
        ["key", "guild_id", "kind", "status", "created_at", "attempts", "owner", "lease_until"],
        source,
    )
    d = deliveries.c
    statement = statement.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "status": "claimed",
            "attempts": d.attempts + 1,
            "owner": statement.excluded.owner,
            "lease_until": statement.excluded.lease_until,
        },
        where=ledger.claimable_again(now),
    ).returning(d.key, d.guild_id, d.kind, d.attempts)
    owned: dict[tuple[int, int, str], Attempt] = {}
    for claimed_key, guild_id, kind, attempts in await conn.execute(statement):
        user_id = int(str(claimed_key).split(":", 3)[2])
        owned[(int(guild_id), user_id, str(kind))] = Attempt(str(claimed_key), attempts > 1)
    return owned
