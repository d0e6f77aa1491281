"""Daily schedule, posts, completions, study minutes, the streak cache and its rule, and
member reminder preferences."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, delete, func, insert, literal, null, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.activity.api import activity
from bot.core.store.rows import first_row, insert_new, of_member, save_guild_row, update_or_insert
from bot.daily.rules.streaks import StreakState
from bot.daily.rules.study import DEFAULT_STUDY_MINUTES, STUDY_KINDS
from bot.daily.tables import (
    daily_completions,
    daily_posts,
    member_reminders,
    streak_settings,
    streaks,
)

#: Rows per fetch when a whole guild's history is read (a threshold change).
STREAM_PARTITION = 5_000


async def post_for(conn: AsyncConnection, guild_id: int, day: date) -> dict[str, Any] | None:
    row = (
        await conn.execute(
            select(daily_posts).where(
                daily_posts.c.guild_id == guild_id, daily_posts.c.prompt_date == day.isoformat()
            )
        )
    ).first()
    return dict(row._mapping) if row else None


async def posts_for(
    conn: AsyncConnection, guild_id: int, days: Sequence[date]
) -> dict[date, dict[str, Any]]:
    """The guild's post rows of `days` that exist, by day (one query)."""
    query = select(daily_posts).where(
        daily_posts.c.guild_id == guild_id,
        daily_posts.c.prompt_date.in_([day.isoformat() for day in days]),
    )
    return {
        date.fromisoformat(row.prompt_date): dict(row._mapping) for row in await conn.execute(query)
    }


async def latest_post(conn: AsyncConnection, guild_id: int) -> dict[str, Any] | None:
    row = (
        await conn.execute(
            select(daily_posts)
            .where(daily_posts.c.guild_id == guild_id)
            .order_by(daily_posts.c.prompt_date.desc())
            .limit(1)
        )
    ).first()
    return dict(row._mapping) if row else None


async def used_in_cycle(conn: AsyncConnection, guild_id: int, cycle: int) -> set[str]:
    rows = await conn.execute(
        select(daily_posts.c.prompt_id).where(
            daily_posts.c.guild_id == guild_id, daily_posts.c.cycle == cycle
        )
    )
    return {row[0] for row in rows}


async def create_post(
    conn: AsyncConnection, guild_id: int, day: date, prompt_id: str, cycle: int, now: datetime
) -> dict[str, Any]:
    """Insert the day's prompt choice; if another caller won the race, return theirs."""
    choice = {
        "guild_id": guild_id,
        "prompt_date": day.isoformat(),
        "prompt_id": prompt_id,
        "cycle": cycle,
        "created_at": now,
    }
    await insert_new(conn, daily_posts, choice)
    row = await post_for(conn, guild_id, day)
    assert row is not None
    return row


async def mark_posted(
    conn: AsyncConnection,
    guild_id: int,
    day: date,
    now: datetime,
    channel_id: int,
    message_id: int,
    thread_id: int | None,
) -> None:
    await conn.execute(
        update(daily_posts)
        .where(daily_posts.c.guild_id == guild_id, daily_posts.c.prompt_date == day.isoformat())
        .values(posted_at=now, channel_id=channel_id, message_id=message_id, thread_id=thread_id)
    )


async def add_completion(
    conn: AsyncConnection,
    guild_id: int,
    user_id: int,
    prompt_date: date,
    local_day: date,
    now: datetime,
) -> bool:
    """True when newly recorded; False when the member had already completed that prompt."""
    completion = {
        "guild_id": guild_id,
        "user_id": user_id,
        "prompt_date": prompt_date.isoformat(),
        "local_date": local_day.isoformat(),
        "completed_at": now,
    }
    return await insert_new(conn, daily_completions, completion)


async def completion_days(
    conn: AsyncConnection, guild_id: int, user_id: int, since: date | None = None
) -> list[date]:
    query = select(daily_completions.c.local_date).where(
        of_member(daily_completions, guild_id, user_id)
    )
    if since is not None:
        query = query.where(daily_completions.c.local_date >= since.isoformat())
    return sorted({date.fromisoformat(row[0]) for row in await conn.execute(query)})


async def completion(
    conn: AsyncConnection, guild_id: int, user_id: int, prompt_date: date
) -> dict[str, Any] | None:
    """The member's completion of the prompt of `prompt_date`, if they pressed Done."""
    return await first_row(
        conn,
        select(daily_completions).where(
            of_member(daily_completions, guild_id, user_id),
            daily_completions.c.prompt_date == prompt_date.isoformat(),
        ),
    )


# --- study minutes (the activity log, read through its table) ---------------------------


def _study_rows() -> Any:
    return activity.c.kind.in_(sorted(STUDY_KINDS))


async def minutes_by_day(
    conn: AsyncConnection, guild_id: int, user_id: int, since: date | None = None
) -> dict[date, int]:
    """The member's logged study minutes per local day (days with rows only)."""
    query = (
        select(activity.c.local_date, func.coalesce(func.sum(activity.c.minutes), 0))
        .where(of_member(activity, guild_id, user_id), _study_rows())
        .group_by(activity.c.local_date)
    )
    if since is not None:
        query = query.where(activity.c.local_date >= since.isoformat())
    return {date.fromisoformat(day): int(total) for day, total in await conn.execute(query)}


async def study_facts(
    conn: AsyncConnection, guild_id: int, user_id: int
) -> tuple[list[date], dict[date, int], int]:
    """The member's Done days, their study minutes per local day (as `completion_days` and
    `minutes_by_day`) and the guild's threshold (as `study_minutes`), in one statement: a
    streak refresh runs inside the caller's write transaction, where every round trip is
    one more wait for a busy loop or database (a sweep in the same bot)."""
    of_done = of_member(daily_completions, guild_id, user_id)
    query = union_all(
        select(literal("done"), daily_completions.c.local_date, literal(0)).where(of_done),
        select(literal("minutes"), activity.c.local_date, func.sum(activity.c.minutes))
        .where(of_member(activity, guild_id, user_id), _study_rows())
        .group_by(activity.c.local_date),
        select(literal("threshold"), null().cast(String), streak_settings.c.study_minutes).where(
            streak_settings.c.guild_id == guild_id
        ),
    )
    done: set[date] = set()
    minutes: dict[date, int] = {}
    threshold = DEFAULT_STUDY_MINUTES
    for what, day, value in await conn.execute(query):
        if what == "threshold":
            threshold = int(value)
        elif what == "done":
            done.add(date.fromisoformat(day))
        else:
            minutes[date.fromisoformat(day)] = int(value or 0)
    return sorted(done), minutes, threshold


async def entry_by_ref(
    conn: AsyncConnection, guild_id: int, user_id: int, ref: str
) -> dict[str, Any] | None:
    """The member's activity row recorded under `ref` (e.g. a prompt's chosen minutes)."""
    return await first_row(
        conn,
        select(activity).where(
            of_member(activity, guild_id, user_id),
            activity.c.ref == ref,
        ),
    )


async def delete_entry(conn: AsyncConnection, guild_id: int, entry_id: int) -> None:
    await conn.execute(
        delete(activity).where(activity.c.guild_id == guild_id, activity.c.id == entry_id)
    )


async def guild_done_days(conn: AsyncConnection, guild_id: int) -> dict[int, set[date]]:
    """member -> local days with a completion, for a whole guild (streamed)."""
    query = select(daily_completions.c.user_id, daily_completions.c.local_date).where(
        daily_completions.c.guild_id == guild_id
    )
    found: dict[int, set[date]] = {}
    result = await conn.stream(query)
    async for partition in result.partitions(STREAM_PARTITION):
        for user_id, day in partition:
            found.setdefault(int(user_id), set()).add(date.fromisoformat(day))
    return found


async def guild_study_minutes(
    conn: AsyncConnection, guild_id: int, threshold: int
) -> dict[int, dict[date, int]]:
    """member -> {local day: minutes} for the days that reach `threshold`, whole guild."""
    total = func.sum(activity.c.minutes)
    query = (
        select(activity.c.user_id, activity.c.local_date, total)
        .where(activity.c.guild_id == guild_id, _study_rows())
        .group_by(activity.c.user_id, activity.c.local_date)
        .having(total >= threshold)
    )
    found: dict[int, dict[date, int]] = {}
    result = await conn.stream(query)
    async for partition in result.partitions(STREAM_PARTITION):
        for user_id, day, minutes in partition:
            found.setdefault(int(user_id), {})[date.fromisoformat(day)] = int(minutes)
    return found


# --- the streak rule and the streak cache -----------------------------------------------


async def study_minutes(conn: AsyncConnection, guild_id: int) -> int:
    """The guild's study-day threshold in minutes (the default without a row)."""
    query = select(streak_settings.c.study_minutes).where(streak_settings.c.guild_id == guild_id)
    value = (await conn.execute(query)).scalar()
    return int(value) if value is not None else DEFAULT_STUDY_MINUTES


async def save_study_minutes(
    conn: AsyncConnection, guild_id: int, now: datetime, minutes: int
) -> None:
    await save_guild_row(conn, streak_settings, guild_id, now, study_minutes=minutes)


def _cache_values(state: StreakState, now: datetime) -> dict[str, Any]:
    return {
        "current": state.current,
        "best": state.best,
        "freezes": state.freezes,
        "last_day": state.last_day.isoformat() if state.last_day else None,
        "updated_at": now,
    }


async def save_streak_state(
    conn: AsyncConnection, guild_id: int, user_id: int, now: datetime, state: StreakState | None
) -> None:
    """Cache the member's state (None: they have no study day left, so no row)."""
    if state is None:
        await conn.execute(delete(streaks).where(of_member(streaks, guild_id, user_id)))
        return
    await save_streak(
        conn,
        guild_id,
        user_id,
        now,
        current=state.current,
        best=state.best,
        freezes=state.freezes,
        last_day=state.last_day,
    )


async def replace_guild_streaks(
    conn: AsyncConnection, guild_id: int, states: Mapping[int, StreakState], now: datetime
) -> None:
    """The guild's whole cache, recomputed (a threshold change)."""
    await conn.execute(delete(streaks).where(streaks.c.guild_id == guild_id))
    rows = [
        {"guild_id": guild_id, "user_id": user_id, **_cache_values(state, now)}
        for user_id, state in sorted(states.items())
    ]
    for start in range(0, len(rows), STREAM_PARTITION):
        await conn.execute(insert(streaks), rows[start : start + STREAM_PARTITION])


async def save_streak(
    conn: AsyncConnection,
    guild_id: int,
    user_id: int,
    now: datetime,
    *,
    current: int,
    best: int,
    freezes: int,
    last_day: date | None,
) -> None:
    values = {
        "current": current,
        "best": best,
        "freezes": freezes,
        "last_day": last_day.isoformat() if last_day else None,
        "updated_at": now,
    }
    updated = await conn.execute(
        update(streaks).where(of_member(streaks, guild_id, user_id)).values(**values)
    )
    if updated.rowcount == 0:
        await conn.execute(insert(streaks).values(guild_id=guild_id, user_id=user_id, **values))


async def reminder_prefs(conn: AsyncConnection, guild_id: int, user_id: int) -> dict[str, Any]:
    row = (
        await conn.execute(
            select(member_reminders).where(of_member(member_reminders, guild_id, user_id))
        )
    ).first()
    if row:
        return dict(row._mapping)
    return {
        "guild_id": guild_id,
        "user_id": user_id,
        "streak": False,
        "streak_hours_before": 4,
        "reviews": False,
        "review_time": "18:00",
    }


async def save_reminder_prefs(
    conn: AsyncConnection, guild_id: int, user_id: int, now: datetime, **values: Any
) -> dict[str, Any]:
    member = {"guild_id": guild_id, "user_id": user_id}
    await update_or_insert(conn, member_reminders, member, {"updated_at": now, **values})
    return await reminder_prefs(conn, guild_id, user_id)
