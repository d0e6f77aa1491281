"""Interview practice with FSRS reviews, mock sessions, pairing, question of the day (issue 7).

State lives in the database, never in a view: every button carries the attempt (or pair) id
in its custom id, so a restart changes nothing for a member in the middle of a question.

Timers without a job per member:
- a mock session left past its deadline (plus a short grace) is closed by a `due_reminders`
  row of kind ``iv_mock`` (dispatcher handler `mock_expiry`), and also by a check whenever
  the member next touches it, whichever comes first;
- a pairing queue entry expires through a row of kind ``iv_queue`` (`queue_expiry`), which
  tells the member;
- the daily due-reviews reminder is a row of kind ``reviews`` (`review_reminder`).
The question of the day is one cron job per guild (``qotd:<guild_id>``) through the ledger
key ``qotd:{guild}:{local_date}``, caught up at start like the daily prompt.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from bot.catalog import Catalog, Question
from bot.core.errors import UserFacingError
from bot.core.scheduling.delivery import DeliveryFailed, Sent
from bot.core.scheduling.dispatcher import Served
from bot.core.scheduling.guild_posts import (
    GuildPost,
    PostResult,
    PostSchedule,
    Rendered,
    schedule_from_row,
)
from bot.core.store import reminders as reminder_rows
from bot.core.time import format_hhmm, next_fire, parse_hhmm, resolve_zone
from bot.daily import store as daily_rows
from bot.interview import rules
from bot.interview import store as rows
from bot.wiring import FeatureService

log = logging.getLogger(__name__)

REVIEWS_REMINDER = "reviews"
MOCK_REMINDER = "iv_mock"
QUEUE_REMINDER = "iv_queue"
ALL_DAYS = frozenset(range(7))

CATEGORY_NAMES: dict[str, str] = {
    "coding": "Coding (DS&A)",
    "ml_system_design": "ML system design",
    "project_deep_dive": "Project deep dive",
    "math": "Applied math",
    "ml_fundamentals": "ML fundamentals",
}


def category_name(category: str | None) -> str:
    if category is None:
        return "any category"
    return CATEGORY_NAMES.get(category, category)


def _stamp(instant: datetime, style: str = "R") -> str:
    """A Discord timestamp (shown in each reader's own timezone)."""
    return f"<t:{int(instant.timestamp())}:{style}>"


@dataclass(frozen=True)
class MockProgress:
    mock_id: int
    index: int  # 0-based position of the question shown
    total: int
    deadline: datetime


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class MockSummary:
    mock_id: int
    status: str  # done | ended | expired
    score: rules.MockScore
    questions: dict[str, Question]
    total: int


@dataclass(frozen=True)
class RatingResult:
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


@dataclass(frozen=True)
class InterviewStats:
    user_id: int
    attempts: int
    due: int
    next_due: datetime | None
    categories: list[rules.CategoryStats]
    weakest: list[tuple[str, float]]  # (skill name, strength)


@dataclass(frozen=True)
class PairJoin:
    status: str  # waiting | paired
    expires_at: datetime | None = None
    pair_id: int | None = None
    thread_id: int | None = None
    role: str | None = None  # interviewer | candidate (of the member who joined)
    partner_id: int | None = None
    category: str | None = None


@dataclass(frozen=True)
class PairInfo:
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
        return self.candidate_id if user_id == self.interviewer_id else self.interviewer_id


QotdSchedule = PostSchedule
QOTD_OFF = PostSchedule(False, time(12, 0), frozenset(range(5)), configured=False)


@dataclass
class _Refs:
    catalog: Catalog
    refs: list[rules.QuestionRef] = field(default_factory=list)


def _schedule_from_row(row: dict[str, Any] | None) -> QotdSchedule:
    """The question of the day is opt-in: off until a moderator sets it up."""
    return schedule_from_row(row, QOTD_OFF)


class InterviewService(FeatureService):
    # --- hooks ----------------------------------------------------------------------

    def wire(self) -> None:
        dispatcher = self.services.dispatcher
        dispatcher.register_claimed(REVIEWS_REMINDER, self.review_reminder)
        dispatcher.register(MOCK_REMINDER, self.mock_expiry)
        dispatcher.register(QUEUE_REMINDER, self.queue_expiry)
        self.qotd_poster = self.services.posts.register(
            GuildPost(
                self.services.core,
                self.services.guilds,
                kind="qotd",
                channel="interview",
                label="Question of the day",
                name="The question of the day",
                setup_command="interview",
                load_schedule=self.qotd_schedule,
                save_schedule=self._save_qotd_schedule,
                guild_ids=self._qotd_guild_ids,
                render=self._render_qotd,
                after_send=self._after_qotd,
            )
        )

    async def _qotd_guild_ids(self) -> list[int]:
        async with self.services.store.connect() as conn:
            return [row["guild_id"] for row in await rows.all_qotd_schedules(conn)]

    # --- helpers --------------------------------------------------------------------

    def _catalog(self, guild_id: int) -> _Refs:
        catalog = self.services.catalog.for_guild(guild_id)
        refs = [
            rules.QuestionRef(q.id, q.category, q.difficulty) for q in catalog.questions.values()
        ]
        return _Refs(catalog, refs)

    def _question(self, catalog: Catalog, question_id: str) -> Question:
        question = catalog.questions.get(question_id)
        if question is None:
            raise UserFacingError(
                "That question was removed from this server's content. "
                "`/interview practice` picks another one."
            )
        return question

    async def _zone(self, guild_id: int, user_id: int) -> Any:
        profile = await self.services.members.profile(guild_id, user_id)
        settings = await self.services.guilds.settings(guild_id)
        return resolve_zone(profile.timezone, settings.timezone)

    async def _owned_attempt(self, guild_id: int, user_id: int, attempt_id: int) -> dict[str, Any]:
        async with self.services.store.connect() as conn:
            row = await rows.attempt(conn, attempt_id)
        if row is None or row["guild_id"] != guild_id:
            raise UserFacingError(
                "I cannot find that question any more. Start a new one with `/interview practice`."
            )
        if row["user_id"] != user_id:
            raise UserFacingError(
                "These buttons belong to another member's practice round — start your own "
                "with `/interview practice`."
            )
        return row

    async def _round(
        self,
        row: dict[str, Any],
        *,
        kind: str | None = None,
        category: str | None = None,
        difficulty: int | None = None,
    ) -> PracticeRound:
        catalog = self.services.catalog.for_guild(row["guild_id"])
        question = self._question(catalog, row["question_id"])
        progress: MockProgress | None = None
        if row["source"] == "mock" and row["session_id"] is not None:
            async with self.services.store.connect() as conn:
                session = await rows.mock(conn, row["session_id"])
            if session is not None:
                progress = MockProgress(
                    session["id"],
                    session["position"],
                    len(session["question_ids"]),
                    session["deadline_at"],
                )
        return PracticeRound(
            attempt_id=row["id"],
            question=question,
            kind=kind or ("mock" if row["source"] == "mock" else row["source"]),
            source=row["source"],
            hints_shown=row["hints_used"],
            key_points_shown=bool(row["key_points_shown"]),
            mock=progress,
            category=category if category is not None else row["filter_category"],
            difficulty=difficulty if difficulty is not None else row["filter_difficulty"],
        )

    # --- practice -------------------------------------------------------------------

    async def practice(
        self,
        guild_id: int,
        user_id: int,
        *,
        category: str | None = None,
        difficulty: int | None = None,
    ) -> PracticeRound:
        """The member's next due review in the filter, else a question they have not seen."""
        refs = self._catalog(guild_id)
        if not refs.refs:
            raise UserFacingError("This server has no interview questions loaded yet.")
        now = self.services.clock.now()
        async with self.services.store.begin() as conn:
            due = await rows.due_map(conn, guild_id, user_id)
            choice = rules.next_question(
                refs.refs, due, now, category=category, difficulty=difficulty
            )
            if choice is None:
                upcoming = rules.next_due_after(
                    refs.refs, due, category=category, difficulty=difficulty
                )
                what = category_name(category)
                if difficulty is not None:
                    what += f", difficulty {difficulty}"
                if upcoming is None:
                    raise UserFacingError(f"There are no questions for {what} on this server.")
                raise UserFacingError(
                    f"Nothing left for {what}: you have seen every question and none is due "
                    f"yet. The next review is due {_stamp(upcoming)} — or try another category."
                )
            question = refs.catalog.questions[choice.question_id]
            attempt_id = await rows.add_attempt(
                conn,
                guild_id=guild_id,
                user_id=user_id,
                question_id=question.id,
                category=question.category,
                source="practice",
                now=now,
                filter_category=category,
                filter_difficulty=difficulty,
            )
            row = await rows.attempt(conn, attempt_id)
        assert row is not None
        return await self._round(row, kind=choice.kind, category=category, difficulty=difficulty)

    async def practice_question(
        self, guild_id: int, user_id: int, question_id: str, *, source: str = "qotd"
    ) -> PracticeRound:
        """A practice round on one named question (the question of the day's button)."""
        catalog = self.services.catalog.for_guild(guild_id)
        question = self._question(catalog, question_id)
        async with self.services.store.begin() as conn:
            attempt_id = await rows.add_attempt(
                conn,
                guild_id=guild_id,
                user_id=user_id,
                question_id=question.id,
                category=question.category,
                source=source,
                now=self.services.clock.now(),
            )
            row = await rows.attempt(conn, attempt_id)
        assert row is not None
        return await self._round(row)

    async def current_round(self, guild_id: int, user_id: int, attempt_id: int) -> PracticeRound:
        return await self._round(await self._owned_attempt(guild_id, user_id, attempt_id))

    async def reveal_hint(
        self, guild_id: int, user_id: int, attempt_id: int, upto: int
    ) -> PracticeRound:
        row = await self._owned_attempt(guild_id, user_id, attempt_id)
        if row["rated_at"] is not None:
            raise UserFacingError("You already rated this question.")
        await self._live_mock(row)
        question = self._question(self.services.catalog.for_guild(guild_id), row["question_id"])
        shown = max(1, min(upto, len(question.hints)))
        async with self.services.store.begin() as conn:
            await rows.reveal_hints(conn, attempt_id, shown)
            fresh = await rows.attempt(conn, attempt_id)
        assert fresh is not None
        return await self._round(fresh)

    async def reveal_key_points(
        self, guild_id: int, user_id: int, attempt_id: int
    ) -> PracticeRound:
        row = await self._owned_attempt(guild_id, user_id, attempt_id)
        if row["rated_at"] is not None:
            raise UserFacingError("You already rated this question.")
        await self._live_mock(row)
        async with self.services.store.begin() as conn:
            await rows.reveal_key_points(conn, attempt_id)
            fresh = await rows.attempt(conn, attempt_id)
        assert fresh is not None
        return await self._round(fresh)

    async def rate(self, guild_id: int, user_id: int, attempt_id: int, rating: str) -> RatingResult:
        """Record a self-rating, reschedule the card with FSRS, log the practice time."""
        if not rules.is_rating(rating):
            raise UserFacingError("Rate with Again, Hard, Good or Easy.")
        row = await self._owned_attempt(guild_id, user_id, attempt_id)
        if row["rated_at"] is not None:
            raise UserFacingError(
                "You already rated this question — `/interview practice` gives you the next one."
            )
        session = await self._live_mock(row)
        catalog = self.services.catalog.for_guild(guild_id)
        question = self._question(catalog, row["question_id"])
        now = self.services.clock.now()
        next_attempt: int | None = None
        finished = False
        async with self.services.store.begin() as conn:
            existing = await rows.card(conn, guild_id, user_id, question.id)
            outcome = rules.review(existing["card"] if existing else None, rating, now)
            seconds = max(0, int((now - row["started_at"]).total_seconds()))
            if not await rows.rate_attempt(
                conn,
                attempt_id,
                rating=rating,
                now=now,
                seconds=seconds,
                next_due_at=outcome.due_at,
            ):
                raise UserFacingError("You already rated this question.")
            await rows.save_card(
                conn,
                guild_id,
                user_id,
                question.id,
                category=question.category,
                card_json=outcome.card_json,
                due_at=outcome.due_at,
                rating=rating,
                now=now,
            )
            if session is not None:
                position = session["position"]
                await rows.advance_mock(conn, session["id"], position)
                ids: list[str] = list(session["question_ids"])
                if position + 1 < len(ids):
                    nxt = self._question(catalog, ids[position + 1])
                    next_attempt = await rows.add_attempt(
                        conn,
                        guild_id=guild_id,
                        user_id=user_id,
                        question_id=nxt.id,
                        category=nxt.category,
                        source="mock",
                        now=now,
                        session_id=session["id"],
                    )
                else:
                    finished = await rows.close_mock(conn, session["id"], "done", now)
                    await reminder_rows.remove(conn, guild_id, user_id, MOCK_REMINDER)
        minutes = rules.practice_minutes(row["started_at"], now, question.time_limit_minutes)
        await self.services.activity.record(
            guild_id,
            user_id,
            kind="interview",
            minutes=minutes,
            source=row["source"],
            topic=question.skills[0],
            ref=f"interview:{question.id}"[:100],
        )
        next_round: PracticeRound | None = None
        summary: MockSummary | None = None
        if next_attempt is not None:
            async with self.services.store.connect() as conn:
                nrow = await rows.attempt(conn, next_attempt)
            assert nrow is not None
            next_round = await self._round(nrow)
        elif finished and session is not None:
            summary = await self._summary(session["id"])
        return RatingResult(
            attempt_id=attempt_id,
            question=question,
            rating=rating,
            due_at=outcome.due_at,
            interval=outcome.interval,
            minutes=minutes,
            next_round=next_round,
            summary=summary,
            category=row["filter_category"],
            difficulty=row["filter_difficulty"],
        )

    # --- mock sessions --------------------------------------------------------------

    async def _live_mock(self, row: dict[str, Any]) -> dict[str, Any] | None:
        """The attempt's mock session if it is still running; closes it if abandoned."""
        if row["source"] != "mock" or row["session_id"] is None:
            return None
        async with self.services.store.connect() as conn:
            session = await rows.mock(conn, row["session_id"])
        if session is None or session["status"] != "active":
            raise UserFacingError("That mock session is over. `/interview mock` starts a new one.")
        ids: list[str] = list(session["question_ids"])
        if session["position"] >= len(ids) or ids[session["position"]] != row["question_id"]:
            raise UserFacingError(
                "You already answered that question — see the latest one with `/interview resume`."
            )
        if rules.mock_expired(session["deadline_at"], self.services.clock.now()):
            await self._expire_mock(session)
            raise UserFacingError(
                "That mock session ran past its deadline and closed itself. Your ratings so "
                "far are saved; `/interview mock` starts a new one."
            )
        return session

    async def start_mock(
        self, guild_id: int, user_id: int, *, questions: int = 3, focus: str | None = None
    ) -> PracticeRound:
        if not rules.MOCK_MIN_QUESTIONS <= questions <= rules.MOCK_MAX_QUESTIONS:
            raise UserFacingError(
                f"A mock session has {rules.MOCK_MIN_QUESTIONS} to {rules.MOCK_MAX_QUESTIONS} "
                "questions."
            )
        now = self.services.clock.now()
        await self._close_if_abandoned(guild_id, user_id)
        refs = self._catalog(guild_id)
        async with self.services.store.begin() as conn:
            active = await rows.active_mock(conn, guild_id, user_id)
            if active is not None:
                total = len(active["question_ids"])
                raise UserFacingError(
                    f"You already have a mock session running (question "
                    f"{active['position'] + 1} of {total}, deadline "
                    f"{_stamp(active['deadline_at'])}). Continue it with `/interview resume` "
                    "or stop it with `/interview end`."
                )
            due = await rows.due_map(conn, guild_id, user_id)
            plan = rules.plan_mock(refs.refs, due, now, questions, focus)
            if len(plan) < rules.MOCK_MIN_QUESTIONS:
                raise UserFacingError(
                    f"There are not enough questions for a mock session on "
                    f"{category_name(focus)} ({len(plan)} found, "
                    f"{rules.MOCK_MIN_QUESTIONS} needed)."
                )
            chosen = [refs.catalog.questions[qid] for qid in plan]
            deadline = rules.mock_deadline(now, (q.time_limit_minutes for q in chosen))
            mock_id = await rows.create_mock(
                conn,
                guild_id=guild_id,
                user_id=user_id,
                question_ids=plan,
                focus=focus,
                now=now,
                deadline=deadline,
            )
            first = chosen[0]
            attempt_id = await rows.add_attempt(
                conn,
                guild_id=guild_id,
                user_id=user_id,
                question_id=first.id,
                category=first.category,
                source="mock",
                now=now,
                session_id=mock_id,
            )
            await reminder_rows.upsert(
                conn,
                guild_id,
                user_id,
                MOCK_REMINDER,
                deadline + rules.MOCK_EXPIRY_GRACE,
                {"mock_id": mock_id},
            )
            row = await rows.attempt(conn, attempt_id)
        assert row is not None
        return await self._round(row)

    async def _close_if_abandoned(self, guild_id: int, user_id: int) -> MockSummary | None:
        async with self.services.store.connect() as conn:
            active = await rows.active_mock(conn, guild_id, user_id)
        if active is None or not rules.mock_expired(
            active["deadline_at"], self.services.clock.now()
        ):
            return None
        return await self._expire_mock(active)

    async def _expire_mock(self, session: dict[str, Any]) -> MockSummary | None:
        now = self.services.clock.now()
        async with self.services.store.begin() as conn:
            closed = await rows.close_mock(conn, session["id"], "expired", now)
            await reminder_rows.remove(conn, session["guild_id"], session["user_id"], MOCK_REMINDER)
        if not closed:
            return None
        log.info("mock session %s expired past its deadline", session["id"])
        return await self._summary(session["id"])

    async def resume(self, guild_id: int, user_id: int) -> PracticeRound:
        """The active mock session's current question (a fresh message with live buttons)."""
        expired = await self._close_if_abandoned(guild_id, user_id)
        if expired is not None:
            raise UserFacingError(
                "Your mock session ran past its deadline and closed itself. Your ratings so far "
                "are saved; `/interview mock` starts a new one."
            )
        async with self.services.store.begin() as conn:
            session = await rows.active_mock(conn, guild_id, user_id)
            if session is None:
                raise UserFacingError(
                    "You have no mock session running. Start one with `/interview mock`."
                )
            attempts = await rows.session_attempts(conn, session["id"], "mock")
            ids: list[str] = list(session["question_ids"])
            current_id = ids[min(session["position"], len(ids) - 1)]
            current = next((a for a in reversed(attempts) if a["question_id"] == current_id), None)
            if current is None or current["rated_at"] is not None:
                question = self._question(self.services.catalog.for_guild(guild_id), current_id)
                attempt_id = await rows.add_attempt(
                    conn,
                    guild_id=guild_id,
                    user_id=user_id,
                    question_id=question.id,
                    category=question.category,
                    source="mock",
                    now=self.services.clock.now(),
                    session_id=session["id"],
                )
                current = await rows.attempt(conn, attempt_id)
        assert current is not None
        return await self._round(current)

    async def end_mock(self, guild_id: int, user_id: int) -> MockSummary:
        expired = await self._close_if_abandoned(guild_id, user_id)
        if expired is not None:
            return expired
        now = self.services.clock.now()
        async with self.services.store.begin() as conn:
            session = await rows.active_mock(conn, guild_id, user_id)
            if session is None:
                raise UserFacingError("You have no mock session running.")
            await rows.close_mock(conn, session["id"], "ended", now)
            await reminder_rows.remove(conn, guild_id, user_id, MOCK_REMINDER)
        return await self._summary(session["id"])

    async def _summary(self, mock_id: int) -> MockSummary:
        async with self.services.store.connect() as conn:
            session = await rows.mock(conn, mock_id)
            assert session is not None
            attempts = await rows.session_attempts(conn, mock_id, "mock")
        catalog = self.services.catalog.for_guild(session["guild_id"])
        ids: list[str] = list(session["question_ids"])
        rated = {a["question_id"]: a for a in attempts if a["rated_at"] is not None}
        answers = [
            rules.MockAnswer(
                question_id=qid,
                category=(catalog.questions[qid].category if qid in catalog.questions else "?"),
                rating=rated[qid]["rating"] if qid in rated else None,
                due_at=rated[qid]["next_due_at"] if qid in rated else None,
            )
            for qid in ids
        ]
        return MockSummary(
            mock_id=mock_id,
            status=session["status"],
            score=rules.score_mock(answers),
            questions={qid: catalog.questions[qid] for qid in ids if qid in catalog.questions},
            total=len(ids),
        )

    async def mock_expiry(self, row: dict[str, Any], now: datetime) -> datetime | None:
        """Dispatcher handler: close a session abandoned past its deadline; tell the member."""
        from bot.interview import views as ui

        guild_id, user_id = row["guild_id"], row["user_id"]
        async with self.services.store.connect() as conn:
            session = await rows.active_mock(conn, guild_id, user_id)
        if session is None:
            return None
        if not rules.mock_expired(session["deadline_at"], now):
            deadline: datetime = session["deadline_at"]
            return deadline + rules.MOCK_EXPIRY_GRACE
        summary = await self._expire_mock(session)
        if summary is not None:
            await self.services.notifier.to_member(
                guild_id,
                user_id,
                key=f"mock:{guild_id}:{user_id}:{session['id']}:expired",
                kind="mock_expired",
                embed=ui.summary_embed(summary),
            )
        return None

    # --- stats ----------------------------------------------------------------------

    async def _rated(
        self, guild_id: int, user_id: int, catalog: Catalog | None = None
    ) -> list[rules.RatedAttempt]:
        catalog = catalog or self.services.catalog.for_guild(guild_id)
        async with self.services.store.connect() as conn:
            found = await rows.rated_attempts(conn, guild_id, user_id)
        out: list[rules.RatedAttempt] = []
        for a in found:
            question = catalog.questions.get(a["question_id"])
            out.append(
                rules.RatedAttempt(
                    category=a["category"],
                    rating=a["rating"],
                    at=a["rated_at"],
                    skills=question.skills if question else (),
                )
            )
        return out

    async def strength_by_category(self, guild_id: int, user_id: int) -> dict[str, float]:
        """0..1 per category from the member's recent ratings; empty when they have none."""
        return rules.strength_by_category(await self._rated(guild_id, user_id))

    async def due_count(self, guild_id: int, user_id: int) -> int:
        """How many of the member's reviews are due now."""
        async with self.services.store.connect() as conn:
            return await rows.count_due(conn, guild_id, user_id, self.services.clock.now())

    async def stats(self, guild_id: int, viewer_id: int, user_id: int) -> InterviewStats:
        if viewer_id != user_id:
            profile = await self.services.members.profile(guild_id, user_id)
            if not profile.profile_public:
                raise UserFacingError("That member keeps their progress private.")
        catalog = self.services.catalog.for_guild(guild_id)
        rated = await self._rated(guild_id, user_id, catalog)
        async with self.services.store.connect() as conn:
            due_times = await rows.due_map(conn, guild_id, user_id)
        now = self.services.clock.now()
        upcoming = [when for when in due_times.values() if when > now]
        weakest = []
        for skill_id, value in rules.weakest_skills(rated):
            skill = catalog.skills.get(skill_id)
            weakest.append((skill.name if skill else skill_id, value))
        return InterviewStats(
            user_id=user_id,
            attempts=len(rated),
            due=sum(1 for when in due_times.values() if when <= now),
            next_due=min(upcoming) if upcoming else None,
            categories=rules.category_stats(rated),
            weakest=weakest,
        )

    # --- review reminders -----------------------------------------------------------

    async def set_review_reminder(
        self, guild_id: int, user_id: int, *, enabled: bool, at: str | None
    ) -> dict[str, object]:
        """Opt in/out of the daily due-reviews reminder (member_reminders.reviews/review_time)."""
        values: dict[str, Any] = {"reviews": enabled}
        if at is not None:
            values["review_time"] = format_hhmm(parse_hhmm(at))
        zone = await self._zone(guild_id, user_id)
        now = self.services.clock.now()
        async with self.services.store.begin() as conn:
            prefs = await daily_rows.save_reminder_prefs(conn, guild_id, user_id, now, **values)
            if enabled:
                due = next_fire(now, parse_hhmm(prefs["review_time"]), zone, ALL_DAYS)
                await reminder_rows.upsert(conn, guild_id, user_id, REVIEWS_REMINDER, due)
            else:
                await reminder_rows.remove(conn, guild_id, user_id, REVIEWS_REMINDER)
        return {
            key: prefs[key] for key in ("streak", "streak_hours_before", "reviews", "review_time")
        }

    async def review_reminder(self, row: dict[str, Any], now: datetime, key: str) -> Served:
        """Dispatcher handler (claimed batch): once a day at the member's time, if due."""
        from bot.interview import views as ui

        guild_id, user_id = row["guild_id"], row["user_id"]
        async with self.services.store.connect() as conn:
            prefs = await daily_rows.reminder_prefs(conn, guild_id, user_id)
            due = await rows.count_due(conn, guild_id, user_id, now)
        if not prefs["reviews"]:
            return Served(None, delivered=False)
        zone = await self._zone(guild_id, user_id)
        if due > 0:
            await self.services.notifier.to_member(
                guild_id,
                user_id,
                key=key,
                kind="reviews_due",
                embed=ui.reviews_due_embed(due),
                claimed=True,
            )
        next_due = next_fire(now, parse_hhmm(prefs["review_time"]), zone, ALL_DAYS)
        return Served(next_due, delivered=due > 0)

    # --- pairing --------------------------------------------------------------------

    async def join_pair(self, guild_id: int, user_id: int, category: str | None) -> PairJoin:
        settings = await self.services.guilds.settings(guild_id)
        channel_id = settings.channels["interview"]
        if channel_id is None:
            raise UserFacingError(
                "This server has no interview channel yet, so I cannot open a pairing thread. "
                "A moderator can set one with `/setup channels interview:`."
            )
        refs = self._catalog(guild_id)
        if category is not None and not any(r.category == category for r in refs.refs):
            raise UserFacingError(f"There are no {category_name(category)} questions here.")
        if not refs.refs:
            raise UserFacingError("This server has no interview questions loaded yet.")
        now = self.services.clock.now()
        zone = await self._zone(guild_id, user_id)
        offset = now.astimezone(zone).utcoffset() or timedelta(0)
        expires = now + rules.PAIR_QUEUE_TTL
        async with self.services.store.begin() as conn:
            await rows.join_queue(
                conn,
                guild_id=guild_id,
                user_id=user_id,
                category=category,
                utc_offset=int(offset.total_seconds() // 60),
                now=now,
                expires_at=expires,
            )
            entries = {
                w["user_id"]: w for w in await rows.queue(conn, guild_id) if w["expires_at"] > now
            }
            waiting = [
                rules.Waiting(
                    user_id=w["user_id"],
                    category=w["category"],
                    utc_offset_minutes=w["utc_offset"],
                    joined_at=w["joined_at"],
                )
                for w in entries.values()
            ]
            pairing = rules.choose_pair(waiting)
            if pairing is None or user_id not in (
                pairing.interviewer.user_id,
                pairing.candidate.user_id,
            ):
                await reminder_rows.upsert(
                    conn, guild_id, user_id, QUEUE_REMINDER, expires, {"joined": now.isoformat()}
                )
                return PairJoin(status="waiting", expires_at=expires, category=category)
            candidate = pairing.candidate.user_id
            interviewer = pairing.interviewer.user_id
            due = await rows.due_map(conn, guild_id, candidate)
            choice = rules.next_question(refs.refs, due, now, category=pairing.category)
            if choice is None:
                pool = [r for r in refs.refs if pairing.category in (None, r.category)]
                choice = rules.Choice(min(pool, key=lambda r: due.get(r.id, now)).id, "review")
            question = refs.catalog.questions[choice.question_id]
            await rows.leave_queue(conn, guild_id, [candidate, interviewer])
            for member in (candidate, interviewer):
                await reminder_rows.remove(conn, guild_id, member, QUEUE_REMINDER)
            pair_id = await rows.create_pair(
                conn,
                guild_id=guild_id,
                interviewer_id=interviewer,
                candidate_id=candidate,
                question_id=question.id,
                category=question.category,
                now=now,
            )
            await rows.add_attempt(
                conn,
                guild_id=guild_id,
                user_id=candidate,
                question_id=question.id,
                category=question.category,
                source="pair",
                now=now,
                session_id=pair_id,
            )
        partner = candidate if user_id == interviewer else interviewer
        try:
            thread_id = await self._open_pair_thread(guild_id, channel_id, pair_id)
        except DeliveryFailed as failure:
            log.warning("guild %s: could not open a pairing thread: %s", guild_id, failure.reason)
            # Undo the match: the partner keeps their place; the joiner is told to retry.
            kept = entries[partner]
            async with self.services.store.begin() as conn:
                await rows.delete_pair(conn, pair_id)
                await rows.join_queue(
                    conn,
                    guild_id=guild_id,
                    user_id=partner,
                    category=kept["category"],
                    utc_offset=kept["utc_offset"],
                    now=kept["joined_at"],
                    expires_at=kept["expires_at"],
                )
                await reminder_rows.upsert(
                    conn,
                    guild_id,
                    partner,
                    QUEUE_REMINDER,
                    kept["expires_at"],
                    {"joined": kept["joined_at"].isoformat()},
                )
            raise UserFacingError(
                "Someone is waiting for a partner, but I could not open a thread in the "
                f"interview channel ({failure.reason}). Please tell a moderator, then try "
                "`/interview pair` again."
            ) from failure
        return PairJoin(
            status="paired",
            pair_id=pair_id,
            thread_id=thread_id,
            role="interviewer" if user_id == interviewer else "candidate",
            partner_id=partner,
            category=question.category,
        )

    async def _open_pair_thread(self, guild_id: int, channel_id: int, pair_id: int) -> int:
        import discord

        from bot.interview import views as ui

        info = await self.pair_info(guild_id, pair_id)
        deliverer = self.services.deliverer
        # DeliveryFailed propagates: join_pair undoes the match.
        thread_id = await deliverer.create_thread(channel_id, ui.pair_thread_name(info))
        await deliverer.to_channel(
            thread_id,
            content=ui.pair_intro_text(info),
            embed=ui.pair_embed(info),
            view=ui.pair_view(pair_id),
            allowed_mentions=discord.AllowedMentions(
                users=[discord.Object(info.interviewer_id), discord.Object(info.candidate_id)]
            ),
        )
        async with self.services.store.begin() as conn:
            await rows.set_pair_thread(conn, pair_id, thread_id)
        return thread_id

    async def leave_pair(self, guild_id: int, user_id: int) -> bool:
        async with self.services.store.begin() as conn:
            removed = await rows.leave_queue(conn, guild_id, [user_id])
            await reminder_rows.remove(conn, guild_id, user_id, QUEUE_REMINDER)
        return removed > 0

    async def queue_expiry(self, row: dict[str, Any], now: datetime) -> datetime | None:
        """Dispatcher handler: drop an expired queue entry and tell the member."""
        from bot.interview import views as ui

        guild_id, user_id = row["guild_id"], row["user_id"]
        async with self.services.store.begin() as conn:
            entry = await rows.queue_entry(conn, guild_id, user_id)
            if entry is None:
                return None
            if entry["expires_at"] > now:
                later: datetime = entry["expires_at"]
                return later  # re-joined since: wait for the new expiry
            await rows.expire_entry(conn, guild_id, user_id, now)
        await self.services.notifier.to_member(
            guild_id,
            user_id,
            key=f"ivqueue:{guild_id}:{user_id}:{entry['joined_at'].isoformat()}",
            kind="pair_expired",
            embed=ui.queue_expired_embed(rules.PAIR_QUEUE_TTL),
        )
        return None

    async def pair_info(self, guild_id: int, pair_id: int) -> PairInfo:
        async with self.services.store.connect() as conn:
            row = await rows.pair(conn, pair_id)
        if row is None or row["guild_id"] != guild_id:
            raise UserFacingError("I cannot find that pairing any more.")
        catalog = self.services.catalog.for_guild(guild_id)
        return PairInfo(
            pair_id=row["id"],
            guild_id=guild_id,
            interviewer_id=row["interviewer_id"],
            candidate_id=row["candidate_id"],
            question=self._question(catalog, row["question_id"]),
            thread_id=row["thread_id"],
            done=row["done_at"] is not None,
            candidate_score=row["candidate_score"],
            interviewer_score=row["interviewer_score"],
        )

    async def pair_key_points(self, guild_id: int, user_id: int, pair_id: int) -> PairInfo:
        info = await self.pair_info(guild_id, pair_id)
        if user_id != info.interviewer_id:
            raise UserFacingError(
                "Only the interviewer can open the key points — no peeking, candidate!"
                if user_id == info.candidate_id
                else "Only the interviewer of this pairing can open the key points."
            )
        return info

    async def pair_done(self, guild_id: int, user_id: int, pair_id: int) -> tuple[PairInfo, bool]:
        """Close the session once; log community time for both. (info, newly done)."""
        info = await self.pair_info(guild_id, pair_id)
        if user_id not in (info.interviewer_id, info.candidate_id):
            raise UserFacingError("Only the two members of this pairing can mark it done.")
        now = self.services.clock.now()
        async with self.services.store.begin() as conn:
            newly = await rows.mark_pair_done(conn, pair_id, now)
        if newly:
            minutes = info.question.time_limit_minutes
            for member in (info.interviewer_id, info.candidate_id):
                await self.services.activity.record(
                    guild_id,
                    member,
                    kind="community",
                    minutes=minutes,
                    source="pair",
                    topic=info.question.skills[0],
                    ref=f"pair:{pair_id}",
                )
        return await self.pair_info(guild_id, pair_id), newly

    async def pair_rate(
        self, guild_id: int, user_id: int, pair_id: int, score: int
    ) -> tuple[PairInfo, int]:
        """One side rates the other's session (1–5). Returns (info, the rated member)."""
        if score not in rules.PEER_SCORES:
            raise UserFacingError("Rate from 1 to 5.")
        info = await self.pair_info(guild_id, pair_id)
        if user_id not in (info.interviewer_id, info.candidate_id):
            raise UserFacingError("Only the two members of this pairing can rate it.")
        if not info.done:
            raise UserFacingError("Press **Done** first, when the interview is over.")
        column = "candidate_score" if user_id == info.interviewer_id else "interviewer_score"
        now = self.services.clock.now()
        async with self.services.store.begin() as conn:
            if not await rows.rate_pair(conn, pair_id, column, score):
                raise UserFacingError("You already rated this session.")
            if user_id == info.interviewer_id:
                # The interviewer's score is the candidate's review of this question.
                rating = rules.peer_score_to_rating(score)
                attempts = await rows.session_attempts(conn, pair_id, "pair")
                existing = await rows.card(conn, guild_id, info.candidate_id, info.question.id)
                outcome = rules.review(existing["card"] if existing else None, rating, now)
                for attempt in attempts:
                    seconds = max(0, int((now - attempt["started_at"]).total_seconds()))
                    await rows.rate_attempt(
                        conn,
                        attempt["id"],
                        rating=rating,
                        now=now,
                        seconds=seconds,
                        next_due_at=outcome.due_at,
                        peer_score=score,
                    )
                await rows.save_card(
                    conn,
                    guild_id,
                    info.candidate_id,
                    info.question.id,
                    category=info.question.category,
                    card_json=outcome.card_json,
                    due_at=outcome.due_at,
                    rating=rating,
                    now=now,
                )
        return await self.pair_info(guild_id, pair_id), info.partner_of(user_id)

    # --- question of the day --------------------------------------------------------

    async def qotd_schedule(self, guild_id: int) -> QotdSchedule:
        async with self.services.store.connect() as conn:
            return _schedule_from_row(await rows.qotd_schedule(conn, guild_id))

    async def _save_qotd_schedule(self, guild_id: int, values: dict[str, Any]) -> QotdSchedule:
        async with self.services.store.begin() as conn:
            row = await rows.save_qotd_schedule(conn, guild_id, self.services.clock.now(), **values)
        return _schedule_from_row(row)

    async def configure_qotd(
        self,
        guild_id: int,
        *,
        post_time: str | None = None,
        days: str | None = None,
        enabled: bool | None = None,
    ) -> QotdSchedule:
        return await self.qotd_poster.configure(
            guild_id, post_time=post_time, days=days, enabled=enabled
        )

    async def post_qotd(
        self, guild_id: int, *, day: date | None = None, manual: bool = False
    ) -> PostResult:
        return await self.qotd_poster.post(guild_id, day=day, manual=manual)

    async def _render_qotd(self, guild_id: int, day: date) -> Rendered:
        from bot.interview import views as ui

        catalog = self.services.catalog.for_guild(guild_id)
        ids = list(catalog.questions)
        async with self.services.store.connect() as conn:
            recent = await rows.recent_qotd(conn, guild_id, max(1, len(ids)))
        question_id = rules.choose_qotd(ids, recent, guild_id)
        if question_id is None:
            raise UserFacingError("No interview questions are loaded in this server.")
        question = catalog.questions[question_id]
        return Rendered(
            embed=ui.qotd_embed(question, day), view=ui.qotd_view(question.id), ref=question.id
        )

    async def _after_qotd(self, guild_id: int, day: date, sent: Sent, rendered: Rendered) -> None:
        assert rendered.ref is not None
        async with self.services.store.begin() as conn:
            await rows.add_qotd_post(
                conn,
                guild_id,
                day,
                rendered.ref,
                self.services.clock.now(),
                sent.channel_id,
                sent.message_id,
            )
