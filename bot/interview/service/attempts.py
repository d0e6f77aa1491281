"""Attempts and cards: what practice rounds, mock sessions and pairing share.

An attempt is one question shown to one member; its id is in the practice buttons' custom
ids, so everything a round shows is read back from its row (nothing lives in a view).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import KW_ONLY, field
from datetime import datetime
from typing import Unpack
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.catalog import Catalog, CatalogRegistry, Question
from bot.core.errors import UserFacingError
from bot.core.records import frozen, service
from bot.core.runtime import Core
from bot.core.time import local_date
from bot.daily.api import record_study
from bot.interview import rules
from bot.interview import store as rows
from bot.interview.order import NewQuestionOrder, member_order
from bot.interview.service.models import MockProgress, PracticeRound
from bot.interview.tables import AttemptOf, AttemptRow


@frozen
class QuestionRefs:
    """A guild's catalog and the question refs the pure rules choose from."""

    catalog: Catalog
    refs: tuple[rules.QuestionRef, ...]  # shared by every caller (cached): never mutated


#: A member's focus tracks (chosen in `/start`), read on the caller's connection. Progress
#: owns them and sits above interview in the layers, so the wiring passes its reader in.
FocusTracks = Callable[[AsyncConnection, int, int], Awaitable[Sequence[str]]]


async def no_focus(conn: AsyncConnection, guild_id: int, user_id: int) -> Sequence[str]:
    """The focus reader when none is wired: no member has a focus."""
    return ()


def _tracks(catalog: Catalog, question: Question) -> frozenset[str]:
    tracks = set()
    for skill in question.skills:
        try:
            tracks.add(catalog.track_of_skill(skill).id)
        except KeyError:  # a skill no roadmap track lists: no focus can include it
            continue
    return frozenset(tracks)


@service
class Attempts:
    """Open, find and rate attempts; turn an attempt row into the round a member sees."""

    core: Core
    _: KW_ONLY
    catalog: CatalogRegistry
    focus: FocusTracks = no_focus
    #: guild -> its refs, kept while its catalog is the same (immutable) object: a catalog
    #: of hundreds of questions costs a millisecond or two to turn into refs, on the event
    #: loop, at every `/interview practice`.
    _refs: dict[int, QuestionRefs] = field(default_factory=dict, init=False, repr=False)

    def questions(self, guild_id: int) -> QuestionRefs:
        """The guild's questions, as refs for the rules (with their roadmap tracks)."""
        catalog = self.catalog.for_guild(guild_id)
        cached = self._refs.get(guild_id)
        if cached is not None and cached.catalog is catalog:
            return cached
        refs = tuple(
            rules.QuestionRef(q.id, q.category, q.difficulty, _tracks(catalog, q))
            for q in catalog.questions.values()
        )
        self._refs[guild_id] = built = QuestionRefs(catalog, refs)
        return built

    async def order_for(
        self, conn: AsyncConnection, guild_id: int, user_id: int
    ) -> NewQuestionOrder:
        """The order the member meets unseen questions in: their focus first, then their own
        stable shuffle (`bot.interview.order`)."""
        return member_order(guild_id, user_id, await self.focus(conn, guild_id, user_id))

    def question(self, guild_id: int, question_id: str) -> Question:
        """A question of the guild's catalog; refuses one that was removed since."""
        question = self.catalog.for_guild(guild_id).questions.get(question_id)
        if question is None:
            raise UserFacingError(
                "That question was removed from this server's content. "
                "`/interview practice` picks another one."
            )
        return question

    async def owned(self, guild_id: int, user_id: int, attempt_id: int) -> AttemptRow:
        """The attempt behind a button, refused unless it is this member's in this guild."""
        async with self.core.store.connect() as conn:
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

    async def open(
        self, conn: AsyncConnection, question: Question, now: datetime, **of: Unpack[AttemptOf]
    ) -> AttemptRow:
        """Inside the caller's transaction: a new attempt at `question`, as stored."""
        return await rows.open_attempt(
            conn, now=now, question_id=question.id, category=question.category, **of
        )

    async def record_review(
        self,
        conn: AsyncConnection,
        guild_id: int,
        user_id: int,
        *,
        question: Question,
        rating: str,
        now: datetime,
        attempts: Sequence[AttemptRow],
        peer_score: int | None = None,
    ) -> tuple[rules.ReviewOutcome, bool]:
        """Inside the caller's transaction: rate the attempts and reschedule the member's
        card with FSRS. Returns the outcome and whether every attempt was still unrated."""
        existing = await rows.card(conn, guild_id, user_id, question.id)
        outcome = rules.review(existing["card"] if existing else None, rating, now)
        fresh = True
        for attempt in attempts:
            fresh &= await rows.rate_attempt(
                conn,
                attempt["id"],
                rating=rating,
                now=now,
                seconds=rules.elapsed_seconds(attempt["started_at"], now),
                next_due_at=outcome.due_at,
                peer_score=peer_score,
            )
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
        return outcome, fresh

    async def log_time(
        self,
        conn: AsyncConnection,
        guild_id: int,
        user_id: int,
        zone: ZoneInfo,
        now: datetime,
        kind: str,
        *,
        source: str,
        minutes: int,
        question: Question,
        ref: str,
    ) -> None:
        """Inside the caller's transaction: the member's time on `question`, logged on their
        own local day (progress, streaks and pitfalls read it)."""
        await record_study(
            conn,
            guild_id=guild_id,
            user_id=user_id,
            occurred_at=now,
            local_day=local_date(now, zone),
            kind=kind,
            minutes=minutes,
            source=source,
            topic=question.skills[0],
            ref=ref,
        )

    async def round(self, row: AttemptRow, kind: str | None = None) -> PracticeRound:
        """What the practice message shows for this attempt (with the mock's progress);
        `kind` says how it was chosen ("review" or "new") when it was just picked."""
        question = self.question(row["guild_id"], row["question_id"])
        progress: MockProgress | None = None
        if row["source"] == "mock" and row["session_id"] is not None:
            async with self.core.store.connect() as conn:
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
            category=row["filter_category"],
            difficulty=row["filter_difficulty"],
        )
