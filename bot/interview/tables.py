"""Tables for bot/interview/service, on the shared metadata (see schema.py), and the typed
rows `bot/interview/store.py` returns from them.

- `interview_cards`: one FSRS card per (guild, member, question); the card state is the
  `fsrs` package's JSON, `due_at` is copied out of it so "what is due" is an index scan.
- `interview_attempts`: every question shown (practice, mock, pair, question of the day);
  `rating` is set once the member rates it. The practice buttons carry the attempt id.
- `interview_mocks`: timed mock sessions (one `active` per member).
- `interview_pair_queue` / `interview_pairs`: members waiting for a peer, and the pairs made.
- `interview_qotd` / `interview_qotd_posts`: the question-of-the-day schedule and posts.
"""

from __future__ import annotations

from datetime import datetime
from typing import NotRequired, TypedDict

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, String, Text

from bot.core.store import columns as col
from bot.core.store.schema import guild_log, member_log, metadata, table

interview_cards = table(
    "interview_cards",
    *col.member_key(),
    Column("question_id", String(64), primary_key=True),
    Column("category", String(32), nullable=False),
    Column("card", Text, nullable=False),  # fsrs.Card.to_json()
    col.instant("due_at"),
    col.counter("reviews"),
    Column("last_rating", String(8), nullable=True),
    col.instant("updated_at"),
    Index("ix_interview_cards_member_due", "guild_id", "user_id", "due_at"),
)

interview_attempts = member_log(
    "interview_attempts",
    Column("question_id", String(64), nullable=False),
    Column("category", String(32), nullable=False),
    Column("source", String(8), nullable=False),  # practice | mock | pair | qotd
    Column("session_id", Integer, nullable=True),  # interview_mocks.id or interview_pairs.id
    col.instant("started_at"),
    col.counter("hints_used"),
    col.flag("key_points_shown", default=False),
    col.instant("rated_at", nullable=True),
    Column("rating", String(8), nullable=True),
    Column("peer_score", Integer, nullable=True),
    Column("seconds", Integer, nullable=True),
    col.instant("next_due_at", nullable=True),
    # The filter the member practised with, so "Next question" keeps it.
    Column("filter_category", String(32), nullable=True),
    Column("filter_difficulty", Integer, nullable=True),
    Index("ix_interview_attempts_member_rated", "guild_id", "user_id", "rated_at"),
    Index("ix_interview_attempts_guild_rated", "guild_id", "rated_at", "user_id"),
    Index("ix_interview_attempts_session", "session_id", "source"),
)

interview_mocks = member_log(
    "interview_mocks",
    Column("status", String(8), nullable=False),  # active | done | ended | expired
    Column("focus", String(32), nullable=True),
    Column("question_ids", JSON, nullable=False),
    col.counter("position"),
    col.instant("started_at"),
    col.instant("deadline_at"),
    col.instant("finished_at", nullable=True),
    Index("ix_interview_mocks_member_status", "guild_id", "user_id", "status"),
)

interview_pair_queue = table(
    "interview_pair_queue",
    *col.member_key(),
    Column("category", String(32), nullable=True),
    col.counter("utc_offset"),  # minutes
    col.instant("joined_at"),
    col.instant("expires_at"),
)

interview_pairs = guild_log(
    "interview_pairs",
    Column("interviewer_id", BigInteger, nullable=False),
    Column("candidate_id", BigInteger, nullable=False),
    Column("question_id", String(64), nullable=False),
    Column("category", String(32), nullable=False),
    Column("thread_id", BigInteger, nullable=True),
    col.instant("created_at"),
    col.instant("done_at", nullable=True),
    Column("candidate_score", Integer, nullable=True),  # given by the interviewer
    Column("interviewer_score", Integer, nullable=True),  # given by the candidate
    Index("ix_interview_pairs_guild_created", "guild_id", "created_at"),
)

interview_qotd = table("interview_qotd", *col.weekly_post_schedule(post_time="12:00", weekdays=31))

interview_qotd_posts = table(
    "interview_qotd_posts",
    col.guild_key(),
    col.iso_date("post_date", primary_key=True),  # guild-local ISO date
    Column("question_id", String(64), nullable=False),
    col.instant("posted_at"),
    Column("channel_id", BigInteger, nullable=True),
    Column("message_id", BigInteger, nullable=True),
)


class CardRow(TypedDict):
    guild_id: int
    user_id: int
    question_id: str
    category: str
    card: str
    due_at: datetime
    reviews: int
    last_rating: str | None
    updated_at: datetime


class AttemptRow(TypedDict):
    id: int
    guild_id: int
    user_id: int
    question_id: str
    category: str
    source: str
    session_id: int | None
    started_at: datetime
    hints_used: int
    key_points_shown: bool
    rated_at: datetime | None
    rating: str | None
    peer_score: int | None
    seconds: int | None
    next_due_at: datetime | None
    filter_category: str | None
    filter_difficulty: int | None


class AttemptOf(TypedDict):
    """Whose a new attempt is and where it comes from."""

    guild_id: int
    user_id: int
    source: str  # practice | mock | pair | qotd
    session_id: NotRequired[int | None]  # the mock session or pair it belongs to
    filter_category: NotRequired[str | None]  # the practice filter, for "Next question"
    filter_difficulty: NotRequired[int | None]


class NewAttempt(AttemptOf):
    """What a new attempt is stored with (`store.add_attempt`)."""

    question_id: str
    category: str


class QotdPost(TypedDict):
    """A question of the day as posted (`store.add_qotd_post` adds its date)."""

    guild_id: int
    question_id: str
    posted_at: datetime
    channel_id: int | None
    message_id: int | None


class RatedRow(TypedDict):
    """A rated attempt, as stats read it."""

    question_id: str
    category: str
    rating: str
    rated_at: datetime
    source: str


class NewMock(TypedDict):
    """What a new mock session is stored with (`store.create_mock`)."""

    guild_id: int
    user_id: int
    question_ids: list[str]
    focus: str | None


class MockRow(NewMock):
    id: int
    status: str
    position: int
    started_at: datetime
    deadline_at: datetime
    finished_at: datetime | None


class QueueEntry(TypedDict):
    """A member waiting for a pairing partner (`store.join_queue` adds when they joined)."""

    guild_id: int
    user_id: int
    category: str | None  # None: any category
    utc_offset: int  # minutes, at the time they joined
    expires_at: datetime


class QueueRow(QueueEntry):
    joined_at: datetime


class NewPair(TypedDict):
    """What a new pairing is stored with (`store.create_pair`)."""

    guild_id: int
    interviewer_id: int
    candidate_id: int
    question_id: str
    category: str


class PairRow(NewPair):
    id: int
    thread_id: int | None
    created_at: datetime
    done_at: datetime | None
    candidate_score: int | None
    interviewer_score: int | None


__all__ = [
    "AttemptOf",
    "AttemptRow",
    "CardRow",
    "MockRow",
    "NewAttempt",
    "NewMock",
    "NewPair",
    "PairRow",
    "QotdPost",
    "QueueEntry",
    "QueueRow",
    "RatedRow",
    "interview_attempts",
    "interview_cards",
    "interview_mocks",
    "interview_pair_queue",
    "interview_pairs",
    "interview_qotd",
    "interview_qotd_posts",
    "metadata",
]
