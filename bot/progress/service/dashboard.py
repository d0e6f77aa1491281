"""`/progress`: the dashboard, from the study log and what other features know.

Other features' numbers (projects, interview strength, pitfall flags) come from the services
the wiring passes in (see `ports`); the dashboard only reads, so it opens no write
transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import KW_ONLY
from datetime import date, timedelta

from bot.catalog import CatalogRegistry
from bot.catalog.constants import QUESTION_CATEGORIES
from bot.core.errors import UserFacingError
from bot.core.records import frozen, service
from bot.core.runtime import Core
from bot.daily.api import DailyService
from bot.members.api import MemberService
from bot.progress import rules
from bot.progress import store as rows
from bot.progress.service.ports import InterviewReader, PitfallFlag, PitfallsReader, ProjectsReader
from bot.progress.service.shared import skill_name, tracks_of

CHART_WEEKS = 8
DASHBOARD_WEEKS = 4


@frozen
class Portfolio:
    """A member's projects: active, shipped, and the domains shipped in."""

    active: int
    shipped: int
    shipped_domains: tuple[str, ...]  # sorted

    @property
    def domain_count(self) -> int:
        """Distinct domains with a shipped project (the readiness score counts them)."""
        return len(self.shipped_domains)


@frozen
class Dashboard:
    """Everything `/progress` shows about one member."""

    user_id: int
    own: bool
    today: date
    weeks: list[rules.WeekMinutes]  # CHART_WEEKS, oldest first
    last4: dict[str, int]
    streak_current: int
    streak_best: int
    portfolio: Portfolio
    strengths: dict[str, float]
    interview_answers: dict[str, int]  # rated answers behind each category's strength
    coverage: rules.Coverage
    next_skill: str | None  # the suggested skill's name
    readiness: rules.Readiness
    community_days: int
    goal: rules.GoalProgress
    flags: Sequence[PitfallFlag]  # only on the member's own dashboard

    @property
    def theory_practice(self) -> tuple[int, int]:
        """Theory and practice minutes of the last four weeks."""
        return rules.split_theory_practice(self.last4)


@service
class Dashboards:
    """Builds a member's dashboard (their own, or a public one)."""

    core: Core
    _: KW_ONLY
    catalog: CatalogRegistry
    members: MemberService
    daily: DailyService
    projects: ProjectsReader
    interview: InterviewReader
    pitfalls: PitfallsReader

    async def build(self, guild_id: int, viewer_id: int, user_id: int) -> Dashboard:
        """`/progress [member]`: refused when another member keeps their progress private."""
        own = viewer_id == user_id
        member = await self.members.context(guild_id, user_id)
        if not own and not member.profile.profile_public:
            raise UserFacingError(
                "That member keeps their progress private. They can share it with "
                "`/settings profile public:True`."
            )
        today = member.today
        since = rules.week_start(today) - timedelta(weeks=CHART_WEEKS - 1)
        community_since = today - timedelta(days=rules.READINESS_COMMUNITY_WINDOW_DAYS - 1)
        async with self.core.store.connect() as conn:
            day_rows = await rows.minutes_by_day_kind(conn, guild_id, user_id, since)
            prefs = await rows.prefs(conn, guild_id, user_id)
            checked = await rows.checks(conn, guild_id, user_id)
            community = await rows.community_days(conn, guild_id, community_since, user_id=user_id)
        weeks = rules.minutes_by_week(day_rows, today, CHART_WEEKS)
        streak = await self.daily.streak(guild_id, user_id)
        summary = await self.projects.portfolio_summary(guild_id, user_id)
        portfolio = Portfolio(
            summary.active, summary.shipped, tuple(sorted(summary.shipped_domains))
        )
        detail = await self.interview.strengths(guild_id, user_id)
        strengths = {category: s.value for category, s in detail.items()}
        flags = await self.pitfalls.flags_for(guild_id, user_id) if own else ()
        catalog = self.catalog.for_guild(guild_id)
        tracks = tracks_of(catalog)
        coverage = rules.roadmap_coverage(tracks, checked)
        community_days = community.get(user_id, 0)
        return Dashboard(
            user_id=user_id,
            own=own,
            today=today,
            weeks=weeks,
            last4=rules.totals_by_kind(weeks[-DASHBOARD_WEEKS:]),
            streak_current=streak.current,
            streak_best=streak.best,
            portfolio=portfolio,
            strengths=strengths,
            interview_answers={category: s.answers for category, s in detail.items()},
            coverage=coverage,
            next_skill=skill_name(
                catalog, rules.next_skill(tracks, checked, prefs["focus_tracks"])
            ),
            readiness=rules.readiness_score(
                coverage=coverage.fraction,
                shipped_domains=portfolio.domain_count,
                interview_strengths=strengths,
                interview_categories=QUESTION_CATEGORIES,
                community_days=community_days,
            ),
            community_days=community_days,
            goal=rules.goal_progress(prefs["goal_minutes"], weeks[-1]),
            flags=flags,
        )
