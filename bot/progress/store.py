"""Progress queries: activity reads, member prefs, community counters, roadmap checks,
welcome config and leaderboards (one query per board)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypedDict, cast

from sqlalchemy import Table, and_, delete, func, insert, null, select, union, union_all, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from bot.activity.api import activity
from bot.core.store.ranges import MemberRange
from bot.core.store.rows import (
    all_rows,
    count_rows,
    first_row,
    insert_new,
    of_member,
    save_guild_row,
    update_or_insert,
)
from bot.core.store.schema import members
from bot.daily.api import streaks
from bot.progress.tables import community_days as community_table
from bot.progress.tables import progress_prefs, roadmap_checks, welcome_config
from bot.progress.tables import public_board as public_board_table


class Prefs(TypedDict):
    """A member's progress settings (the defaults when they saved none)."""

    tracking: bool
    digest: bool
    goal_minutes: int | None
    focus_tracks: list[str]


class Entry(TypedDict):
    """One activity row as the study log shows it."""

    id: int
    user_id: int
    occurred_at: datetime
    local_date: str
    kind: str
    minutes: int
    source: str
    topic: str | None
    note: str | None


class Check(TypedDict):
    """A checked roadmap skill."""

    skill_id: str
    evidence: str | None
    checked_at: datetime


class Welcome(TypedDict):
    """The guild's welcome greeting."""

    channel_id: int | None
    enabled: bool


STREAK_PARTITION = 2_000


class StreakRow(TypedDict):
    """A cached streak of an opted-in member, with their own timezone."""

    user_id: int
    current: int
    best: int
    freezes: int
    last_day: str | None
    timezone: str | None


def default_prefs() -> Prefs:
    return Prefs(tracking=True, digest=False, goal_minutes=None, focus_tracks=[])


# --- activity reads ---------------------------------------------------------------------


def _day_kind_minutes(guild_id: int, user_id: int, since: date) -> Select[Any]:
    total = func.sum(activity.c.minutes)
    return (
        select(activity.c.local_date, activity.c.kind, total)
        .where(of_member(activity, guild_id, user_id), activity.c.local_date >= since.isoformat())
        .group_by(activity.c.local_date, activity.c.kind)
    )


def _by_day_kind(rows: Any) -> list[tuple[date, str, int]]:
    return [(date.fromisoformat(r[0]), str(r[1]), int(r[2] or 0)) for r in rows if r[1]]


async def minutes_by_day_kind(
    conn: AsyncConnection, guild_id: int, user_id: int, since: date
) -> list[tuple[date, str, int]]:
    """(local_date, kind, minutes) summed per day and kind since a local date."""
    return _by_day_kind(await conn.execute(_day_kind_minutes(guild_id, user_id, since)))


async def minutes_and_goal(
    conn: AsyncConnection, guild_id: int, user_id: int, since: date
) -> tuple[list[tuple[date, str, int]], int | None]:
    """`minutes_by_day_kind` and the member's weekly goal (`prefs`) in one statement (one
    round trip less for `/log` and `/goal`): the goal's row is the one without a kind."""
    goal_row = select(null(), null(), progress_prefs.c.goal_minutes)
    query = union_all(
        _day_kind_minutes(guild_id, user_id, since),
        goal_row.where(of_member(progress_prefs, guild_id, user_id)),
    )
    rows = (await conn.execute(query)).all()
    goal = next((row[2] for row in rows if row[1] is None), None)
    return _by_day_kind(rows), goal


async def count_entries(
    conn: AsyncConnection,
    guild_id: int,
    user_id: int,
    start: date,
    end: date,
    *,
    kind: str,
    exclude_source: str | None = None,
) -> int:
    """Activity rows of one kind on local dates [start, end)."""
    where = [
        of_member(activity, guild_id, user_id),
        activity.c.kind == kind,
        activity.c.local_date >= start.isoformat(),
        activity.c.local_date < end.isoformat(),
    ]
    if exclude_source is not None:
        where.append(activity.c.source != exclude_source)
    return await count_rows(conn, activity, *where)


_ENTRY_COLUMNS = tuple(activity.c[name] for name in Entry.__annotations__)


async def recent_entries(
    conn: AsyncConnection, guild_id: int, user_id: int, limit: int
) -> list[Entry]:
    """The member's latest activity rows, newest first."""
    query = (
        select(*_ENTRY_COLUMNS)
        .where(of_member(activity, guild_id, user_id))
        .order_by(activity.c.occurred_at.desc(), activity.c.id.desc())
        .limit(limit)
    )
    return cast(list[Entry], await all_rows(conn, query))


async def entry(conn: AsyncConnection, guild_id: int, activity_id: int) -> Entry | None:
    """One activity row of the guild, by id."""
    query = select(*_ENTRY_COLUMNS).where(
        activity.c.guild_id == guild_id, activity.c.id == activity_id
    )
    return cast(Entry | None, await first_row(conn, query))


async def delete_entry(conn: AsyncConnection, guild_id: int, activity_id: int) -> bool:
    """Delete one activity row; False when it was already gone."""
    result = await conn.execute(
        delete(activity).where(activity.c.guild_id == guild_id, activity.c.id == activity_id)
    )
    return result.rowcount == 1


# --- prefs ----------------------------------------------------------------------------


async def prefs(conn: AsyncConnection, guild_id: int, user_id: int) -> Prefs:
    """The member's progress settings; the defaults when they have no row."""
    row = (
        await conn.execute(
            select(
                progress_prefs.c.tracking,
                progress_prefs.c.digest,
                progress_prefs.c.goal_minutes,
                progress_prefs.c.focus_tracks,
            ).where(of_member(progress_prefs, guild_id, user_id))
        )
    ).first()
    if row is None:
        return default_prefs()
    return Prefs(
        tracking=bool(row.tracking),
        digest=bool(row.digest),
        goal_minutes=row.goal_minutes,
        focus_tracks=list(row.focus_tracks or []),
    )


async def focus_tracks(conn: AsyncConnection, guild_id: int, user_id: int) -> list[str]:
    """The member's focus tracks (chosen in `/start`); interview orders new questions by them."""
    return (await prefs(conn, guild_id, user_id))["focus_tracks"]


async def save_prefs(
    conn: AsyncConnection, guild_id: int, user_id: int, now: datetime, **values: Any
) -> Prefs:
    """Save some of the member's progress settings (the row is made on the first save)."""
    await update_or_insert(
        conn,
        progress_prefs,
        {"guild_id": guild_id, "user_id": user_id},
        {"updated_at": now, **values},
        insert_values={"updated_at": now, **default_prefs(), **values},
    )
    return await prefs(conn, guild_id, user_id)


async def tracking_opt_outs(conn: AsyncConnection, guild_id: int) -> set[int]:
    """Members of the guild who turned community tracking off."""
    rows = await conn.execute(
        select(progress_prefs.c.user_id).where(
            progress_prefs.c.guild_id == guild_id, progress_prefs.c.tracking.is_(False)
        )
    )
    return {int(r[0]) for r in rows}


# --- community --------------------------------------------------------------------------


async def bump_community(
    conn: AsyncConnection, guild_id: int, user_id: int, day: date, now: datetime, cap: int
) -> bool:
    """Count one community message on the member's day, up to `cap`. True when counted.

    Usually one UPDATE; the first message of a day inserts the row instead (a racing insert
    for the same day is retried as the update it should have been)."""
    where = and_(
        of_member(community_table, guild_id, user_id),
        community_table.c.local_date == day.isoformat(),
    )
    bumped = await conn.execute(
        update(community_table)
        .where(where, community_table.c.messages < cap)
        .values(messages=community_table.c.messages + 1, updated_at=now)
    )
    if bumped.rowcount:
        return True
    first_of_day = {
        "guild_id": guild_id,
        "user_id": user_id,
        "local_date": day.isoformat(),
        "messages": 1,
        "updated_at": now,
    }
    if await insert_new(conn, community_table, first_of_day):
        return True
    # The row exists: at the cap, or inserted by a concurrent message.
    again = await conn.execute(
        update(community_table)
        .where(where, community_table.c.messages < cap)
        .values(messages=community_table.c.messages + 1, updated_at=now)
    )
    return bool(again.rowcount)


async def community_days(
    conn: AsyncConnection,
    guild_id: int,
    since_date: date,
    *,
    user_id: int | None = None,
    members: MemberRange | None = None,
) -> dict[int, int]:
    """Member -> number of local days since `since_date` (inclusive) with any community
    activity: counted messages (the `community_days` counters) or activity rows of kind
    `community` (pairing, public check-ins, `/log kind:community` ...). One query per guild,
    or per range of `members` (a sweep reading the guild a slice at a time).
    """
    since = since_date.isoformat()
    messages = select(
        community_table.c.user_id.label("user_id"), community_table.c.local_date.label("day")
    ).where(
        community_table.c.guild_id == guild_id,
        community_table.c.local_date >= since,
        community_table.c.messages > 0,
    )
    logged = select(activity.c.user_id.label("user_id"), activity.c.local_date.label("day")).where(
        activity.c.guild_id == guild_id,
        activity.c.kind == "community",
        activity.c.local_date >= since,
        # Implied by the local date (no zone is more than 14 hours from UTC), and it lets the
        # member indexes, ordered by time, skip each member's older history: a sweep's range
        # read all of it (~12 ms of PostgreSQL per 5,000 members) to find a few rows.
        activity.c.occurred_at >= datetime.combine(since_date - timedelta(days=2), time(), UTC),
    )
    if user_id is not None:
        messages = messages.where(community_table.c.user_id == user_id)
        logged = logged.where(activity.c.user_id == user_id)
    if members is not None:
        messages = messages.where(members.where(community_table.c.user_id))
        logged = logged.where(members.where(activity.c.user_id))
    days = union(messages, logged).subquery()  # UNION drops duplicate (member, day) pairs
    rows = await conn.execute(select(days.c.user_id, func.count()).group_by(days.c.user_id))
    # `fetchall`: the driver's rows at once (iterating fetches them one call per row).
    return {int(r[0]): int(r[1]) for r in rows.fetchall()}


# --- roadmap ------------------------------------------------------------------------------


async def checks(conn: AsyncConnection, guild_id: int, user_id: int) -> dict[str, Check]:
    """The member's checked skills by skill id."""
    rows = await conn.execute(
        select(
            roadmap_checks.c.skill_id, roadmap_checks.c.evidence, roadmap_checks.c.checked_at
        ).where(of_member(roadmap_checks, guild_id, user_id))
    )
    return {r.skill_id: cast(Check, dict(r._mapping)) for r in rows}


async def save_check(
    conn: AsyncConnection,
    guild_id: int,
    user_id: int,
    skill_id: str,
    evidence: str | None,
    now: datetime,
) -> bool:
    """Check a skill (or update its evidence). True when newly checked."""
    where = and_(
        of_member(roadmap_checks, guild_id, user_id),
        roadmap_checks.c.skill_id == skill_id,
    )
    existing = (await conn.execute(select(roadmap_checks.c.evidence).where(where))).first()
    if existing is not None:
        if evidence is not None:
            await conn.execute(update(roadmap_checks).where(where).values(evidence=evidence))
        return False
    await conn.execute(
        insert(roadmap_checks).values(
            guild_id=guild_id, user_id=user_id, skill_id=skill_id, evidence=evidence, checked_at=now
        )
    )
    return True


async def remove_check(conn: AsyncConnection, guild_id: int, user_id: int, skill_id: str) -> bool:
    """Uncheck a skill; False when it was not checked."""
    result = await conn.execute(
        delete(roadmap_checks).where(
            of_member(roadmap_checks, guild_id, user_id),
            roadmap_checks.c.skill_id == skill_id,
        )
    )
    return result.rowcount == 1


# --- welcome ------------------------------------------------------------------------------


async def welcome(conn: AsyncConnection, guild_id: int) -> Welcome:
    """The guild's welcome greeting (off, without a channel, when never set)."""
    row = (
        await conn.execute(
            select(welcome_config.c.channel_id, welcome_config.c.enabled).where(
                welcome_config.c.guild_id == guild_id
            )
        )
    ).first()
    if row is None:
        return Welcome(channel_id=None, enabled=False)
    return Welcome(channel_id=row.channel_id, enabled=bool(row.enabled))


async def all_welcomes(conn: AsyncConnection) -> dict[int, Welcome]:
    """Every stored welcome greeting by guild (the start-up channel audit reads them at once)."""
    query = select(welcome_config.c.guild_id, welcome_config.c.channel_id, welcome_config.c.enabled)
    return {
        int(row.guild_id): Welcome(channel_id=row.channel_id, enabled=bool(row.enabled))
        for row in await conn.execute(query)
    }


async def save_welcome(conn: AsyncConnection, guild_id: int, now: datetime, **values: Any) -> None:
    """Save the channel and/or on-off of the guild's welcome greeting."""
    values = {"updated_at": now, **values}
    await update_or_insert(conn, welcome_config, {"guild_id": guild_id}, values)


# --- leaderboards (opted-in members only; one query per board) ----------------------------


def _opted_in() -> ColumnElement[bool]:
    return members.c.leaderboard_opt_in.is_(True)


def _members_of(table: Table) -> ColumnElement[bool]:
    """Join condition: the member row of a row of `table` (guild_id, user_id)."""
    return and_(members.c.guild_id == table.c.guild_id, members.c.user_id == table.c.user_id)


async def opted_in_members(conn: AsyncConnection, guild_id: int) -> set[int]:
    """Members of the guild who opted in to the leaderboards."""
    rows = await conn.execute(
        select(members.c.user_id).where(members.c.guild_id == guild_id, _opted_in())
    )
    return {int(r[0]) for r in rows}


async def minutes_board(conn: AsyncConnection, guild_id: int, since: date | None) -> dict[int, int]:
    """Opted-in member -> minutes logged since a local date (all time with None)."""
    total = func.sum(activity.c.minutes)
    query = (
        select(activity.c.user_id, total)
        .select_from(activity.join(members, _members_of(activity)))
        .where(activity.c.guild_id == guild_id, _opted_in())
        .group_by(activity.c.user_id)
    )
    if since is not None:
        query = query.where(activity.c.local_date >= since.isoformat())
    return {int(r[0]): int(r[1] or 0) for r in await conn.execute(query)}


async def streak_board(conn: AsyncConnection, guild_id: int) -> AsyncIterator[list[StreakRow]]:
    """Cached streak rows of opted-in members (current, best, freezes, last_day), in slices
    of STREAK_PARTITION rows (a guild's opted-in members can be tens of thousands)."""
    query = (
        select(
            streaks.c.user_id,
            streaks.c.current,
            streaks.c.best,
            streaks.c.freezes,
            streaks.c.last_day,
            members.c.timezone,
        )
        .select_from(streaks.join(members, _members_of(streaks)))
        .where(streaks.c.guild_id == guild_id, _opted_in())
    )
    result = await conn.stream(query)
    async for partition in result.partitions(STREAK_PARTITION):
        yield [cast(StreakRow, dict(row._mapping)) for row in partition]


# --- the guild as a whole (the web dashboard's overview) and its public board ----------------


async def guild_minutes_by_day_kind(
    conn: AsyncConnection, guild_id: int, since: date, since_at: datetime
) -> list[tuple[date, str, int]]:
    """(local_date, kind, minutes) of the whole guild, summed per day and kind, since a local
    date (`since_at`, a day earlier in UTC, lets the guild/time index narrow the scan)."""
    total = func.sum(activity.c.minutes)
    rows = await conn.execute(
        select(activity.c.local_date, activity.c.kind, total)
        .where(
            activity.c.guild_id == guild_id,
            activity.c.occurred_at >= since_at,
            activity.c.local_date >= since.isoformat(),
        )
        .group_by(activity.c.local_date, activity.c.kind)
    )
    return [(date.fromisoformat(r[0]), str(r[1]), int(r[2] or 0)) for r in rows]


async def streak_groups(
    conn: AsyncConnection, guild_id: int
) -> list[tuple[int, str | None, int, int]]:
    """(current, last_day, freezes, members) of the guild's cached streaks, grouped: a few
    hundred rows for any guild size, from which the live streaks are counted."""
    count = func.count()
    rows = await conn.execute(
        select(streaks.c.current, streaks.c.last_day, streaks.c.freezes, count)
        .where(streaks.c.guild_id == guild_id, streaks.c.current > 0)
        .group_by(streaks.c.current, streaks.c.last_day, streaks.c.freezes)
    )
    return [(int(r[0]), r[1], int(r[2]), int(r[3])) for r in rows]


async def public_board(conn: AsyncConnection, guild_id: int) -> bool:
    """Whether the guild shows its public board (off until a moderator turns it on)."""
    row = await first_row(
        conn, select(public_board_table.c.enabled).where(public_board_table.c.guild_id == guild_id)
    )
    return bool(row and row["enabled"])


async def save_public_board(
    conn: AsyncConnection, guild_id: int, now: datetime, enabled: bool
) -> None:
    """Turn the guild's public board on or off."""
    await save_guild_row(conn, public_board_table, guild_id, now, enabled=enabled)
