"""Role rewards' SQL: the rewards, the grants, the members' numbers they are checked against
(set-based for a guild, or for the few members who changed), and the scan's watermark.

The numbers come from the other features' tables through their APIs: study minutes from the
study log (`bot.activity.api`, which voice study time lands in too), streaks from the cached
`streaks` (`bot.daily.api`), ships from `bot.projects.api.shipped_counts`.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Collection, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, delete, func, insert, select, true, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.activity.api import activity
from bot.core.shards import ShardPlan
from bot.core.store.rows import all_rows, count_rows, first_row, insert_new, inserted_id
from bot.core.store.schema import members
from bot.daily.api import streaks
from bot.projects.api import shipped_counts
from bot.rewards.tables import reward_scan, role_reward_grants, role_rewards

SCAN = "activity"
# A whole guild's numbers are read in slices of this many members: each slice is decoded and
# handled, then the event loop gets a turn (100k members at once held it for seconds).
STREAM_PARTITION = 2_000
rw = role_rewards.c
g = role_reward_grants.c

# --- rewards ----------------------------------------------------------------------------


async def of_guild(conn: AsyncConnection, guild_id: int) -> list[dict[str, Any]]:
    """The guild's rewards by kind, then threshold."""
    query = select(role_rewards).where(rw.guild_id == guild_id).order_by(rw.kind, rw.threshold)
    return await all_rows(conn, query)


async def count(conn: AsyncConnection, guild_id: int) -> int:
    return await count_rows(conn, role_rewards, rw.guild_id == guild_id)


async def get(conn: AsyncConnection, guild_id: int, reward_id: int) -> dict[str, Any] | None:
    return await first_row(
        conn, select(role_rewards).where(rw.guild_id == guild_id, rw.id == reward_id)
    )


async def at_threshold(
    conn: AsyncConnection, guild_id: int, kind: str, threshold: int
) -> dict[str, Any] | None:
    query = select(role_rewards).where(
        rw.guild_id == guild_id, rw.kind == kind, rw.threshold == threshold
    )
    return await first_row(conn, query)


async def with_role(conn: AsyncConnection, guild_id: int, role_id: int) -> dict[str, Any] | None:
    return await first_row(
        conn, select(role_rewards).where(rw.guild_id == guild_id, rw.role_id == role_id)
    )


async def add(
    conn: AsyncConnection, guild_id: int, kind: str, threshold: int, role_id: int, now: datetime
) -> int:
    values = {"kind": kind, "threshold": threshold, "role_id": role_id}
    statement = insert(role_rewards).values(
        guild_id=guild_id, created_at=now, updated_at=now, **values
    )
    return await inserted_id(conn, statement)


async def set_role(conn: AsyncConnection, reward_id: int, role_id: int, now: datetime) -> None:
    await conn.execute(
        update(role_rewards).where(rw.id == reward_id).values(role_id=role_id, updated_at=now)
    )


async def remove(conn: AsyncConnection, reward_id: int) -> None:
    await conn.execute(delete(role_reward_grants).where(g.reward_id == reward_id))
    await conn.execute(delete(role_rewards).where(rw.id == reward_id))


async def rearm(conn: AsyncConnection, guild_id: int, now: datetime) -> list[int]:
    """Clear every broken reward of the guild and queue a check of all members against them;
    returns the ids cleared."""
    broken = [
        int(row[0])
        for row in await conn.execute(
            select(rw.id).where(rw.guild_id == guild_id, rw.broken.is_not(None))
        )
    ]
    if broken:
        await conn.execute(
            update(role_rewards)
            .where(rw.id.in_(broken))
            .values(broken=None, swept_at=None, updated_at=now)
        )
    return broken


async def set_broken(conn: AsyncConnection, reward_id: int, reason: str, now: datetime) -> bool:
    """Mark a reward broken; True when it was working until now."""
    result = await conn.execute(
        update(role_rewards)
        .where(rw.id == reward_id, rw.broken.is_(None))
        .values(broken=reason, updated_at=now)
    )
    return result.rowcount == 1


async def clear_broken(conn: AsyncConnection, reward_id: int, now: datetime) -> None:
    await conn.execute(
        update(role_rewards)
        .where(rw.id == reward_id)
        .values(broken=None, swept_at=None, updated_at=now)
    )


async def set_swept(conn: AsyncConnection, guild_id: int, now: datetime) -> None:
    await conn.execute(
        update(role_rewards)
        .where(rw.guild_id == guild_id, rw.swept_at.is_(None), rw.broken.is_(None))
        .values(swept_at=now)
    )


async def guild_ids(conn: AsyncConnection) -> list[int]:
    """Guilds with at least one reward."""
    return [int(row[0]) for row in await conn.execute(select(rw.guild_id).distinct())]


async def unswept_guilds(conn: AsyncConnection) -> list[int]:
    """Guilds with a working reward that no member was checked against yet."""
    query = select(rw.guild_id).where(rw.swept_at.is_(None), rw.broken.is_(None)).distinct()
    return sorted(int(row[0]) for row in await conn.execute(query))


# --- the members' numbers -----------------------------------------------------------------


def _among(column: Any, users: Collection[int] | None) -> ColumnElement[bool]:
    return column.in_(list(users)) if users is not None else true()


async def study_minutes(
    conn: AsyncConnection, guild_id: int, users: Collection[int] | None, since: date | None
) -> dict[int, int]:
    """Member -> minutes in the study log (since a local date, or ever)."""
    query = (
        select(activity.c.user_id, func.sum(activity.c.minutes))
        .where(activity.c.guild_id == guild_id, _among(activity.c.user_id, users))
        .group_by(activity.c.user_id)
    )
    if since is not None:
        query = query.where(activity.c.local_date >= since.isoformat())
    found: dict[int, int] = {}
    result = await conn.stream(query)
    async for partition in result.partitions(STREAM_PARTITION):
        found.update((int(user), int(total or 0)) for user, total in partition)
    return found


async def streak_rows(
    conn: AsyncConnection, guild_id: int, users: Collection[int] | None
) -> AsyncIterator[Sequence[Row[Any]]]:
    """Cached streaks (user_id, current, freezes, last_day) with the member's own timezone,
    in slices of STREAM_PARTITION rows."""
    joined = streaks.outerjoin(
        members,
        and_(members.c.guild_id == streaks.c.guild_id, members.c.user_id == streaks.c.user_id),
    )
    query = (
        select(
            streaks.c.user_id,
            streaks.c.current,
            streaks.c.freezes,
            streaks.c.last_day,
            members.c.timezone,
        )
        .select_from(joined)
        .where(streaks.c.guild_id == guild_id, _among(streaks.c.user_id, users))
    )
    result = await conn.stream(query)
    async for partition in result.partitions(STREAM_PARTITION):
        yield partition


async def ships(conn: AsyncConnection, guild_id: int) -> dict[int, int]:
    """Member -> projects shipped."""
    return await shipped_counts(conn, guild_id, None)


async def departed(conn: AsyncConnection, guild_id: int) -> set[int]:
    """Members who left the guild (their data waits for the retention purge)."""
    query = select(members.c.user_id).where(
        members.c.guild_id == guild_id, members.c.left_at.is_not(None)
    )
    return {int(row[0]) for row in await conn.execute(query)}


# --- grants -------------------------------------------------------------------------------


async def granted(
    conn: AsyncConnection, reward_id: int, period: str, users: Collection[int] | None
) -> set[int]:
    """Members who were given the reward in `period`."""
    query = select(g.user_id).where(
        g.reward_id == reward_id, g.period == period, _among(g.user_id, users)
    )
    found: set[int] = set()
    result = await conn.stream(query)
    async for partition in result.partitions(STREAM_PARTITION):
        found.update(int(row[0]) for row in partition)
    return found


async def add_grant(
    conn: AsyncConnection,
    guild_id: int,
    user_id: int,
    reward_id: int,
    period: str,
    now: datetime,
) -> bool:
    grant = {
        "guild_id": guild_id,
        "user_id": user_id,
        "reward_id": reward_id,
        "period": period,
        "granted_at": now,
    }
    return await insert_new(conn, role_reward_grants, grant)


async def stale_grants(conn: AsyncConnection, guild_id: int, period: str) -> list[dict[str, Any]]:
    """Monthly grants of an earlier month whose role is still to be taken back."""
    query = (
        select(g.id, g.user_id, g.reward_id, rw.role_id, rw.broken)
        .select_from(role_reward_grants.join(role_rewards, rw.id == g.reward_id))
        .where(
            g.guild_id == guild_id,
            g.period != "",
            g.period != period,
            g.removed_at.is_(None),
        )
        .order_by(g.id)
    )
    return await all_rows(conn, query)


async def mark_removed(conn: AsyncConnection, grant_id: int, now: datetime) -> None:
    await conn.execute(update(role_reward_grants).where(g.id == grant_id).values(removed_at=now))


# --- the scan's watermark -----------------------------------------------------------------


def scan_name(shards: ShardPlan) -> str:
    """The watermark's row for a process's shards: each shard process scans its own guilds
    and keeps its own place in the study log."""
    if shards.covers_all:
        return SCAN
    return f"{SCAN}:{hashlib.sha1(shards.describe().encode()).hexdigest()[:12]}"


async def scan_state(conn: AsyncConnection, name: str = SCAN) -> dict[str, Any] | None:
    return await first_row(conn, select(reward_scan).where(reward_scan.c.name == name))


async def save_scan(
    conn: AsyncConnection, activity_id: int, now: datetime, name: str = SCAN
) -> None:
    updated = await conn.execute(
        update(reward_scan)
        .where(reward_scan.c.name == name)
        .values(activity_id=activity_id, scanned_at=now)
    )
    if updated.rowcount == 0:
        scanned = {"name": name, "activity_id": activity_id, "scanned_at": now}
        await insert_new(conn, reward_scan, scanned)


async def last_activity_id(conn: AsyncConnection) -> int:
    return int((await conn.execute(select(func.max(activity.c.id)))).scalar() or 0)


async def changed_members(
    conn: AsyncConnection,
    guild_ids: Collection[int],
    after_activity: int,
    up_to_activity: int,
    streaks_since: datetime,
) -> set[tuple[int, int]]:
    """(guild, member) pairs in `guild_ids` with a study-log row after the watermark (a log,
    a ship, an interview answer, voice time) or a streak updated since the last scan."""
    if not guild_ids:
        return set()
    ids = list(guild_ids)
    logged = select(activity.c.guild_id, activity.c.user_id).where(
        activity.c.id > after_activity,
        activity.c.id <= up_to_activity,
        activity.c.guild_id.in_(ids),
    )
    streaked = select(streaks.c.guild_id, streaks.c.user_id).where(
        streaks.c.guild_id.in_(ids), streaks.c.updated_at >= streaks_since
    )
    found: set[tuple[int, int]] = set()
    for query in (logged, streaked):
        found.update((int(guild), int(user)) for guild, user in await conn.execute(query))
    return found
