"""The delivery ledger: every scheduled send claims a unique key before it is sent.

States: claimed -> sent | failed (permanent: channel gone, no permission) | retry
(transient: Discord 5xx after discord.py's own retries; may be claimed again, a bounded
number of times) | skipped (outside its grace window).

A claim records its owner (the process's `Claimant`) and a lease. Another process never takes
a live claim; a claim whose lease ran out is taken over like a retry (its owner died
mid-send), and a process that restarts retries its own claims at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, not_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.store.engine import Claimant
from bot.core.store.rows import insert_new
from bot.core.store.schema import deliveries

MAX_ATTEMPTS = 5
#: How a delivery can end (a claim or a retry may still be sent).
FINISHED = ("sent", "skipped", "failed")


def claim_values(claimant: Claimant, now: datetime) -> dict[str, Any]:
    """The columns a claim sets: status, owner and lease."""
    return {"status": "claimed", "owner": claimant.owner, "lease_until": now + claimant.lease}


def claimable_again(now: datetime) -> ColumnElement[bool]:
    """The stored deliveries that may be claimed again at `now`: retryable, or abandoned by
    an owner whose lease ran out, within `MAX_ATTEMPTS` (`claimable` says it of one row)."""
    d = deliveries.c
    abandoned = and_(d.status == "claimed", d.lease_until < now)
    return and_(or_(d.status == "retry", abandoned), d.attempts < MAX_ATTEMPTS)


async def claim(
    conn: AsyncConnection,
    key: str,
    guild_id: int,
    kind: str,
    now: datetime,
    claimant: Claimant,
) -> int | None:
    """Which attempt the caller now owns (1: the first; more: an earlier attempt may have
    reached Discord), or None when it does not own the send: it is owned when the key is new,
    retryable, or its owner's lease ran out. Safe against concurrent claimers (one conditional
    statement each)."""
    claimed = {
        "key": key,
        "guild_id": guild_id,
        "kind": kind,
        "created_at": now,
        "attempts": 1,
        **claim_values(claimant, now),
    }
    if await insert_new(conn, deliveries, claimed):
        return 1
    retried = await conn.execute(
        update(deliveries)
        .where(deliveries.c.key == key, claimable_again(now))
        .values(attempts=deliveries.c.attempts + 1, **claim_values(claimant, now))
    )
    if retried.rowcount != 1:
        return None
    attempts = await conn.scalar(select(deliveries.c.attempts).where(deliveries.c.key == key))
    return int(attempts or 2)


async def finish(
    conn: AsyncConnection,
    key: str,
    status: str,
    now: datetime,
    *,
    channel_id: int | None = None,
    message_id: int | None = None,
    detail: str | None = None,
) -> None:
    values: dict[str, Any] = {"status": status, "detail": detail}
    if status == "sent":
        values.update(sent_at=now, channel_id=channel_id, message_id=message_id)
    await conn.execute(update(deliveries).where(deliveries.c.key == key).values(**values))


async def closed_keys(conn: AsyncConnection, keys: Sequence[str], now: datetime) -> set[str]:
    """The keys among `keys` whose delivery is over and left behind: in the ledger, not
    claimable again (sent, skipped, failed, or out of attempts), and the lease of the
    process that ended it has run out (while it runs, that process is still finishing its
    batch). A claim without a lease is never taken as over: nothing says its owner is gone.
    Read 500 keys a statement."""
    d = deliveries.c
    lease_over = or_(d.lease_until < now, and_(d.lease_until.is_(None), d.status != "claimed"))
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = select(d.key).where(
            d.key.in_(keys[start : start + 500]), not_(claimable_again(now)), lease_over
        )
        found.update((await conn.execute(chunk)).scalars())
    return found


def claimable(row: dict[str, Any], now: datetime) -> bool:
    """Whether a stored delivery may be claimed again: retryable, or abandoned by its owner."""
    if row["attempts"] >= MAX_ATTEMPTS:
        return False
    lease = row.get("lease_until")
    return row["status"] == "retry" or (
        row["status"] == "claimed" and lease is not None and lease < now
    )


async def record_skip(
    conn: AsyncConnection,
    key: str,
    guild_id: int,
    kind: str,
    now: datetime,
    detail: str,
    claimant: Claimant,
) -> bool:
    """Mark a delivery as deliberately skipped (e.g. outside its grace window)."""
    if not await claim(conn, key, guild_id, kind, now, claimant):
        return False
    await finish(conn, key, "skipped", now, detail=detail)
    return True


async def get(conn: AsyncConnection, key: str) -> dict[str, Any] | None:
    row = (await conn.execute(select(deliveries).where(deliveries.c.key == key))).first()
    return dict(row._mapping) if row else None


async def get_many(conn: AsyncConnection, keys: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The stored deliveries of `keys`, by key (keys never claimed are absent); read 500
    keys a statement (start-up asks for every guild's last post at once)."""
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(keys), 500):
        chunk = select(deliveries).where(deliveries.c.key.in_(keys[start : start + 500]))
        found.update({row.key: dict(row._mapping) for row in await conn.execute(chunk)})
    return found


async def requeue_interrupted(conn: AsyncConnection, claimant: Claimant, now: datetime) -> int:
    """At start: this process's own claims (its previous run died mid-send), unowned ones
    (from before claims had owners) and any past their lease become retryable. Another live
    process's claims are left alone: it is sending them right now."""
    result = await conn.execute(
        update(deliveries)
        .where(
            deliveries.c.status == "claimed",
            or_(
                deliveries.c.owner == claimant.owner,
                deliveries.c.owner.is_(None),
                deliveries.c.lease_until < now,
            ),
        )
        .values(status="retry")
    )
    return result.rowcount


async def counts_since(conn: AsyncConnection, guild_id: int, since: datetime) -> dict[str, int]:
    rows = await conn.execute(
        select(deliveries.c.status, func.count())
        .where(deliveries.c.guild_id == guild_id, deliveries.c.created_at >= since)
        .group_by(deliveries.c.status)
    )
    return {status: count for status, count in rows}


async def finish_many(conn: AsyncConnection, keys: list[str], status: str, now: datetime) -> None:
    if not keys:
        return
    values: dict[str, Any] = {"status": status, "detail": None}
    if status == "sent":
        values["sent_at"] = now
    for start in range(0, len(keys), 500):
        await conn.execute(
            update(deliveries)
            .where(deliveries.c.key.in_(keys[start : start + 500]))
            .values(**values)
        )


async def forget_finished(
    conn: AsyncConnection, kind: str, keys: tuple[str, str], before: datetime, limit: int
) -> int:
    """Delete up to `limit` finished deliveries of `kind` claimed before `before` whose keys
    lie strictly between `keys` (a range of the key index: for time-first keys, the ones
    that name an earlier time); returns how many went. The kind, age and status are checked
    on each row too, so the range only says where to look."""
    d = deliveries.c
    low, high = keys
    doomed = (
        select(d.key)
        .where(
            d.key > low,
            d.key < high,
            d.kind == kind,
            d.created_at < before,
            d.status.in_(FINISHED),
        )
        .limit(limit)
    )
    result = await conn.execute(delete(deliveries).where(d.key.in_(doomed)))
    return result.rowcount or 0
