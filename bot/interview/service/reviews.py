"""Reviews: what a member's practice adds up to, and the daily reminder when reviews are due.

`strength_by_category`, `strengths` and `due_count` are also what the progress feature reads
(the dashboard, the readiness score and the weekly digest). The reminder is one
`due_reminders` row of kind ``reviews`` per opted-in member (dispatcher handler
`review_reminder`, claimed in batches), never a job per member; the preference lives with
the member's other reminder settings, in the daily feature's table (`bot.daily.api`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.catalog import Catalog, CatalogRegistry
from bot.core.errors import UserFacingError
from bot.core.runtime import Core
from bot.core.scheduling.dispatcher import Served, row_by_row
from bot.core.store import reminders as reminder_rows
from bot.core.store.reminders import Due
from bot.core.time import format_hhmm, parse_hhmm
from bot.daily.api import reminder_prefs, save_reminder_prefs
from bot.interview import rules
from bot.interview import store as rows
from bot.interview.service.models import InterviewRenderer, InterviewStats
from bot.members.api import MemberService, Notifier

REVIEWS_REMINDER = "reviews"
#: The reminder settings `/settings reminders` shows back (streak and reviews together).
SHOWN_PREFS = ("streak", "streak_hours_before", "reviews", "review_time")


class Reviews:
    """`/interview stats`, the numbers other features read, and the due-reviews reminder."""

    def __init__(
        self,
        core: Core,
        *,
        catalog: CatalogRegistry,
        members: MemberService,
        notifier: Notifier,
        renderer: InterviewRenderer,
    ) -> None:
        self.store, self.clock, self.catalog = core.store, core.clock, catalog
        self.members, self.notifier, self.renderer = members, notifier, renderer
        core.dispatcher.register_claimed(REVIEWS_REMINDER, row_by_row(self.review_reminder))

    async def strength_by_category(self, guild_id: int, user_id: int) -> dict[str, float]:
        """0..1 per category from the member's recent ratings; empty when they have none."""
        return rules.strength_by_category(await self._rated(guild_id, user_id))

    async def strengths(self, guild_id: int, user_id: int) -> dict[str, rules.Strength]:
        """Per category: strength (0..1) and how many answers it rests on."""
        return rules.strengths(await self._rated(guild_id, user_id))

    async def due_count(self, guild_id: int, user_id: int) -> int:
        """How many of the member's reviews are due now."""
        async with self.store.connect() as conn:
            return await rows.count_due(conn, guild_id, user_id, self.clock.now())

    async def stats(self, guild_id: int, viewer_id: int, user_id: int) -> InterviewStats:
        """A member's attempts, due reviews, per-category averages and weakest skills."""
        if viewer_id != user_id:
            profile = await self.members.profile(guild_id, user_id)
            if not profile.profile_public:
                raise UserFacingError("That member keeps their progress private.")
        catalog = self.catalog.for_guild(guild_id)
        rated = await self._rated(guild_id, user_id, catalog)
        async with self.store.connect() as conn:
            due_times = await rows.due_map(conn, guild_id, user_id)
        due, next_due = rules.due_summary(due_times, self.clock.now())
        weakest = []
        for skill_id, value in rules.weakest_skills(rated):
            skill = catalog.skills.get(skill_id)
            weakest.append((skill.name if skill else skill_id, value))
        return InterviewStats(
            user_id=user_id,
            attempts=len(rated),
            due=due,
            next_due=next_due,
            categories=rules.category_stats(rated),
            weakest=weakest,
        )

    async def _rated(
        self, guild_id: int, user_id: int, catalog: Catalog | None = None
    ) -> list[rules.RatedAttempt]:
        catalog = catalog or self.catalog.for_guild(guild_id)
        async with self.store.connect() as conn:
            found = await rows.rated_attempts(conn, guild_id, user_id)
        out: list[rules.RatedAttempt] = []
        for a in found:
            question = catalog.questions.get(a["question_id"])
            skills = question.skills if question else ()
            out.append(rules.RatedAttempt(a["category"], a["rating"], a["rated_at"], skills))
        return out

    async def set_review_reminder(
        self, guild_id: int, user_id: int, *, enabled: bool, at: str | None
    ) -> dict[str, object]:
        """Opt in/out of the daily due-reviews reminder (member_reminders.reviews/review_time)."""
        values: dict[str, Any] = {"reviews": enabled}
        if at is not None:
            values["review_time"] = format_hhmm(parse_hhmm(at))
        context = await self.members.context(guild_id, user_id)
        now = self.clock.now()
        async with self.store.begin() as conn:
            prefs = await save_reminder_prefs(conn, guild_id, user_id, now, **values)
            if enabled:
                due = rules.next_review_reminder(now, prefs["review_time"], context.zone)
                await reminder_rows.upsert(conn, guild_id, user_id, REVIEWS_REMINDER, due)
            else:
                await reminder_rows.remove(conn, guild_id, user_id, REVIEWS_REMINDER)
        return {key: prefs[key] for key in SHOWN_PREFS}

    async def review_reminder(self, row: Due, now: datetime) -> Served:
        """Dispatcher handler (claimed batch, row by row): once a day at the member's time,
        if due."""
        guild_id, user_id, claim = row.guild_id, row.user_id, row.claim
        async with self.store.connect() as conn:
            prefs = await reminder_prefs(conn, guild_id, user_id)
            due = await rows.count_due(conn, guild_id, user_id, now)
        if not prefs["reviews"]:
            return Served(None, delivered=False)
        context = await self.members.context(guild_id, user_id)
        if due > 0:
            await self.notifier.to_member(
                guild_id,
                user_id,
                key=claim.key,
                kind="reviews_due",
                embed=self.renderer.reviews_due(due),
                claimed=claim,
            )
        next_due = rules.next_review_reminder(now, prefs["review_time"], context.zone)
        return Served(next_due, delivered=due > 0)
