"""Interview practice: FSRS cards, attempts, mock sessions, the pairing queue, pairs, QOTD."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Unpack, cast

from sqlalchemy import ColumnElement, Executable, Insert, and_, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.store.rows import insert_new, inserted_id, of_member
from bot.interview.tables import (
    AttemptRow,
    CardRow,
    MockRow,
    NewAttempt,
    NewMock,
    NewPair,
    PairRow,
    QotdPost,
    QueueEntry,
    QueueRow,
    RatedRow,
    interview_attempts,
    interview_cards,
    interview_mocks,
    interview_pair_queue,
    interview_pairs,
    interview_qotd_posts,
)


async def _first(conn: AsyncConnection, query: Executable) -> Any:
    """The first row as a dict (the caller casts it to its typed row), or None."""
    row = (await conn.execute(query)).first()
    return dict(row._mapping) if row is not None else None


async def _all(conn: AsyncConnection, query: Executable) -> Any:
    """Every row as a dict (the caller casts the list to its typed rows)."""
    return [dict(row._mapping) for row in await conn.execute(query)]


# --- cards ----------------------------------------------------------------------------


def _is_card(guild_id: int, user_id: int, question_id: str) -> ColumnElement[bool]:
    return and_(
        of_member(interview_cards, guild_id, user_id),
        interview_cards.c.question_id == question_id,
    )


async def card(
    conn: AsyncConnection, guild_id: int, user_id: int, question_id: str
) -> CardRow | None:
    query = select(interview_cards).where(_is_card(guild_id, user_id, question_id))
    return cast(CardRow | None, await _first(conn, query))


async def due_map(conn: AsyncConnection, guild_id: int, user_id: int) -> dict[str, datetime]:
    """question id -> due time, for every card the member has."""
    rows = await conn.execute(
        select(interview_cards.c.question_id, interview_cards.c.due_at).where(
            of_member(interview_cards, guild_id, user_id)
        )
    )
    return {row.question_id: row.due_at for row in rows}


async def count_due(conn: AsyncConnection, guild_id: int, user_id: int, now: datetime) -> int:
    query = select(func.count()).where(
        of_member(interview_cards, guild_id, user_id),
        interview_cards.c.due_at <= now,
    )
    return int((await conn.execute(query)).scalar() or 0)


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
        .where(_is_card(guild_id, user_id, question_id))
        .values(reviews=interview_cards.c.reviews + 1, **values)
    )
    if updated.rowcount == 0:
        await conn.execute(
            insert(interview_cards).values(
                guild_id=guild_id, user_id=user_id, question_id=question_id, reviews=1, **values
            )
        )


# --- attempts -------------------------------------------------------------------------


def _new_attempt(now: datetime, values: NewAttempt) -> Insert:
    return insert(interview_attempts).values(
        started_at=now, hints_used=0, key_points_shown=False, **values
    )


async def add_attempt(conn: AsyncConnection, *, now: datetime, **values: Unpack[NewAttempt]) -> int:
    return await inserted_id(conn, _new_attempt(now, values))


async def open_attempt(
    conn: AsyncConnection, *, now: datetime, **values: Unpack[NewAttempt]
) -> AttemptRow:
    """A new attempt, returned as stored (`attempt`) by the insert itself (RETURNING, SQLite
    >= 3.35 and PostgreSQL): no second round trip to read it back."""
    statement = _new_attempt(now, values).returning(*interview_attempts.c)
    row = (await conn.execute(statement)).one()
    return cast(AttemptRow, dict(row._mapping))


async def attempt(conn: AsyncConnection, attempt_id: int) -> AttemptRow | None:
    query = select(interview_attempts).where(interview_attempts.c.id == attempt_id)
    return cast(AttemptRow | None, await _first(conn, query))


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
) -> list[RatedRow]:
    query = select(
        interview_attempts.c.question_id,
        interview_attempts.c.category,
        interview_attempts.c.rating,
        interview_attempts.c.rated_at,
        interview_attempts.c.source,
    ).where(
        of_member(interview_attempts, guild_id, user_id),
        interview_attempts.c.rated_at.is_not(None),
    )
    if since is not None:
        query = query.where(interview_attempts.c.rated_at >= since)
    return cast(list[RatedRow], await _all(conn, query.order_by(interview_attempts.c.rated_at)))


async def session_attempts(conn: AsyncConnection, session_id: int, source: str) -> list[AttemptRow]:
    query = (
        select(interview_attempts)
        .where(interview_attempts.c.session_id == session_id, interview_attempts.c.source == source)
        .order_by(interview_attempts.c.id)
    )
    return cast(list[AttemptRow], await _all(conn, query))


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


async def active_mock(conn: AsyncConnection, guild_id: int, user_id: int) -> MockRow | None:
    query = select(interview_mocks).where(
        of_member(interview_mocks, guild_id, user_id),
        interview_mocks.c.status == "active",
    )
    return cast(MockRow | None, await _first(conn, query))


async def mock(conn: AsyncConnection, mock_id: int) -> MockRow | None:
    query = select(interview_mocks).where(interview_mocks.c.id == mock_id)
    return cast(MockRow | None, await _first(conn, query))


async def create_mock(
    conn: AsyncConnection, *, now: datetime, deadline: datetime, **mock: Unpack[NewMock]
) -> int:
    session = insert(interview_mocks).values(
        status="active", position=0, started_at=now, deadline_at=deadline, **mock
    )
    return await inserted_id(conn, session)


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


async def queue(conn: AsyncConnection, guild_id: int) -> list[QueueRow]:
    query = (
        select(interview_pair_queue)
        .where(interview_pair_queue.c.guild_id == guild_id)
        .order_by(interview_pair_queue.c.joined_at)
    )
    return cast(list[QueueRow], await _all(conn, query))


async def queue_entry(conn: AsyncConnection, guild_id: int, user_id: int) -> QueueRow | None:
    query = select(interview_pair_queue).where(
        of_member(interview_pair_queue, guild_id, user_id),
    )
    return cast(QueueRow | None, await _first(conn, query))


async def join_queue(conn: AsyncConnection, *, now: datetime, **entry: Unpack[QueueEntry]) -> None:
    """Put the member in the queue (replacing an earlier entry of theirs)."""
    await leave_queue(conn, entry["guild_id"], [entry["user_id"]])
    await conn.execute(insert(interview_pair_queue).values(joined_at=now, **entry))


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
            of_member(interview_pair_queue, guild_id, user_id),
            interview_pair_queue.c.expires_at <= now,
        )
    )
    return result.rowcount == 1


async def create_pair(conn: AsyncConnection, *, now: datetime, **pair: Unpack[NewPair]) -> int:
    return await inserted_id(conn, insert(interview_pairs).values(created_at=now, **pair))


async def pair(conn: AsyncConnection, pair_id: int) -> PairRow | None:
    query = select(interview_pairs).where(interview_pairs.c.id == pair_id)
    return cast(PairRow | None, await _first(conn, query))


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


async def recent_qotd(conn: AsyncConnection, guild_id: int, limit: int) -> list[str]:
    """Question ids of the guild's latest posts, newest first."""
    rows = await conn.execute(
        select(interview_qotd_posts.c.question_id)
        .where(interview_qotd_posts.c.guild_id == guild_id)
        .order_by(interview_qotd_posts.c.post_date.desc())
        .limit(limit)
    )
    return [row[0] for row in rows]


async def add_qotd_post(conn: AsyncConnection, day: date, **post: Unpack[QotdPost]) -> None:
    """Remember the day's question (a second record for the same day is ignored)."""
    await insert_new(conn, interview_qotd_posts, {"post_date": day.isoformat(), **post})
