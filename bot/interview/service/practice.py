"""Practice rounds: the next question, hints, key points and the self-rating (FSRS).

State lives in the database, never in a view: every button carries the attempt id in its
custom id, so a restart changes nothing for a member in the middle of a question.
"""

from __future__ import annotations

from bot.catalog import Question
from bot.core.errors import UserFacingError
from bot.core.runtime import Core
from bot.core.text import escape
from bot.interview import rules
from bot.interview import store as rows
from bot.interview.service.attempts import Attempts
from bot.interview.service.mock import MockSessions
from bot.interview.service.models import (
    AnswerPart,
    MockSummary,
    NumberCheck,
    PracticeRound,
    RatingResult,
)
from bot.interview.tables import AttemptRow, MockRow
from bot.members.api import MemberService

ALREADY_RATED = "You already rated this question."


class PracticeRounds:
    """`/interview practice` and the practice message's buttons."""

    def __init__(
        self, core: Core, *, attempts: Attempts, mocks: MockSessions, members: MemberService
    ) -> None:
        self.store, self.clock = core.store, core.clock
        self.attempts, self.mocks, self.members = attempts, mocks, members

    async def practice(
        self,
        guild_id: int,
        user_id: int,
        *,
        category: str | None = None,
        difficulty: int | None = None,
    ) -> PracticeRound:
        """The member's next due review in the filter, else a question they have not seen."""
        refs = self.attempts.questions(guild_id)
        if not refs.refs:
            raise UserFacingError("This server has no interview questions loaded yet.")
        now = self.clock.now()
        async with self.store.begin() as conn:
            due = await rows.due_map(conn, guild_id, user_id)
            order = await self.attempts.order_for(conn, guild_id, user_id)
            choice = rules.next_question(
                refs.refs, due, now, category=category, difficulty=difficulty, order=order
            )
            if choice is None:
                upcoming = rules.next_due_after(
                    refs.refs, due, category=category, difficulty=difficulty
                )
                what = rules.category_name(category)
                if difficulty is not None:
                    what += f", difficulty {difficulty}"
                if upcoming is None:
                    raise UserFacingError(f"There are no questions for {what} on this server.")
                raise UserFacingError(
                    f"Nothing left for {what}: you have seen every question and none is due "
                    f"yet. The next review is due {rules.timestamp_markup(upcoming)} — or try "
                    "another category."
                )
            row = await self.attempts.open(
                conn,
                refs.catalog.questions[choice.question_id],
                now,
                guild_id=guild_id,
                user_id=user_id,
                source="practice",
                filter_category=category,
                filter_difficulty=difficulty,
            )
        return await self.attempts.round(row, choice.kind)

    async def practice_question(
        self, guild_id: int, user_id: int, question_id: str, *, source: str = "qotd"
    ) -> PracticeRound:
        """A practice round on one named question (the question of the day's button)."""
        question = self.attempts.question(guild_id, question_id)
        async with self.store.begin() as conn:
            row = await self.attempts.open(
                conn, question, self.clock.now(), guild_id=guild_id, user_id=user_id, source=source
            )
        return await self.attempts.round(row)

    async def reveal_hint(
        self, guild_id: int, user_id: int, attempt_id: int, upto: int
    ) -> PracticeRound:
        """Show the attempt's hints up to number `upto` (never fewer than already shown)."""
        row, _session = await self._unrated(guild_id, user_id, attempt_id, ALREADY_RATED)
        question = self.attempts.question(guild_id, row["question_id"])
        shown = rules.hints_to_show(upto, len(question.hints))
        async with self.store.begin() as conn:
            await rows.reveal_hints(conn, attempt_id, shown)
            fresh = await rows.attempt(conn, attempt_id)
        assert fresh is not None
        return await self.attempts.round(fresh)

    async def reveal_key_points(
        self, guild_id: int, user_id: int, attempt_id: int
    ) -> PracticeRound:
        """Show the attempt's key points (and follow-ups)."""
        await self._unrated(guild_id, user_id, attempt_id, ALREADY_RATED)
        async with self.store.begin() as conn:
            await rows.reveal_key_points(conn, attempt_id)
            fresh = await rows.attempt(conn, attempt_id)
        assert fresh is not None
        return await self.attempts.round(fresh)

    async def rate(self, guild_id: int, user_id: int, attempt_id: int, rating: str) -> RatingResult:
        """Record a self-rating, reschedule the card with FSRS, log the practice time."""
        if not rules.is_rating(rating):
            raise UserFacingError("Rate with Again, Hard, Good or Easy.")
        row, session = await self._unrated(
            guild_id,
            user_id,
            attempt_id,
            "You already rated this question — `/interview practice` gives you the next one.",
        )
        question = self.attempts.question(guild_id, row["question_id"])
        context = await self.members.context(guild_id, user_id)
        now = self.clock.now()
        minutes = rules.practice_minutes(row["started_at"], now, question.time_limit_minutes)
        next_attempt: AttemptRow | None = None
        finished = False
        async with self.store.begin() as conn:
            outcome, fresh = await self.attempts.record_review(
                conn, guild_id, user_id, question=question, rating=rating, now=now, attempts=[row]
            )
            if not fresh:
                raise UserFacingError(ALREADY_RATED)
            if session is not None:
                next_attempt, finished = await self.mocks.advance(conn, session, now)
            await self.attempts.log_time(
                conn,
                guild_id,
                user_id,
                context.zone,
                now,
                "interview",
                source=row["source"],
                minutes=minutes,
                question=question,
                ref=f"interview:{question.id}"[:100],
            )
        summary: MockSummary | None = None
        if finished and session is not None:
            summary = await self.mocks.summary(session["id"])
        return RatingResult(
            attempt_id=attempt_id,
            question=question,
            rating=rating,
            due_at=outcome.due_at,
            interval=outcome.interval,
            minutes=minutes,
            next_round=await self.attempts.round(next_attempt) if next_attempt else None,
            summary=summary,
            category=row["filter_category"],
            difficulty=row["filter_difficulty"],
        )

    async def numeric_question(self, guild_id: int, user_id: int, attempt_id: int) -> Question:
        """The member's question behind a "Check a number" button; refused if it has none."""
        row = await self.attempts.owned(guild_id, user_id, attempt_id)
        question = self.attempts.question(guild_id, row["question_id"])
        if question.answer is None:
            raise UserFacingError("This question has no single number to check.")
        return question

    async def check_number(
        self, guild_id: int, user_id: int, attempt_id: int, text: str
    ) -> NumberCheck:
        """Grade a submitted number against the question's answer and tolerance; reads only."""
        row = await self.attempts.owned(guild_id, user_id, attempt_id)
        question = await self.numeric_question(guild_id, user_id, attempt_id)
        assert question.answer is not None and question.tolerance is not None
        given = rules.parse_number(text)
        if given is None:
            raise UserFacingError(
                f"I cannot read `{escape(text, 40) or ' '}` as a number. Write it like 0.25, "
                "69000, 69,000, 6.9e4 or 1/4 (a unit after it is fine)."
            )
        right = rules.answer_is_right(given, question.answer, question.tolerance)
        suggested = rules.suggested_rating(
            right, hints_shown=row["hints_used"], key_points_shown=bool(row["key_points_shown"])
        )
        rated = row["rated_at"] is not None
        return NumberCheck(question, given, right, suggested, rated)

    async def answer_part(
        self, guild_id: int, user_id: int, attempt_id: int, part: AnswerPart
    ) -> Question:
        """The question whose key points, model answer or reference code the member opens.
        The reference opens after the rating (so it never steers it); the model answer once
        the key points are open, or after the rating; the key points here after the rating
        (before it, "Key points" shows them in the practice message itself)."""
        row = await self.attempts.owned(guild_id, user_id, attempt_id)
        question = self.attempts.question(guild_id, row["question_id"])
        rated = row["rated_at"] is not None
        if part == "keys":
            if not (rated or row["key_points_shown"]):
                raise UserFacingError(
                    "Rate yourself first — or press Key points on the question to see them now."
                )
        elif part == "code":
            if question.reference is None:
                raise UserFacingError("This question has no reference answer.")
            if not rated:
                raise UserFacingError(
                    "The reference answer opens after you rate yourself, so it does not steer "
                    "your rating."
                )
        else:
            if question.model_answer is None:
                raise UserFacingError("This question has no model answer.")
            if not (rated or row["key_points_shown"]):
                raise UserFacingError(
                    "Open the key points first (or rate yourself): the model answer comes "
                    "after them."
                )
        return question

    async def _unrated(
        self, guild_id: int, user_id: int, attempt_id: int, refusal: str
    ) -> tuple[AttemptRow, MockRow | None]:
        """The member's attempt, refused once rated, with its mock session if still live."""
        row = await self.attempts.owned(guild_id, user_id, attempt_id)
        if row["rated_at"] is not None:
            raise UserFacingError(refusal)
        return row, await self.mocks.live(row)
