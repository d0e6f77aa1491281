"""Progress: study log, goals, dashboard, roadmap, leaderboards, onboarding, welcome, digest.

One service per concern, each with its collaborators passed in (`bot.wiring` builds them
through `ProgressService.build`); `ProgressService` bundles them for the cogs:
`services.progress.log.add(...)`, `services.progress.roadmap.check(...)` ...
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from bot.catalog import CatalogRegistry
from bot.core.records import frozen
from bot.core.runtime import Core
from bot.daily.api import DailyService
from bot.members.api import MemberService, Notifier
from bot.progress.service.community import Community
from bot.progress.service.dashboard import CHART_WEEKS, Dashboard, Dashboards, Portfolio
from bot.progress.service.digest import DIGEST, DigestRenderer, Digests, DigestView
from bot.progress.service.leaderboard import Leaderboards, LeaderboardView
from bot.progress.service.onboarding import (
    Greeting,
    Onboarding,
    OnboardingState,
    SettingsOverview,
    Welcome,
    WelcomeConfig,
    WelcomeRenderer,
)
from bot.progress.service.ports import (
    BoardCounts,
    InterviewReader,
    PitfallFlag,
    PitfallsReader,
    PortfolioFacts,
    ProjectsReader,
)
from bot.progress.service.roadmap import CheckResult, Roadmap, RoadmapView, SkillState
from bot.progress.service.shared import ProgressPrefs
from bot.progress.service.studylog import HistoryEntry, LoggedEntry, StudyLog
from bot.progress.service.trends import GuildTrends, Trends

__all__ = [
    "CHART_WEEKS",
    "DIGEST",
    "BoardCounts",
    "CheckResult",
    "Community",
    "Dashboard",
    "Dashboards",
    "DigestRenderer",
    "DigestView",
    "Digests",
    "Greeting",
    "GuildTrends",
    "HistoryEntry",
    "InterviewReader",
    "LeaderboardView",
    "Leaderboards",
    "LoggedEntry",
    "Onboarding",
    "OnboardingState",
    "PitfallFlag",
    "PitfallsReader",
    "Portfolio",
    "PortfolioFacts",
    "ProgressPrefs",
    "ProgressRenderer",
    "ProgressService",
    "ProjectsReader",
    "Roadmap",
    "RoadmapView",
    "SettingsOverview",
    "SkillState",
    "StudyLog",
    "Trends",
    "Welcome",
    "WelcomeConfig",
    "WelcomeRenderer",
]


class ProgressRenderer(WelcomeRenderer, DigestRenderer, Protocol):
    """Everything the progress services show without a command to answer."""


@frozen
class ProgressService:
    """The progress feature's services, one per concern."""

    prefs: ProgressPrefs
    log: StudyLog
    community: Community
    dashboard: Dashboards
    roadmap: Roadmap
    leaderboard: Leaderboards
    onboarding: Onboarding
    welcome: Welcome
    digest: Digests
    trends: Trends

    @classmethod
    def build(
        cls,
        core: Core,
        *,
        catalog: CatalogRegistry,
        members: MemberService,
        notifier: Notifier,
        daily: DailyService,
        projects: ProjectsReader,
        interview: InterviewReader,
        pitfalls: PitfallsReader,
        boards: Mapping[str, BoardCounts],
        renderer: ProgressRenderer,
    ) -> ProgressService:
        """Every progress service with its collaborators (called by `bot.wiring`)."""
        prefs = ProgressPrefs(core)
        return cls(
            prefs=prefs,
            log=StudyLog(core, catalog=catalog, members=members, prefs=prefs),
            community=Community(core, members=members, prefs=prefs),
            dashboard=Dashboards(
                core,
                catalog=catalog,
                members=members,
                daily=daily,
                projects=projects,
                interview=interview,
                pitfalls=pitfalls,
            ),
            roadmap=Roadmap(core, catalog=catalog),
            leaderboard=Leaderboards(core, members=members, boards=boards),
            onboarding=Onboarding(core, catalog=catalog, members=members, prefs=prefs, daily=daily),
            welcome=Welcome(core, renderer=renderer),
            digest=Digests(
                core,
                catalog=catalog,
                members=members,
                daily=daily,
                interview=interview,
                notifier=notifier,
                renderer=renderer,
            ),
            trends=Trends(core, members=members),
        )

    async def setup_summary(self, guild_id: int) -> list[tuple[str, str]]:
        """The feature's lines in `/setup show` (the welcome greeting)."""
        return await self.welcome.setup_summary(guild_id)

    async def settings_overview(self, guild_id: int, user_id: int) -> SettingsOverview:
        """`/settings show` (cogs/member.py): every setting the member has."""
        return await self.onboarding.settings(guild_id, user_id)

    async def set_tracking(self, guild_id: int, user_id: int, enabled: bool) -> bool:
        """`/settings tracking` (cogs/member.py): count the member's messages, or stop."""
        return await self.community.set_tracking(guild_id, user_id, enabled)

    async def set_digest(self, guild_id: int, user_id: int, enabled: bool) -> datetime | None:
        """`/settings digest` (cogs/member.py): opt in or out of the weekly digest."""
        return await self.digest.set_enabled(guild_id, user_id, enabled)
