"""What the sweep reads from other features and the member rows, for a whole guild at once.

Other features are reached only through their declared interfaces: the progress feature's
community-day counters, the projects feature's perfectionism facts, the daily feature's
streaks, the activity log. The member rows (nudge mode, who left, since when the store knows
a member) are the core's shared `members` table.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.activity.api import activity
from bot.core.store.idlists import listed
from bot.core.store.ranges import MemberRange
from bot.core.store.rows import streamed
from bot.core.store.schema import DEFAULT_NUDGE_MODE, members
from bot.core.store.types import UTCDateTime
from bot.daily.api import streaks
from bot.pitfalls.rules import ProjectFactsLike, community_since
from bot.progress.api import community_days as progress_community_days
from bot.projects.api import perfectionism_facts


async def community_days(
    conn: AsyncConnection,
    guild_id: int,
    now: datetime,
    days: int,
    user_id: int | None = None,
    users: MemberRange | None = None,
) -> dict[int, int]:
    """Days with community activity from the progress feature's counters (messages in the
    guild are counted there, outside `activity`)."""
    since = community_since(now, days)
    if user_id is None:
        return await progress_community_days(conn, guild_id, since, members=users)
    return await progress_community_days(conn, guild_id, since, user_id=user_id)


async def project_facts(
    conn: AsyncConnection, guild_id: int, now: datetime, users: MemberRange | None = None
) -> dict[int, ProjectFactsLike]:
    """member -> their most stuck active project (from the projects feature)."""
    return dict(await perfectionism_facts(conn, guild_id, now, users))


async def best_streaks(
    conn: AsyncConnection, guild_id: int, user_ids: Sequence[int]
) -> dict[int, int]:
    """member -> their best daily streak (members without a streak row are left out)."""
    if not user_ids:
        return {}
    dialect = conn.dialect.name
    query = select(streaks.c.user_id, streaks.c.best).where(
        streaks.c.guild_id == guild_id, listed(dialect, streaks.c.user_id, sorted(user_ids))
    )
    return {int(user_id): int(value) for user_id, value in await conn.execute(query)}


async def history_days(
    conn: AsyncConnection, guild_id: int, now: datetime, longest_days: int
) -> dict[int, int]:
    """member -> whole days since the store first knew them, for members whose member row is
    younger than `longest_days` (everyone else's history covers every window)."""
    known, _departed = await member_facts(conn, guild_id, now, longest_days, MemberRange())
    return known


async def member_facts(
    conn: AsyncConnection, guild_id: int, now: datetime, longest_days: int, users: MemberRange
) -> tuple[dict[int, int], set[int]]:
    """For the members in `users`: `history_days` of the young ones, and who departed.

    "First knew" is the earlier of the member row (made when they joined or first used the
    bot) and their first activity (a backdated row can be older than the member row). Two
    queries: the young or departed member rows of the range (on the member key), then the
    young members' first activity (their ids as one bound value, on the member index).
    """
    as_instant = UTCDateTime().process_result_value
    cutoff = now - timedelta(days=longest_days)
    young = members.c.created_at > cutoff
    rows = select(members.c.user_id, members.c.created_at, members.c.left_at).where(
        members.c.guild_id == guild_id,
        users.where(members.c.user_id),
        young | members.c.left_at.is_not(None),
    )
    since: dict[int, datetime] = {}
    gone: set[int] = set()
    for user_id, created, left in await conn.execute(rows):
        if created > cutoff:
            since[int(user_id)] = created
        if left is not None:
            gone.add(int(user_id))
    if since:
        # The young members' ids as one bound value (`listed`): an IN list of a parameter per
        # id was built, compiled and bound on the event loop at every sweep of every guild.
        first = (
            select(activity.c.user_id, func.min(activity.c.occurred_at))
            .where(
                activity.c.guild_id == guild_id,
                listed(conn.dialect.name, activity.c.user_id, sorted(since)),
            )
            .group_by(activity.c.user_id)
        )
        for user_id, earliest in await conn.execute(first):
            earliest_at = as_instant(earliest, conn.dialect)
            if earliest_at is not None and earliest_at < since[int(user_id)]:
                since[int(user_id)] = earliest_at
    return {user_id: max(0, (now - known).days) for user_id, known in since.items()}, gone


async def nudge_modes(
    conn: AsyncConnection, guild_id: int, user_ids: Sequence[int]
) -> dict[int, str]:
    """member -> their nudge mode, for the listed members who chose other than the default
    (the inbox): absent members get their nudges in the inbox."""
    m = members.c
    query: Select[Any] = select(m.user_id, m.nudge_mode).where(
        m.guild_id == guild_id,
        listed(conn.dialect.name, m.user_id, user_ids),
        m.nudge_mode != DEFAULT_NUDGE_MODE,
    )
    modes: dict[int, str] = {}
    async for rows in streamed(conn, query):
        modes.update((int(user_id), str(mode)) for user_id, mode in rows)
    return modes


async def departed(conn: AsyncConnection, guild_id: int) -> set[int]:
    """Members who left the guild (their data waits for the retention purge): no nudges."""
    query: Select[Any] = select(members.c.user_id).where(
        members.c.guild_id == guild_id, members.c.left_at.is_not(None)
    )
    return {int(user_id) for (user_id,) in await conn.execute(query)}
