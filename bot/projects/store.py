"""Projects, milestones, the project history, check-in preferences and the weekly thread.

Every query is keyed by `guild_id` first. Sweeps (`perfectionism_facts`, `shipped_counts`,
`weekly_roster`) read the whole guild in one or two set-based queries.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import UTC, date, datetime
from typing import Any, Unpack, cast

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.cooperative import paced
from bot.core.store.ranges import MemberRange
from bot.core.store.rows import (
    all_rows,
    count_rows,
    first_row,
    inserted_id,
    of_member,
    update_or_insert,
)
from bot.core.store.types import UTCDateTime, instant_key_sql, utc_instant
from bot.projects.rules import ACTIVE, ActiveProjectRow, PortfolioSummary, ProjectFacts, most_stuck
from bot.projects.tables import (
    Event,
    MilestoneRow,
    NewProject,
    NewWeekPost,
    ProjectRow,
    RosterRow,
    WeekPostRow,
    accountability_weeks,
    project_events,
    project_milestones,
    project_prefs,
    projects,
)

#: Rows of a whole guild's roster decoded between two turns of the event loop.
ROSTER_PARTITION = 500

# --- projects --------------------------------------------------------------------------


async def create(
    conn: AsyncConnection,
    *,
    target_date: date,
    milestones: Sequence[str],
    now: datetime,
    **project: Unpack[NewProject],
) -> int:
    new_project = insert(projects).values(
        **project,
        target_date=target_date.isoformat(),
        status=ACTIVE,
        progress=0,
        target_moves=0,
        created_at=now,
        updated_at=now,
        last_progress_at=now,
        ship_count=0,
    )
    project_id = await inserted_id(conn, new_project)
    guild_id, user_id = project["guild_id"], project["user_id"]
    if milestones:
        await conn.execute(
            insert(project_milestones),
            [
                {
                    "guild_id": guild_id,
                    "project_id": project_id,
                    "position": position,
                    "user_id": user_id,
                    "title": title_,
                }
                for position, title_ in enumerate(milestones)
            ],
        )
    await add_event(conn, guild_id, project_id, user_id, "start", now, link=project["link"])
    return project_id


async def get(conn: AsyncConnection, guild_id: int, project_id: int) -> ProjectRow | None:
    query = select(projects).where(projects.c.guild_id == guild_id, projects.c.id == project_id)
    return cast(ProjectRow | None, await first_row(conn, query))


async def for_member(
    conn: AsyncConnection,
    guild_id: int,
    user_id: int,
    statuses: Sequence[str] | None = None,
) -> list[ProjectRow]:
    """The member's projects, active first, newest first within a status."""
    query = select(projects).where(of_member(projects, guild_id, user_id))
    if statuses is not None:
        query = query.where(projects.c.status.in_(list(statuses)))
    query = query.order_by(projects.c.created_at.desc(), projects.c.id.desc())
    rows = cast(list[ProjectRow], await all_rows(conn, query))
    rows.sort(key=lambda r: r["status"] != ACTIVE)  # stable: keeps newest first
    return rows


async def active_count(conn: AsyncConnection, guild_id: int, user_id: int) -> int:
    return await count_rows(
        conn,
        projects,
        of_member(projects, guild_id, user_id),
        projects.c.status == ACTIVE,
    )


async def update_project(
    conn: AsyncConnection, guild_id: int, project_id: int, now: datetime, **values: Any
) -> None:
    await conn.execute(
        update(projects)
        .where(projects.c.guild_id == guild_id, projects.c.id == project_id)
        .values(updated_at=now, **values)
    )


async def mark_stale(
    conn: AsyncConnection, guild_id: int, project_ids: Sequence[int], now: datetime
) -> None:
    if not project_ids:
        return
    await conn.execute(
        update(projects)
        .where(
            projects.c.guild_id == guild_id,
            projects.c.id.in_(list(project_ids)),
            projects.c.stale_at.is_(None),
        )
        .values(stale_at=now, updated_at=now)
    )


# --- milestones ------------------------------------------------------------------------


async def milestones(conn: AsyncConnection, guild_id: int, project_id: int) -> list[MilestoneRow]:
    return (await milestones_of(conn, guild_id, [project_id]))[project_id]


async def milestones_of(
    conn: AsyncConnection, guild_id: int, project_ids: Sequence[int]
) -> dict[int, list[MilestoneRow]]:
    """Milestones of several projects in one query, in order."""
    out: dict[int, list[MilestoneRow]] = {pid: [] for pid in project_ids}
    if not project_ids:
        return out
    query = (
        select(project_milestones)
        .where(
            project_milestones.c.guild_id == guild_id,
            project_milestones.c.project_id.in_(list(project_ids)),
        )
        .order_by(project_milestones.c.project_id, project_milestones.c.position)
    )
    for row in cast(list[MilestoneRow], await all_rows(conn, query)):
        out.setdefault(row["project_id"], []).append(row)
    return out


async def tick_milestone(
    conn: AsyncConnection, guild_id: int, project_id: int, position: int, now: datetime
) -> bool:
    """True when newly ticked; False when it was already done."""
    result = await conn.execute(
        update(project_milestones)
        .where(
            project_milestones.c.guild_id == guild_id,
            project_milestones.c.project_id == project_id,
            project_milestones.c.position == position,
            project_milestones.c.done_at.is_(None),
        )
        .values(done_at=now)
    )
    return result.rowcount == 1


# --- history ---------------------------------------------------------------------------


async def add_event(
    conn: AsyncConnection,
    guild_id: int,
    project_id: int,
    user_id: int,
    kind: str,
    now: datetime,
    **values: Any,
) -> int:
    new_event = insert(project_events).values(
        guild_id=guild_id,
        project_id=project_id,
        user_id=user_id,
        kind=kind,
        occurred_at=now,
        **values,
    )
    return await inserted_id(conn, new_event)


async def events(
    conn: AsyncConnection, guild_id: int, project_id: int, limit: int = 50
) -> list[Event]:
    """The project's latest `limit` events, oldest first."""
    query = (
        select(*(project_events.c[field.name] for field in fields(Event)))
        .where(project_events.c.guild_id == guild_id, project_events.c.project_id == project_id)
        .order_by(project_events.c.occurred_at.desc(), project_events.c.id.desc())
        .limit(limit)
    )
    return [Event(**row) for row in await all_rows(conn, query)][::-1]


# --- check-in preference -----------------------------------------------------------------


async def public_checkins(conn: AsyncConnection, guild_id: int, user_id: int) -> bool:
    value = (
        await conn.execute(
            select(project_prefs.c.public_checkins).where(
                of_member(project_prefs, guild_id, user_id)
            )
        )
    ).scalar()
    return True if value is None else bool(value)


async def set_public_checkins(
    conn: AsyncConnection, guild_id: int, user_id: int, public: bool, now: datetime
) -> None:
    member = {"guild_id": guild_id, "user_id": user_id}
    values = {"public_checkins": public, "updated_at": now}
    await update_or_insert(conn, project_prefs, member, values)


# --- weekly accountability ---------------------------------------------------------------


async def week_post(conn: AsyncConnection, guild_id: int, week: str) -> WeekPostRow | None:
    query = select(accountability_weeks).where(
        accountability_weeks.c.guild_id == guild_id, accountability_weeks.c.week == week
    )
    return cast(WeekPostRow | None, await first_row(conn, query))


async def latest_week_post(conn: AsyncConnection, guild_id: int) -> WeekPostRow | None:
    query = (
        select(accountability_weeks)
        .where(accountability_weeks.c.guild_id == guild_id)
        .order_by(accountability_weeks.c.posted_at.desc())
        .limit(1)
    )
    return cast(WeekPostRow | None, await first_row(conn, query))


async def save_week_post(
    conn: AsyncConnection, *, now: datetime, **post: Unpack[NewWeekPost]
) -> None:
    await conn.execute(insert(accountability_weeks).values(posted_at=now, **post))


async def weekly_roster(conn: AsyncConnection, guild_id: int) -> list[RosterRow]:
    """Members with an active project whose check-ins are public (the default).

    One row per member: `user_id`, `projects` (active count), `last_checkin_at` (latest over
    their active projects, None if never) and `first_created_at`.
    """
    public = func.coalesce(project_prefs.c.public_checkins, True)
    result = await conn.stream(
        select(
            projects.c.user_id,
            func.count().label("projects"),
            func.max(projects.c.last_checkin_at).label("last_checkin_at"),
            func.min(projects.c.created_at).label("first_created_at"),
        )
        .select_from(
            projects.outerjoin(
                project_prefs,
                (project_prefs.c.guild_id == projects.c.guild_id)
                & (project_prefs.c.user_id == projects.c.user_id),
            )
        )
        .where(projects.c.guild_id == guild_id, projects.c.status == ACTIVE, public.is_(True))
        .group_by(projects.c.user_id)
        .order_by(projects.c.user_id)
    )
    # Aggregates bypass the UTCDateTime type on SQLite: normalise here. A slice at a time with
    # a loop turn between slices: a big guild's roster is tens of thousands of members.
    roster: list[RosterRow] = []
    async for partition in result.partitions(ROSTER_PARTITION):
        roster += [
            RosterRow(
                user_id=int(row.user_id),
                projects=int(row.projects),
                last_checkin_at=_aware(row.last_checkin_at),
                first_created_at=_aware(row.first_created_at),
            )
            for row in partition
        ]
        await asyncio.sleep(0)
    return roster


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    instant: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


# --- facts for other features ------------------------------------------------------------


async def portfolio(conn: AsyncConnection, guild_id: int, user_id: int) -> PortfolioSummary:
    rows = await conn.execute(
        select(
            projects.c.status,
            projects.c.domain,
            projects.c.shipped_at,
            projects.c.last_checkin_at,
        ).where(of_member(projects, guild_id, user_id))
    )
    active = shipped = 0
    domains: set[str] = set()
    last: datetime | None = None
    for row in rows:
        if row.status == ACTIVE:
            active += 1
        if row.shipped_at is not None:
            shipped += 1
            domains.add(row.domain)
        if row.last_checkin_at is not None and (last is None or row.last_checkin_at > last):
            last = row.last_checkin_at
    return PortfolioSummary(active, shipped, frozenset(domains), last)


async def shipped_counts(
    conn: AsyncConnection, guild_id: int, since: datetime | None
) -> dict[int, int]:
    """Per member: how many projects they shipped (first ship at or after `since`).

    A project counts once however many releases it had, so re-shipping cannot pad a board.
    """
    query = (
        select(projects.c.user_id, func.count())
        .where(projects.c.guild_id == guild_id, projects.c.shipped_at.is_not(None))
        .group_by(projects.c.user_id)
    )
    if since is not None:
        query = query.where(projects.c.shipped_at >= since)
    return {int(user_id): int(count) for user_id, count in await conn.execute(query)}


#: An active project as `perfectionism_rows` reads it: the member, then `ActiveProjectRow`'s
#: fields in order, its instants as `instant_key` text (`most_stuck_of` decodes).
RawProjectRow = tuple[Any, ...]


async def perfectionism_rows(
    conn: AsyncConnection, guild_id: int, members: MemberRange | None = None
) -> tuple[list[RawProjectRow], frozenset[int]]:
    """The guild's (or its range of `members`') active projects, oldest first, undecoded;
    and who of them has ever shipped. Two queries; nothing per row but the driver's own
    decoding, so a sweep can hand the rows to a worker process rather
    than build the facts on the event loop (`most_stuck_of`)."""
    in_range = (members or MemberRange()).where(projects.c.user_id)
    columns = [projects.c[field.name] for field in fields(ActiveProjectRow)]
    active = await conn.execute(
        select(
            projects.c.user_id,
            # Instants as text in one format on every backend (SQLite's storage, PostgreSQL's
            # to_char): strings cross to a worker process several times faster than
            # datetimes pickle, and decode there in one numpy call (`most_stuck_arrays`).
            *(instant_key_sql(c) if isinstance(c.type, UTCDateTime) else c for c in columns),
        )
        .where(projects.c.guild_id == guild_id, projects.c.status == ACTIVE, in_range)
        # Oldest first, so a tie names the older project on every backend (without an
        # ORDER BY rows come in storage order, which PostgreSQL changes on UPDATE).
        .order_by(projects.c.id)
    )
    rows: list[RawProjectRow] = [tuple(row) for row in active.fetchall()]
    if not rows:
        return rows, frozenset()
    shipped = await conn.execute(
        select(projects.c.user_id)
        .where(projects.c.guild_id == guild_id, projects.c.shipped_at.is_not(None), in_range)
        .group_by(projects.c.user_id)
    )
    return rows, frozenset(int(user_id) for (user_id,) in shipped)


def projects_by_member(rows: Iterable[RawProjectRow]) -> dict[int, list[RawProjectRow]]:
    """`perfectionism_rows`' rows grouped by member (each member's still oldest first)."""
    by_member: dict[int, list[RawProjectRow]] = {}
    for row in rows:
        by_member.setdefault(int(row[0]), []).append(row)
    return by_member


def most_stuck_of(
    rows: Iterable[RawProjectRow], shipped_anything: bool, now: datetime
) -> ProjectFacts | None:
    """`most_stuck` of one member's `perfectionism_rows` (decoded here: pure, so it runs a
    slice of members at a time on the loop or in a worker process)."""
    decoded = [
        ActiveProjectRow(
            title,
            cast(datetime, utc_instant(created)),
            utc_instant(progress),
            utc_instant(checkin),
            utc_instant(stale),
            target_moves,
        )
        for _user, title, created, progress, checkin, stale, target_moves in rows
    ]
    return most_stuck(decoded, shipped_anything, now)


async def perfectionism_facts(
    conn: AsyncConnection, guild_id: int, now: datetime, members: MemberRange | None = None
) -> dict[int, ProjectFacts]:
    """For every member with an active project: the facts of their most stuck one
    (`perfectionism_rows` and `most_stuck_of` for the whole guild or its range of
    `members`)."""
    rows, shipped = await perfectionism_rows(conn, guild_id, members)
    out: dict[int, ProjectFacts] = {}
    async for user_id, theirs in paced(list(projects_by_member(rows).items())):
        facts = most_stuck_of(theirs, user_id in shipped, now)
        if facts is not None:
            out[user_id] = facts
    return out
