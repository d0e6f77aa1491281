"""What the interview services hand to the UI, and the renderer they are wired with.

The dataclasses are the service's answers (the views render them); `InterviewRenderer` is
how scheduled posts and DMs get their look without a service importing UI:
`bot.interview.views.InterviewViews` implements it and the wiring passes it in.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal, Protocol

import discord

from bot.catalog import Question
from bot.core.records import frozen
from bot.core.scheduling.guild_posts import Rendered
from bot.interview import rules


@frozen
class MockProgress:
    """Where a mock session is: the question shown, how many, and its deadline."""

    mock_id: int
    index: int  # 0-based position of the question shown
    total: int
    deadline: datetime


@frozen
class PracticeRound:
    """One question on screen: what the practice message shows and which buttons it has."""

    attempt_id: int
    question: Question
    kind: str  # review | new | qotd | mock
    source: str
    hints_shown: int
    key_points_shown: bool
    mock: MockProgress | None = None
    category: str | None = None  # the filter the member asked for (for "Next question")
    difficulty: int | None = None


@frozen
class MockSummary:
    """A finished (or stopped, or expired) mock session and its score."""

    mock_id: int
    status: str  # done | ended | expired
    score: rules.MockScore
    questions: dict[str, Question]
    total: int


@frozen
class RatingResult:
    """A self-rating saved: when the question comes back, and what to show next."""

    attempt_id: int
    question: Question
    rating: str
    due_at: datetime
    interval: timedelta
    minutes: int
    next_round: PracticeRound | None = None
    summary: MockSummary | None = None
    category: str | None = None  # the practice filter, kept for "Next question"
    difficulty: int | None = None


@frozen
class NumberCheck:
    """A number a member submitted for a question with a numeric answer, graded."""

    question: Question
    given: float
    right: bool
    #: the self-rating the result suggests (the member still rates)
    suggested: rules.Rating
    rated: bool  # the attempt was already rated: the suggestion is only for next time


#: The parts of an answer a member opens on request: the key points (from the reply after the
#: rating), the model answer, the reference code.
AnswerPart = Literal["keys", "model", "code"]


@frozen
class InterviewStats:
    """What `/interview stats` shows for one member."""

    user_id: int
    attempts: int
    due: int
    next_due: datetime | None
    categories: list[rules.CategoryStats]
    weakest: list[tuple[str, rules.Strength]]  # (skill name, strength and answers)


@frozen
class PairJoin:
    """The outcome of joining the pairing queue: still waiting, or paired."""

    status: str  # waiting | paired
    expires_at: datetime | None = None
    pair_id: int | None = None
    thread_id: int | None = None
    role: str | None = None  # interviewer | candidate (of the member who joined)
    partner_id: int | None = None
    category: str | None = None


@frozen
class PairInfo:
    """A pairing: who interviews whom, on which question, and how it went."""

    pair_id: int
    guild_id: int
    interviewer_id: int
    candidate_id: int
    question: Question
    thread_id: int | None
    done: bool
    candidate_score: int | None = None
    interviewer_score: int | None = None

    def partner_of(self, user_id: int) -> int:
        """The other member of the pair."""
        return self.candidate_id if user_id == self.interviewer_id else self.interviewer_id


@frozen
class PairThread:
    """The opening message of a pairing thread."""

    name: str
    content: str
    embed: discord.Embed
    view: discord.ui.View


class InterviewRenderer(Protocol):
    """How interview posts and DMs look (`bot.interview.views` provides it at wiring time)."""

    def qotd_post(self, question: Question, day: date) -> Rendered:
        """The question-of-the-day post for `day`."""

    def reviews_due(self, count: int) -> discord.Embed:
        """The DM (or inbox note) that `count` reviews are due."""

    def queue_expired(self, ttl: timedelta) -> discord.Embed:
        """The note that nobody joined the pairing queue within `ttl`."""

    def mock_summary(self, summary: MockSummary) -> discord.Embed:
        """A mock session's summary (sent when it expired unattended)."""

    def pair_thread(self, info: PairInfo) -> PairThread:
        """The opening message of a pair's thread."""
