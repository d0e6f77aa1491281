"""Interview practice: FSRS cards, attempts, mock sessions, the pairing queue, pairs, QOTD."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.interview.tables import (
    interview_attempts,
    interview_cards,
    interview_mocks,
    interview_pair_queue,
    interview_pairs,
    interview_qotd,
    interview_qotd_posts,
)


def _one(row: Any) -> dict[str, Any] | None:
    return dict(row._mapping) if row is not None else None


# --- cards ----------------------------------------------------------------------------


async def card(
    conn: AsyncConnection, guild_id: int, user_id: int, question_id: str
) -> dict[str, Any] | None:
    row = (
        await conn.execute(
            select(interview_cards).where(
                interview_cards.c.guild_id == guild_id,
                interview_cards.c.user_id == user_id,
                interview_cards.c.question_id == question_id,
            )
        )
    ).first()
    return _one(row)


async def due_map(conn: AsyncConnection, guild_id: int, user_id: int) -> dict[str, datetime]:
    """question id -> due time, for every card the member has."""
    rows = await conn.execute(
        select(interview_cards.c.question_id, interview_cards.c.due_at).where(
            interview_cards.c.guild_id == guild_id, interview_cards.c.user_id == user_id
        )
    )
    return {row.question_id: row.due_at for row in rows}


async def count_due(conn: AsyncConnection, guild_id: int, user_id: int, now: datetime) -> int:
    value = (
        await conn.execute(
            select(func.count())
            .select_from(interview_cards)
            .where(
                interview_cards.c.guild_id == guild_id,
                interview_cards.c.user_id == user_id,
                interview_cards.c.due_at <= now,
            )
        )
    ).scalar()
    return int(value or 0)


async def save_card(
    conn: AsyncConnection,
    guild_id: int,
    user_id: int,
    question_id: str,
    *,
    category: str,
    card_json: str,
    due_at: datetime,
    rating: str,
    now: datetime,
) -> None:
    values = {
        "category": category,
        "card": card_json,
        "due_at": due_at,
        "last_rating": rating,
        "updated_at": now,
    }
    updated = await conn.execute(
        update(interview_cards)
        .where(
            interview_cards.c.guild_id == guild_id,
            interview_cards.c.user_id == user_id,
            interview_cards.c.question_id == question_id,
        )
        .values(reviews=interview_cards.c.reviews + 1, **values)
    )
    if updated.rowcount == 0:
        await conn.execute(
            insert(interview_cards).values(
                guild_id=guild_id, user_id=user_id, question_id=question_id, reviews=1, **values
            )
        )


# --- attempts -------------------------------------------------------------------------


async def add_attempt(
    conn: AsyncConnection,
    *,
    guild_id: int,
    user_id: int,
    question_id: str,
    category: str,
    source: str,
    now: datetime,
    session_id: int | None = None,
    filter_category: str | None = None,
    filter_difficulty: int | None = None,
) -> int:
    result = await conn.execute(
        insert(interview_attempts).values(
            filter_category=filter_category,
            filter_difficulty=filter_difficulty,
            guild_id=guild_id,
            user_id=user_id,
            question_id=question_id,
            category=category,
            source=source,
            session_id=session_id,
            started_at=now,
            hints_used=0,
            key_points_shown=False,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


async def attempt(conn: AsyncConnection, attempt_id: int) -> dict[str, Any] | None:
    row = (
        await conn.execute(select(interview_attempts).where(interview_attempts.c.id == attempt_id))
    ).first()
    return _one(row)


async def reveal_hints(conn: AsyncConnection, attempt_id: int, shown: int) -> None:
    """Hints shown so far never go down (a stale button click is harmless)."""
    await conn.execute(
        update(interview_attempts)
        .where(interview_attempts.c.id == attempt_id, interview_attempts.c.hints_used < shown)
        .values(hints_used=shown)
    )


async def reveal_key_points(conn: AsyncConnection, attempt_id: int) -> None:
    await conn.execute(
        update(interview_attempts)
        .where(interview_attempts.c.id == attempt_id)
        .values(key_points_shown=True)
    )


async def rate_attempt(
    conn: AsyncConnection,
    attempt_id: int,
    *,
    rating: str,
    now: datetime,
    seconds: int,
    next_due_at: datetime | None,
    peer_score: int | None = None,
) -> bool:
    """Record the rating once; False when the attempt was already rated (double click)."""
    result = await conn.execute(
        update(interview_attempts)
        .where(interview_attempts.c.id == attempt_id, interview_attempts.c.rated_at.is_(None))
        .values(
            rating=rating,
            rated_at=now,
            seconds=seconds,
            next_due_at=next_due_at,
            peer_score=peer_score,
        )
    )
    return result.rowcount == 1


async def rated_attempts(
    conn: AsyncConnection, guild_id: int, user_id: int, since: datetime | None = None
) -> list[dict[str, Any]]:
    query = select(
        interview_attempts.c.question_id,
        interview_attempts.c.category,
        interview_attempts.c.rating,
        interview_attempts.c.rated_at,
        interview_attempts.c.source,
    ).where(
        interview_attempts.c.guild_id == guild_id,
        interview_attempts.c.user_id == user_id,
        interview_attempts.c.rated_at.is_not(None),
    )
    if since is not None:
        query = query.where(interview_attempts.c.rated_at >= since)
    rows = await conn.execute(query.order_by(interview_attempts.c.rated_at))
    return [dict(row._mapping) for row in rows]


async def session_attempts(
    conn: AsyncConnection, session_id: int, source: str
) -> list[dict[str, Any]]:
    rows = await conn.execute(
        select(interview_attempts)
        .where(interview_attempts.c.session_id == session_id, interview_attempts.c.source == source)
        .order_by(interview_attempts.c.id)
    )
    return [dict(row._mapping) for row in rows]


async def review_counts(
    conn: AsyncConnection, guild_id: int, since: datetime | None
) -> dict[int, int]:
    """Rated attempts per member of a guild (since `since`), in one grouped query."""
    query = (
        select(interview_attempts.c.user_id, func.count().label("n"))
        .where(
            interview_attempts.c.guild_id == guild_id,
            interview_attempts.c.rated_at.is_not(None),
        )
        .group_by(interview_attempts.c.user_id)
    )
    if since is not None:
        query = query.where(interview_attempts.c.rated_at >= since)
    return {int(row.user_id): int(row.n) for row in await conn.execute(query)}


# --- mock sessions --------------------------------------------------------------------


async def active_mock(conn: AsyncConnection, guild_id: int, user_id: int) -> dict[str, Any] | None:
    row = (
        await conn.execute(
            select(interview_mocks).where(
                interview_mocks.c.guild_id == guild_id,
                interview_mocks.c.user_id == user_id,
                interview_mocks.c.status == "active",
            )
        )
    ).first()
    return _one(row)


async def mock(conn: AsyncConnection, mock_id: int) -> dict[str, Any] | None:
    row = (
        await conn.execute(select(interview_mocks).where(interview_mocks.c.id == mock_id))
    ).first()
    return _one(row)


async def create_mock(
    conn: AsyncConnection,
    *,
    guild_id: int,
    user_id: int,
    question_ids: list[str],
    focus: str | None,
    now: datetime,
    deadline: datetime,
) -> int:
    result = await conn.execute(
        insert(interview_mocks).values(
            guild_id=guild_id,
            user_id=user_id,
            status="active",
            focus=focus,
            question_ids=question_ids,
            position=0,
            started_at=now,
            deadline_at=deadline,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


async def advance_mock(conn: AsyncConnection, mock_id: int, expected: int) -> bool:
    """Move to the next question; compare-and-set so a double click advances once."""
    result = await conn.execute(
        update(interview_mocks)
        .where(
            interview_mocks.c.id == mock_id,
            interview_mocks.c.position == expected,
            interview_mocks.c.status == "active",
        )
        .values(position=expected + 1)
    )
    return result.rowcount == 1


async def close_mock(conn: AsyncConnection, mock_id: int, status: str, now: datetime) -> bool:
    result = await conn.execute(
        update(interview_mocks)
        .where(interview_mocks.c.id == mock_id, interview_mocks.c.status == "active")
        .values(status=status, finished_at=now)
    )
    return result.rowcount == 1


# --- pairing --------------------------------------------------------------------------


async def queue(conn: AsyncConnection, guild_id: int) -> list[dict[str, Any]]:
    rows = await conn.execute(
        select(interview_pair_queue)
        .where(interview_pair_queue.c.guild_id == guild_id)
        .order_by(interview_pair_queue.c.joined_at)
    )
    return [dict(row._mapping) for row in rows]


async def queue_entry(conn: AsyncConnection, guild_id: int, user_id: int) -> dict[str, Any] | None:
    row = (
        await conn.execute(
            select(interview_pair_queue).where(
                interview_pair_queue.c.guild_id == guild_id,
                interview_pair_queue.c.user_id == user_id,
            )
        )
    ).first()
    return _one(row)


async def join_queue(
    conn: AsyncConnection,
    *,
    guild_id: int,
    user_id: int,
    category: str | None,
    utc_offset: int,
    now: datetime,
    expires_at: datetime,
) -> None:
    await leave_queue(conn, guild_id, [user_id])
    await conn.execute(
        insert(interview_pair_queue).values(
            guild_id=guild_id,
            user_id=user_id,
            category=category,
            utc_offset=utc_offset,
            joined_at=now,
            expires_at=expires_at,
        )
    )


async def leave_queue(conn: AsyncConnection, guild_id: int, user_ids: list[int]) -> int:
    result = await conn.execute(
        delete(interview_pair_queue).where(
            interview_pair_queue.c.guild_id == guild_id,
            interview_pair_queue.c.user_id.in_(user_ids),
        )
    )
    return int(result.rowcount or 0)


async def expire_entry(conn: AsyncConnection, guild_id: int, user_id: int, now: datetime) -> bool:
    """Remove the entry if it has expired; True when this call removed it."""
    result = await conn.execute(
        delete(interview_pair_queue).where(
            interview_pair_queue.c.guild_id == guild_id,
            interview_pair_queue.c.user_id == user_id,
            interview_pair_queue.c.expires_at <= now,
        )
    )
    return result.rowcount == 1


async def create_pair(
    conn: AsyncConnection,
    *,
    guild_id: int,
    interviewer_id: int,
    candidate_id: int,
    question_id: str,
    category: str,
    now: datetime,
) -> int:
    result = await conn.execute(
        insert(interview_pairs).values(
            guild_id=guild_id,
            interviewer_id=interviewer_id,
            candidate_id=candidate_id,
            question_id=question_id,
            category=category,
            created_at=now,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


async def pair(conn: AsyncConnection, pair_id: int) -> dict[str, Any] | None:
    row = (
        await conn.execute(select(interview_pairs).where(interview_pairs.c.id == pair_id))
    ).first()
    return _one(row)


async def delete_pair(conn: AsyncConnection, pair_id: int) -> None:
    """Undo a match whose thread could not be opened (its attempt goes with it)."""
    await conn.execute(
        delete(interview_attempts).where(
            interview_attempts.c.session_id == pair_id, interview_attempts.c.source == "pair"
        )
    )
    await conn.execute(delete(interview_pairs).where(interview_pairs.c.id == pair_id))


async def set_pair_thread(conn: AsyncConnection, pair_id: int, thread_id: int) -> None:
    await conn.execute(
        update(interview_pairs).where(interview_pairs.c.id == pair_id).values(thread_id=thread_id)
    )


async def mark_pair_done(conn: AsyncConnection, pair_id: int, now: datetime) -> bool:
    result = await conn.execute(
        update(interview_pairs)
        .where(interview_pairs.c.id == pair_id, interview_pairs.c.done_at.is_(None))
        .values(done_at=now)
    )
    return result.rowcount == 1


async def rate_pair(conn: AsyncConnection, pair_id: int, column: str, score: int) -> bool:
    """Store one side's score once; False when that side had already rated."""
    target = interview_pairs.c[column]
    result = await conn.execute(
        update(interview_pairs)
        .where(interview_pairs.c.id == pair_id, target.is_(None))
        .values({column: score})
    )
    return result.rowcount == 1


# --- question of the day --------------------------------------------------------------


async def qotd_schedule(conn: AsyncConnection, guild_id: int) -> dict[str, Any] | None:
    row = (
        await conn.execute(select(interview_qotd).where(interview_qotd.c.guild_id == guild_id))
    ).first()
    return _one(row)


async def all_qotd_schedules(conn: AsyncConnection) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in await conn.execute(select(interview_qotd))]


async def save_qotd_schedule(
    conn: AsyncConnection, guild_id: int, now: datetime, **values: Any
) -> dict[str, Any]:
    if await qotd_schedule(conn, guild_id) is None:
        await conn.execute(insert(interview_qotd).values(guild_id=guild_id, updated_at=now))
    await conn.execute(
        update(interview_qotd)
        .where(interview_qotd.c.guild_id == guild_id)
        .values(updated_at=now, **values)
    )
    saved = await qotd_schedule(conn, guild_id)
    assert saved is not None
    return saved


async def recent_qotd(conn: AsyncConnection, guild_id: int, limit: int) -> list[str]:
    """Question ids of the guild's latest posts, newest first."""
    rows = await conn.execute(
        select(interview_qotd_posts.c.question_id)
        .where(interview_qotd_posts.c.guild_id == guild_id)
        .order_by(interview_qotd_posts.c.post_date.desc())
        .limit(limit)
    )
    return [row[0] for row in rows]


async def qotd_post(conn: AsyncConnection, guild_id: int, day: date) -> dict[str, Any] | None:
    row = (
        await conn.execute(
            select(interview_qotd_posts).where(
                interview_qotd_posts.c.guild_id == guild_id,
                interview_qotd_posts.c.post_date == day.isoformat(),
            )
        )
    ).first()
    return _one(row)


async def add_qotd_post(
    conn: AsyncConnection,
    guild_id: int,
    day: date,
    question_id: str,
    now: datetime,
    channel_id: int | None,
    message_id: int | None,
) -> None:
    try:
        async with conn.begin_nested():
            await conn.execute(
                insert(interview_qotd_posts).values(
                    guild_id=guild_id,
                    post_date=day.isoformat(),
                    question_id=question_id,
                    posted_at=now,
                    channel_id=channel_id,
                    message_id=message_id,
                )
            )
    except IntegrityError:
        pass
