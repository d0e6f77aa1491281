"""The sweep's numbers for ONE member from its raw rows (the oracle), and returning members.

`member_signals_reference` computes what the chunked sweep (`bot.pitfalls.store.sweep`)
aggregates, for one member, in Python: the store tests check that they agree on random data,
and the benchmark times it as the member-by-member design. The sweep never runs it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.activity.api import PRACTICE_KINDS, THEORY_KINDS, activity
from bot.core.cooperative import paced
from bot.core.store.schema import members
from bot.core.store.types import UTCDateTime
from bot.pitfalls.rules import MemberSignals
from bot.pitfalls.store.facts import best_streaks, community_days
from bot.pitfalls.thresholds import PitfallThresholds


def _window(guild_id: int, now: datetime, days: int) -> Any:
    """Activity of the guild that occurred in the last `days` days (up to `now`)."""
    return (
        (activity.c.guild_id == guild_id)
        & (activity.c.occurred_at > now - timedelta(days=days))
        & (activity.c.occurred_at <= now)
    )


def _sum(totals: dict[str, tuple[int, int]], kinds: Iterable[str]) -> int:
    return sum(totals.get(kind, (0, 0))[0] for kind in kinds)


def _signals(
    tutorial: dict[str, tuple[int, int]],
    isolation: dict[str, tuple[int, int]],
    gap: dict[str, tuple[int, int]],
    study_days: int,
    community: int,
    history_days: int | None,
) -> MemberSignals:
    return MemberSignals(
        course_minutes=_sum(tutorial, ["course"]),
        project_minutes=_sum(tutorial, ["project"]),
        project_events=tutorial.get("project", (0, 0))[1],
        study_days=study_days,
        # Either source is enough to say "not isolated"; the larger is the better count.
        community_events=max(isolation.get("community", (0, 0))[1], community),
        theory_minutes=_sum(gap, THEORY_KINDS),
        practice_minutes=_sum(gap, PRACTICE_KINDS),
        history_days=history_days,
    )


async def member_signals_reference(
    conn: AsyncConnection, guild_id: int, user_id: int, now: datetime, t: PitfallThresholds
) -> MemberSignals | None:
    """The same numbers for ONE member, from its raw rows: the sweep's test oracle.

    None when the member has no activity in any window (the sweep leaves them out too).
    """
    since = now - timedelta(days=t.longest_window())
    rows = [
        (r.occurred_at, r.kind, int(r.minutes), r.local_date)
        for r in await conn.execute(
            select(
                activity.c.occurred_at, activity.c.kind, activity.c.minutes, activity.c.local_date
            ).where(
                activity.c.guild_id == guild_id,
                activity.c.user_id == user_id,
                activity.c.occurred_at > since,
                activity.c.occurred_at <= now,
            )
        )
    ]
    if not rows:
        return None

    def totals(days: int) -> dict[str, tuple[int, int]]:
        start = now - timedelta(days=days)
        out: dict[str, tuple[int, int]] = {}
        for occurred, kind, minutes, _day in rows:
            if occurred > start:
                old_minutes, old_rows = out.get(kind, (0, 0))
                out[kind] = (old_minutes + minutes, old_rows + 1)
        return out

    iso_start = now - timedelta(days=t.isolation_days)
    study_days = len(
        {day for occurred, kind, _m, day in rows if occurred > iso_start and kind != "community"}
    )
    community = await community_days(conn, guild_id, now, t.isolation_days, user_id=user_id)
    return _signals(
        totals(t.tutorial_days),
        totals(t.isolation_days),
        totals(t.gap_days),
        study_days,
        community.get(user_id, 0),
        await _history_reference(conn, guild_id, user_id, now, t.longest_window()),
    )


async def _history_reference(
    conn: AsyncConnection, guild_id: int, user_id: int, now: datetime, longest_days: int
) -> int | None:
    """`history_days` for one member from its raw rows (None: known longer than
    `longest_days`, or no member row)."""
    row = (
        await conn.execute(
            select(members.c.created_at).where(
                members.c.guild_id == guild_id, members.c.user_id == user_id
            )
        )
    ).first()
    created: datetime | None = row.created_at if row is not None else None
    if created is None or created <= now - timedelta(days=longest_days):
        return None
    instants = [created]
    as_instant = UTCDateTime().process_result_value
    for (occurred,) in await conn.execute(
        select(activity.c.occurred_at).where(
            activity.c.guild_id == guild_id, activity.c.user_id == user_id
        )
    ):
        instant = as_instant(occurred, conn.dialect)
        if instant is not None:
            instants.append(instant)
    return max(0, (now - min(instants)).days)


async def returning_members(
    conn: AsyncConnection,
    guild_id: int,
    now: datetime,
    recent_days: int = 1,
    *,
    min_days_away: int = 0,
) -> dict[int, tuple[int, int]]:
    """Members active in the last `recent_days` after at least `min_days_away` days away ->
    (days away before that, best streak).

    "Days away" is the gap between their last activity before the recent window and their
    first one in it; members with no earlier activity (newcomers) are left out. The sweep
    asks only for those away long enough to welcome: half a big guild can be active today,
    and their best streaks (and a finding each) were read and built for nothing.

    Two queries: the recent members, each with their last earlier activity (one seek down
    the member index each, not an aggregate over all their history: that was ~1.8 s of
    SQLite for 100k members), kept only when that was at least `min_days_away` before now
    (the rest cannot have been away long enough); then their best streaks.
    """
    start = now - timedelta(days=recent_days)
    recent = (
        select(activity.c.user_id.label("user_id"), func.min(activity.c.occurred_at).label("first"))
        .where(_window(guild_id, now, recent_days))
        .group_by(activity.c.user_id)
        .subquery()
    )
    earlier = activity.alias("earlier")
    last_before = (
        select(func.max(earlier.c.occurred_at))
        .where(
            earlier.c.guild_id == guild_id,
            earlier.c.user_id == recent.c.user_id,
            earlier.c.occurred_at <= start,
        )
        .scalar_subquery()
    )
    pairs = select(recent.c.user_id, recent.c.first, last_before.label("last_before")).subquery()
    query: Select[Any] = select(pairs.c.user_id, pairs.c.first, pairs.c.last_before).where(
        pairs.c.last_before <= now - timedelta(days=min_days_away)
    )
    as_instant = UTCDateTime().process_result_value
    gaps: dict[int, int] = {}
    # Half a big guild can be back today: its rows are parsed a slice at a time, so the event
    # loop gets a turn between slices (all at once held it ~190 ms at 100k members).
    async for user_id, first, last_before in paced(await conn.execute(query)):
        first_at = as_instant(first, conn.dialect)
        before_at = as_instant(last_before, conn.dialect)
        if first_at is None or before_at is None:
            continue
        if (days_away := (first_at - before_at).days) >= min_days_away:
            gaps[int(user_id)] = days_away
    best = await best_streaks(conn, guild_id, sorted(gaps))
    return {user_id: (gap, best.get(user_id, 0)) for user_id, gap in gaps.items()}
