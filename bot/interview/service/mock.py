"""Timed mock sessions: a planned set of questions, one at a time, against a deadline.

A session left past its deadline (plus a short grace) is closed by a `due_reminders` row of
kind ``iv_mock`` (the dispatcher handler `mock_expiry` tells the member), or by a check
whenever the member next touches it, whichever comes first. No job per member.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.errors import UserFacingError
from bot.core.runtime import Core
from bot.core.store import reminders as reminder_rows
from bot.interview import rules
from bot.interview import store as rows
from bot.interview.service.attempts import Attempts
from bot.interview.service.models import InterviewRenderer, MockSummary, PracticeRound
from bot.interview.tables import AttemptRow, MockRow
from bot.members.api import Notifier

log = logging.getLogger(__name__)

MOCK_REMINDER = "iv_mock"


class MockSessions:
    """Start, resume, advance, end and expire mock sessions; summarise them."""

    def __init__(
        self,
        core: Core,
        *,
        attempts: Attempts,
        notifier: Notifier,
        renderer: InterviewRenderer,
    ) -> None:
        self.store, self.clock = core.store, core.clock
        self.attempts, self.notifier, self.renderer = attempts, notifier, renderer
        core.dispatcher.register(MOCK_REMINDER, self.mock_expiry)

    async def live(self, row: AttemptRow) -> MockRow | None:
        """The attempt's mock session if it is still running; closes it if abandoned."""
        if row["source"] != "mock" or row["session_id"] is None:
            return None
        async with self.store.connect() as conn:
            session = await rows.mock(conn, row["session_id"])
        if session is None or session["status"] != "active":
            raise UserFacingError("That mock session is over. `/interview mock` starts a new one.")
        ids = session["question_ids"]
        if session["position"] >= len(ids) or ids[session["position"]] != row["question_id"]:
            raise UserFacingError(
                "You already answered that question — see the latest one with `/interview resume`."
            )
        if rules.mock_expired(session["deadline_at"], self.clock.now()):
            await self._expire(session)
            raise UserFacingError(
                "That mock session ran past its deadline and closed itself. Your ratings so "
                "far are saved; `/interview mock` starts a new one."
            )
        return session

    async def advance(
        self, conn: AsyncConnection, session: MockRow, now: datetime
    ) -> tuple[AttemptRow | None, bool]:
        """Inside a rating's transaction: move on to the next question (its new attempt) or
        close the finished session. Returns (next attempt, finished by this call)."""
        guild_id, user_id, position = session["guild_id"], session["user_id"], session["position"]
        await rows.advance_mock(conn, session["id"], position)
        ids = session["question_ids"]
        if position + 1 < len(ids):
            question = self.attempts.question(guild_id, ids[position + 1])
            attempt = await self.attempts.open(
                conn,
                question,
                now,
                guild_id=guild_id,
                user_id=user_id,
                source="mock",
                session_id=session["id"],
            )
            return attempt, False
        finished = await rows.close_mock(conn, session["id"], "done", now)
        await reminder_rows.remove(conn, guild_id, user_id, MOCK_REMINDER)
        return None, finished

    async def start(
        self, guild_id: int, user_id: int, *, questions: int = 3, focus: str | None = None
    ) -> PracticeRound:
        """Plan a session (due reviews first, the four kinds in turn) and show question 1."""
        if not rules.mock_size_ok(questions):
            raise UserFacingError(
                f"A mock session has {rules.MOCK_MIN_QUESTIONS} to {rules.MOCK_MAX_QUESTIONS} "
                "questions."
            )
        now = self.clock.now()
        await self._close_if_abandoned(guild_id, user_id)
        refs = self.attempts.questions(guild_id)
        async with self.store.begin() as conn:
            active = await rows.active_mock(conn, guild_id, user_id)
            if active is not None:
                raise UserFacingError(
                    f"You already have a mock session running (question "
                    f"{active['position'] + 1} of {len(active['question_ids'])}, deadline "
                    f"{rules.timestamp_markup(active['deadline_at'])}). Continue it with "
                    "`/interview resume` or stop it with `/interview end`."
                )
            due = await rows.due_map(conn, guild_id, user_id)
            order = await self.attempts.order_for(conn, guild_id, user_id)
            plan = rules.plan_mock(refs.refs, due, now, questions, focus, order)
            if len(plan) < rules.MOCK_MIN_QUESTIONS:
                raise UserFacingError(
                    f"There are not enough questions for a mock session on "
                    f"{rules.category_name(focus)} ({len(plan)} found, "
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
            row = await self.attempts.open(
                conn,
                chosen[0],
                now,
                guild_id=guild_id,
                user_id=user_id,
                source="mock",
                session_id=mock_id,
            )
            await reminder_rows.upsert(
                conn,
                guild_id,
                user_id,
                MOCK_REMINDER,
                rules.mock_expires_at(deadline),
                {"mock_id": mock_id},
            )
        return await self.attempts.round(row)

    async def resume(self, guild_id: int, user_id: int) -> PracticeRound:
        """The active mock session's current question (a fresh message with live buttons)."""
        expired = await self._close_if_abandoned(guild_id, user_id)
        if expired is not None:
            raise UserFacingError(
                "Your mock session ran past its deadline and closed itself. Your ratings so far "
                "are saved; `/interview mock` starts a new one."
            )
        async with self.store.begin() as conn:
            session = await rows.active_mock(conn, guild_id, user_id)
            if session is None:
                raise UserFacingError(
                    "You have no mock session running. Start one with `/interview mock`."
                )
            attempts = await rows.session_attempts(conn, session["id"], "mock")
            ids = session["question_ids"]
            current_id = ids[min(session["position"], len(ids) - 1)]
            current = next((a for a in reversed(attempts) if a["question_id"] == current_id), None)
            if current is None or current["rated_at"] is not None:
                question = self.attempts.question(guild_id, current_id)
                current = await self.attempts.open(
                    conn,
                    question,
                    self.clock.now(),
                    guild_id=guild_id,
                    user_id=user_id,
                    source="mock",
                    session_id=session["id"],
                )
        return await self.attempts.round(current)

    async def end(self, guild_id: int, user_id: int) -> MockSummary:
        """Stop the member's session now and summarise it."""
        expired = await self._close_if_abandoned(guild_id, user_id)
        if expired is not None:
            return expired
        now = self.clock.now()
        async with self.store.begin() as conn:
            session = await rows.active_mock(conn, guild_id, user_id)
            if session is None:
                raise UserFacingError("You have no mock session running.")
            await rows.close_mock(conn, session["id"], "ended", now)
            await reminder_rows.remove(conn, guild_id, user_id, MOCK_REMINDER)
        return await self.summary(session["id"])

    async def summary(self, mock_id: int) -> MockSummary:
        """Per-category score from the member's own ratings, and what to review."""
        async with self.store.connect() as conn:
            session = await rows.mock(conn, mock_id)
            assert session is not None
            attempts = await rows.session_attempts(conn, mock_id, "mock")
        catalog = self.attempts.catalog.for_guild(session["guild_id"])
        ids = session["question_ids"]
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
        session = await self._active(row["guild_id"], row["user_id"])
        if session is None:
            return None
        guild_id, user_id = session["guild_id"], session["user_id"]
        if not rules.mock_expired(session["deadline_at"], now):
            return rules.mock_expires_at(session["deadline_at"])
        summary = await self._expire(session)
        if summary is not None:
            await self.notifier.to_member(
                guild_id,
                user_id,
                key=f"mock:{guild_id}:{user_id}:{session['id']}:expired",
                kind="mock_expired",
                embed=self.renderer.mock_summary(summary),
            )
        return None

    async def _active(self, guild_id: int, user_id: int) -> MockRow | None:
        async with self.store.connect() as conn:
            return await rows.active_mock(conn, guild_id, user_id)

    async def _close_if_abandoned(self, guild_id: int, user_id: int) -> MockSummary | None:
        active = await self._active(guild_id, user_id)
        if active is None or not rules.mock_expired(active["deadline_at"], self.clock.now()):
            return None
        return await self._expire(active)

    async def _expire(self, session: MockRow) -> MockSummary | None:
        now = self.clock.now()
        async with self.store.begin() as conn:
            closed = await rows.close_mock(conn, session["id"], "expired", now)
            await reminder_rows.remove(conn, session["guild_id"], session["user_id"], MOCK_REMINDER)
        if not closed:
            return None
        log.info("mock session %s expired past its deadline", session["id"])
        return await self.summary(session["id"])
