"""Daily schedule, posts, completions, streak cache and member reminder preferences."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.store.rows import (
    insert_new,
    update_or_insert,
)
from bot.daily.tables import (
    daily_completions,
    daily_posts,
    member_reminders,
    streaks,
)


async def post_for(conn: AsyncConnection, guild_id: int, day: date) -> dict[str, Any] | None:
    row = (
        await conn.execute(
            select(daily_posts).where(
                daily_posts.c.guild_id == guild_id, daily_posts.c.prompt_date == day.isoformat()
            )
        )
    ).first()
    return dict(row._mapping) if row else None


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
    choice = insert(daily_posts).values(
        guild_id=guild_id,
        prompt_date=day.isoformat(),
        prompt_id=prompt_id,
        cycle=cycle,
        created_at=now,
    )
    await insert_new(conn, choice)
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
    completion = insert(daily_completions).values(
        guild_id=guild_id,
        user_id=user_id,
        prompt_date=prompt_date.isoformat(),
        local_date=local_day.isoformat(),
        completed_at=now,
    )
    return await insert_new(conn, completion)


async def completion_days(
    conn: AsyncConnection, guild_id: int, user_id: int, since: date | None = None
) -> list[date]:
    query = select(daily_completions.c.local_date).where(
        daily_completions.c.guild_id == guild_id, daily_completions.c.user_id == user_id
    )
    if since is not None:
        query = query.where(daily_completions.c.local_date >= since.isoformat())
    return sorted({date.fromisoformat(row[0]) for row in await conn.execute(query)})


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
        update(streaks)
        .where(streaks.c.guild_id == guild_id, streaks.c.user_id == user_id)
        .values(**values)
    )
    if updated.rowcount == 0:
        await conn.execute(insert(streaks).values(guild_id=guild_id, user_id=user_id, **values))


async def reminder_prefs(conn: AsyncConnection, guild_id: int, user_id: int) -> dict[str, Any]:
    row = (
        await conn.execute(
            select(member_reminders).where(
                member_reminders.c.guild_id == guild_id, member_reminders.c.user_id == user_id
            )
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
