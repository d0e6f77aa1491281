"""Pitfall sweep queries, detections, nudges, feedback and mutes.

`sweep_guild` aggregates every member of a guild with a handful of GROUP BY queries over
`activity` (served by `ix_activity_pitfall_sweep`); `member_signals_reference` computes the
same numbers for one member from the raw rows in Python. The store test checks they agree
on random data; the sweep never runs the reference.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.activity.rules import PRACTICE_KINDS, THEORY_KINDS
from bot.activity.tables import activity
from bot.core.cooperative import paced
from bot.core.store.schema import members
from bot.daily.tables import streaks
from bot.pitfalls.rules import (
    Detection,
    MemberSignals,
    PitfallThresholds,
    ProjectFactsLike,
    SentNudge,
)
from bot.pitfalls.tables import (
    pitfall_detections,
    pitfall_mutes,
    pitfall_nudges,
    pitfall_settings,
    pitfall_sweeps,
)

log = logging.getLogger(__name__)

#: Ids per IN (...) list: far below every database's bind-parameter limit.
CHUNK = 500


DETECTION_SLICE = 1000
STREAM_PARTITION = 1000


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])


# --- settings --------------------------------------------------------------------------


async def settings(conn: AsyncConnection, guild_id: int) -> dict[str, Any] | None:
    row = (
        await conn.execute(select(pitfall_settings).where(pitfall_settings.c.guild_id == guild_id))
    ).first()
    return dict(row._mapping) if row else None


async def all_settings(conn: AsyncConnection) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in await conn.execute(select(pitfall_settings))]


async def save_settings(
    conn: AsyncConnection,
    guild_id: int,
    now: datetime,
    *,
    overrides: dict[str, int | float] | None = None,
    enabled: bool | None = None,
) -> dict[str, Any]:
    if await settings(conn, guild_id) is None:
        await conn.execute(
            insert(pitfall_settings).values(guild_id=guild_id, overrides={}, updated_at=now)
        )
    values: dict[str, Any] = {"updated_at": now}
    if overrides is not None:
        values["overrides"] = overrides
    if enabled is not None:
        values["enabled"] = enabled
    await conn.execute(
        update(pitfall_settings).where(pitfall_settings.c.guild_id == guild_id).values(**values)
    )
    saved = await settings(conn, guild_id)
    assert saved is not None
    return saved


# --- the sweep: set-based ----------------------------------------------------------------


def _window(guild_id: int, now: datetime, days: int) -> Any:
    """Activity of the guild that occurred in the last `days` days (up to `now`)."""
    return (
        (activity.c.guild_id == guild_id)
        & (activity.c.occurred_at > now - timedelta(days=days))
        & (activity.c.occurred_at <= now)
    )


async def _kind_totals(
    conn: AsyncConnection, guild_id: int, now: datetime, days: int
) -> dict[int, dict[str, tuple[int, int]]]:
    """member -> kind -> (minutes, rows) in the window: one GROUP BY for the guild."""
    query: Select[Any] = (
        select(
            activity.c.user_id,
            activity.c.kind,
            func.coalesce(func.sum(activity.c.minutes), 0),
            func.count(),
        )
        .where(_window(guild_id, now, days))
        .group_by(activity.c.user_id, activity.c.kind)
    )
    totals: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    # Streamed in partitions: each fetch awaits the driver, so a 100k-member guild's rows
    # never hold the event loop in one piece.
    result = await conn.stream(query)
    async for partition in result.partitions(STREAM_PARTITION):
        for user_id, kind, minutes, rows in partition:
            totals[int(user_id)][str(kind)] = (int(minutes), int(rows))
    return totals


async def _study_days(
    conn: AsyncConnection, guild_id: int, now: datetime, days: int
) -> dict[int, int]:
    """member -> distinct local dates with study (anything but community) in the window."""
    query: Select[Any] = (
        select(activity.c.user_id, func.count(func.distinct(activity.c.local_date)))
        .where(_window(guild_id, now, days), activity.c.kind != "community")
        .group_by(activity.c.user_id)
    )
    counts: dict[int, int] = {}
    result = await conn.stream(query)
    async for partition in result.partitions(STREAM_PARTITION):
        counts.update((int(user_id), int(count)) for user_id, count in partition)
    return counts


def community_since(now: datetime, days: int) -> date:
    """The first local date of a `days`-day window ending today (for day-based counters)."""
    return now.date() - timedelta(days=days - 1)


async def _community_days(
    conn: AsyncConnection, guild_id: int, now: datetime, days: int, user_id: int | None = None
) -> dict[int, int]:
    """Days with community activity from the progress feature's counters (messages in the
    guild are counted there, outside `activity`). Empty when that feature is absent."""
    try:
        from bot.progress.store import community_days
    except ImportError:  # the progress feature is optional for the sweep
        return {}
    since = community_since(now, days)
    if user_id is None:
        return await community_days(conn, guild_id, since)
    return await community_days(conn, guild_id, since, user_id=user_id)


def _sum(totals: dict[str, tuple[int, int]], kinds: Iterable[str]) -> int:
    return sum(totals.get(kind, (0, 0))[0] for kind in kinds)


def _signals(
    tutorial: dict[str, tuple[int, int]],
    isolation: dict[str, tuple[int, int]],
    gap: dict[str, tuple[int, int]],
    study_days: int,
    community_days: int,
) -> MemberSignals:
    return MemberSignals(
        course_minutes=_sum(tutorial, ["course"]),
        project_minutes=_sum(tutorial, ["project"]),
        project_events=tutorial.get("project", (0, 0))[1],
        study_days=study_days,
        # Either source is enough to say "not isolated"; the larger is the better count.
        community_events=max(isolation.get("community", (0, 0))[1], community_days),
        theory_minutes=_sum(gap, THEORY_KINDS),
        practice_minutes=_sum(gap, PRACTICE_KINDS),
    )


async def sweep_guild(
    conn: AsyncConnection, guild_id: int, now: datetime, t: PitfallThresholds
) -> dict[int, MemberSignals]:
    """Every member with activity in any rule's window -> their numbers.

    One GROUP BY per distinct window length (at most three), one for study days, and one
    for the community counters: never a query per member.
    """
    by_window: dict[int, dict[int, dict[str, tuple[int, int]]]] = {}
    for days in {t.tutorial_days, t.isolation_days, t.gap_days}:
        by_window[days] = await _kind_totals(conn, guild_id, now, days)
    study = await _study_days(conn, guild_id, now, t.isolation_days)
    community = await _community_days(conn, guild_id, now, t.isolation_days)
    user_ids: set[int] = set(study)
    for totals in by_window.values():
        user_ids |= set(totals)
    return {
        user_id: _signals(
            by_window[t.tutorial_days].get(user_id, {}),
            by_window[t.isolation_days].get(user_id, {}),
            by_window[t.gap_days].get(user_id, {}),
            study.get(user_id, 0),
            community.get(user_id, 0),
        )
        async for user_id in paced(user_ids)
    }


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
    community = await _community_days(conn, guild_id, now, t.isolation_days, user_id=user_id)
    return _signals(
        totals(t.tutorial_days),
        totals(t.isolation_days),
        totals(t.gap_days),
        study_days,
        community.get(user_id, 0),
    )


async def project_facts(
    conn: AsyncConnection, guild_id: int, now: datetime
) -> dict[int, ProjectFactsLike]:
    """member -> their most stuck active project (from the projects feature), or {}."""
    try:
        from bot.projects.store import perfectionism_facts
    except ImportError:  # the projects feature is optional for the sweep
        return {}
    facts = await perfectionism_facts(conn, guild_id, now)
    return dict(facts)


async def returning_members(
    conn: AsyncConnection, guild_id: int, now: datetime, recent_days: int = 1
) -> dict[int, tuple[int, int]]:
    """Members active in the last `recent_days` -> (days away before that, best streak).

    "Days away" is the gap between their last activity before the recent window and their
    first one in it; members with no earlier activity (newcomers) are left out. Two queries:
    the recent members with their earlier maximum (a join on the member index), and their
    best streaks.
    """
    start = now - timedelta(days=recent_days)
    recent = (
        select(activity.c.user_id.label("user_id"), func.min(activity.c.occurred_at).label("first"))
        .where(_window(guild_id, now, recent_days))
        .group_by(activity.c.user_id)
        .subquery()
    )
    earlier = activity.alias("earlier")
    query: Select[Any] = (
        select(recent.c.user_id, recent.c.first, func.max(earlier.c.occurred_at))
        .join(
            earlier,
            (earlier.c.guild_id == guild_id)
            & (earlier.c.user_id == recent.c.user_id)
            & (earlier.c.occurred_at <= start),
        )
        .group_by(recent.c.user_id, recent.c.first)
    )
    from bot.core.store.types import UTCDateTime

    as_instant = UTCDateTime().process_result_value
    gaps: dict[int, int] = {}
    for user_id, first, last_before in await conn.execute(query):
        first_at = as_instant(first, conn.dialect)
        before_at = as_instant(last_before, conn.dialect)
        if first_at is not None and before_at is not None:
            gaps[int(user_id)] = (first_at - before_at).days
    best: dict[int, int] = {}
    for chunk in _chunks(sorted(gaps)):
        for user_id, value in await conn.execute(
            select(streaks.c.user_id, streaks.c.best).where(
                streaks.c.guild_id == guild_id, streaks.c.user_id.in_(chunk)
            )
        ):
            best[int(user_id)] = int(value)
    return {user_id: (gap, best.get(user_id, 0)) for user_id, gap in gaps.items()}


# --- sweeps and detections -----------------------------------------------------------------


async def record_sweep(
    conn: AsyncConnection,
    guild_id: int,
    now: datetime,
    members_evaluated: int,
    detections: Sequence[tuple[int, Detection]],
) -> tuple[int, dict[tuple[int, str], int]]:
    """Store a sweep and its detections; returns the sweep id and (member, pitfall) -> id."""
    result = await conn.execute(
        insert(pitfall_sweeps).values(
            guild_id=guild_id,
            swept_at=now,
            seconds=0.0,
            members_evaluated=members_evaluated,
            detections=len(detections),
            nudges=0,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    sweep_id = int(key[0])
    # In slices, so binding 100k detections does not hold the event loop in one go.
    for start in range(0, len(detections), DETECTION_SLICE):
        await conn.execute(
            insert(pitfall_detections),
            [
                {
                    "guild_id": guild_id,
                    "sweep_id": sweep_id,
                    "user_id": user_id,
                    "pitfall": d.pitfall,
                    "evidence": d.evidence,
                    "detected_at": now,
                }
                for user_id, d in detections[start : start + DETECTION_SLICE]
            ],
        )
        await asyncio.sleep(0)
    ids: dict[tuple[int, str], int] = {}
    stream = await conn.stream(
        select(
            pitfall_detections.c.id, pitfall_detections.c.user_id, pitfall_detections.c.pitfall
        ).where(
            pitfall_detections.c.guild_id == guild_id,
            pitfall_detections.c.sweep_id == sweep_id,
        )
    )
    async for partition in stream.partitions(STREAM_PARTITION):
        ids.update(((int(r.user_id), str(r.pitfall)), int(r.id)) for r in partition)
    return sweep_id, ids


async def finish_sweep(conn: AsyncConnection, sweep_id: int, seconds: float, nudges: int) -> None:
    await conn.execute(
        update(pitfall_sweeps)
        .where(pitfall_sweeps.c.id == sweep_id)
        .values(seconds=seconds, nudges=nudges)
    )


async def latest_sweep(conn: AsyncConnection, guild_id: int) -> dict[str, Any] | None:
    row = (
        await conn.execute(
            select(pitfall_sweeps)
            .where(pitfall_sweeps.c.guild_id == guild_id)
            .order_by(pitfall_sweeps.c.swept_at.desc(), pitfall_sweeps.c.id.desc())
            .limit(1)
        )
    ).first()
    return dict(row._mapping) if row else None


async def detections_of(
    conn: AsyncConnection, guild_id: int, sweep_id: int, user_id: int
) -> list[dict[str, Any]]:
    return [
        dict(r._mapping)
        for r in await conn.execute(
            select(pitfall_detections)
            .where(
                pitfall_detections.c.guild_id == guild_id,
                pitfall_detections.c.sweep_id == sweep_id,
                pitfall_detections.c.user_id == user_id,
            )
            .order_by(pitfall_detections.c.id)
        )
    ]


async def flag_counts(conn: AsyncConnection, guild_id: int, sweep_id: int) -> dict[str, int]:
    """pitfall -> how many members the sweep flagged (numbers only, never who)."""
    query: Select[Any] = (
        select(
            pitfall_detections.c.pitfall, func.count(func.distinct(pitfall_detections.c.user_id))
        )
        .where(
            pitfall_detections.c.guild_id == guild_id,
            pitfall_detections.c.sweep_id == sweep_id,
        )
        .group_by(pitfall_detections.c.pitfall)
    )
    return {str(p): int(n) for p, n in await conn.execute(query)}


# --- what the policy needs, for all flagged members at once --------------------------------


async def nudge_prefs(
    conn: AsyncConnection, guild_id: int, user_ids: Sequence[int]
) -> dict[int, dict[str, Any]]:
    """member -> their `members` row (nudge mode, DM flags); absent members use defaults."""
    out: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(sorted(user_ids)):
        for r in await conn.execute(
            select(
                members.c.user_id,
                members.c.nudge_mode,
                members.c.dm_opt_in,
                members.c.dm_unreachable,
            ).where(members.c.guild_id == guild_id, members.c.user_id.in_(chunk))
        ):
            out[int(r.user_id)] = dict(r._mapping)
    return out


async def departed(conn: AsyncConnection, guild_id: int) -> set[int]:
    """Members who left the guild (their data waits for the retention purge): no nudges."""
    query: Select[Any] = select(members.c.user_id).where(
        members.c.guild_id == guild_id, members.c.left_at.is_not(None)
    )
    return {int(user_id) for (user_id,) in await conn.execute(query)}


async def sent_nudges(
    conn: AsyncConnection, guild_id: int, user_ids: Sequence[int], since: datetime
) -> dict[int, list[tuple[SentNudge, str]]]:
    """member -> their nudges sent after `since`, oldest first, with the delivery channel."""
    out: dict[int, list[tuple[SentNudge, str]]] = defaultdict(list)
    for chunk in _chunks(sorted(user_ids)):
        for r in await conn.execute(
            select(pitfall_nudges)
            .where(
                pitfall_nudges.c.guild_id == guild_id,
                pitfall_nudges.c.user_id.in_(chunk),
                pitfall_nudges.c.sent_at > since,
            )
            .order_by(pitfall_nudges.c.sent_at, pitfall_nudges.c.id)
        ):
            out[int(r.user_id)].append((SentNudge(r.pitfall, r.nudge_id, r.sent_at), r.channel))
    return out


async def active_mutes(
    conn: AsyncConnection, guild_id: int, user_ids: Sequence[int], now: datetime
) -> dict[int, dict[str, datetime]]:
    out: dict[int, dict[str, datetime]] = defaultdict(dict)
    for chunk in _chunks(sorted(user_ids)):
        for r in await conn.execute(
            select(pitfall_mutes).where(
                pitfall_mutes.c.guild_id == guild_id,
                pitfall_mutes.c.user_id.in_(chunk),
                pitfall_mutes.c.muted_until > now,
            )
        ):
            out[int(r.user_id)][str(r.pitfall)] = r.muted_until
    return out


# --- nudges, feedback, mutes -------------------------------------------------------------------


async def add_nudge(
    conn: AsyncConnection,
    *,
    guild_id: int,
    user_id: int,
    pitfall: str,
    nudge_id: str,
    detection_id: int | None,
    now: datetime,
) -> int:
    result = await conn.execute(
        insert(pitfall_nudges).values(
            guild_id=guild_id,
            user_id=user_id,
            pitfall=pitfall,
            nudge_id=nudge_id,
            detection_id=detection_id,
            sent_at=now,
            channel="pending",
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


async def set_nudge_channel(conn: AsyncConnection, row_id: int, channel: str) -> None:
    await conn.execute(
        update(pitfall_nudges).where(pitfall_nudges.c.id == row_id).values(channel=channel)
    )


async def delete_nudge(conn: AsyncConnection, row_id: int) -> None:
    await conn.execute(delete(pitfall_nudges).where(pitfall_nudges.c.id == row_id))


async def nudge(conn: AsyncConnection, guild_id: int, row_id: int) -> dict[str, Any] | None:
    row = (
        await conn.execute(
            select(pitfall_nudges).where(
                pitfall_nudges.c.guild_id == guild_id, pitfall_nudges.c.id == row_id
            )
        )
    ).first()
    return dict(row._mapping) if row else None


async def set_feedback(conn: AsyncConnection, row_id: int, feedback: str, now: datetime) -> None:
    await conn.execute(
        update(pitfall_nudges)
        .where(pitfall_nudges.c.id == row_id)
        .values(feedback=feedback, feedback_at=now)
    )


async def mute(
    conn: AsyncConnection, guild_id: int, user_id: int, pitfall: str, until: datetime, now: datetime
) -> None:
    """Mute (or extend the mute of) one pitfall for one member. Portable upsert."""
    await conn.execute(
        delete(pitfall_mutes).where(
            pitfall_mutes.c.guild_id == guild_id,
            pitfall_mutes.c.user_id == user_id,
            pitfall_mutes.c.pitfall == pitfall,
        )
    )
    await conn.execute(
        insert(pitfall_mutes).values(
            guild_id=guild_id, user_id=user_id, pitfall=pitfall, muted_until=until, created_at=now
        )
    )


# --- /setup stats: aggregates only ---------------------------------------------------------


async def active_members(conn: AsyncConnection, guild_id: int, since: datetime) -> int:
    query: Select[Any] = select(func.count(func.distinct(activity.c.user_id))).where(
        activity.c.guild_id == guild_id, activity.c.occurred_at > since
    )
    return int((await conn.execute(query)).scalar_one())


async def minutes_by_kind(conn: AsyncConnection, guild_id: int, since: datetime) -> dict[str, int]:
    query: Select[Any] = (
        select(activity.c.kind, func.coalesce(func.sum(activity.c.minutes), 0))
        .where(activity.c.guild_id == guild_id, activity.c.occurred_at > since)
        .group_by(activity.c.kind)
    )
    return {str(kind): int(minutes) for kind, minutes in await conn.execute(query)}


async def feedback_counts(conn: AsyncConnection, guild_id: int, since: datetime) -> dict[str, int]:
    """ "sent" and each feedback value -> count, for nudges sent after `since`."""
    query: Select[Any] = (
        select(pitfall_nudges.c.feedback, func.count())
        .where(pitfall_nudges.c.guild_id == guild_id, pitfall_nudges.c.sent_at > since)
        .group_by(pitfall_nudges.c.feedback)
    )
    out: dict[str, int] = {"sent": 0}
    for feedback, count in await conn.execute(query):
        out["sent"] += int(count)
        if feedback is not None:
            out[str(feedback)] = int(count)
    return out
