"""The one wiring place: every service built once, with its collaborators passed in.

`build_services` creates the core, then each feature with explicit constructor arguments
(its renderers come from the feature's views here, so services never import UI). Cogs and
the app reach services through the typed `Services` it returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import discord

from bot.activity.service import ActivityService
from bot.catalog import CatalogRegistry
from bot.core.clock import Clock, FakeClock
from bot.core.runtime import Core
from bot.core.scheduling.delivery import Deliverer
from bot.core.scheduling.dispatcher import Dispatcher
from bot.core.scheduling.guild_posts import GuildPosts
from bot.core.scheduling.scheduler import SchedulerService
from bot.core.settings import Settings
from bot.core.store import Store
from bot.daily.service import DailyService
from bot.daily.views import DailyViews
from bot.members.guilds import GuildService
from bot.members.notify import Notifier
from bot.members.service import MemberService
from bot.projects.service import ProjectService
from bot.projects.views import ProjectViews

if TYPE_CHECKING:
    from bot.content.service import ContentService
    from bot.interview.service import InterviewService
    from bot.pitfalls.service import PitfallService
    from bot.privacy.service import PrivacyService
    from bot.progress.service import ProgressService


@dataclass
class Services:
    core: Core
    catalog: CatalogRegistry
    posts: GuildPosts
    guilds: GuildService
    members: MemberService
    notifier: Notifier
    activity: ActivityService
    daily: DailyService
    # Feature services, attached by `build_features()` right after construction.
    content: ContentService = field(init=False)
    interview: InterviewService = field(init=False)
    projects: ProjectService
    progress: ProgressService = field(init=False)
    pitfalls: PitfallService = field(init=False)
    privacy: PrivacyService = field(init=False)

    @property
    def settings(self) -> Settings:
        return self.core.settings

    @property
    def clock(self) -> Clock:
        return self.core.clock

    @property
    def store(self) -> Store:
        return self.core.store

    @property
    def scheduler(self) -> SchedulerService:
        return self.core.scheduler

    @property
    def dispatcher(self) -> Dispatcher:
        return self.core.dispatcher

    @property
    def deliverer(self) -> Deliverer:
        return self.core.deliverer

    def build_features(self) -> None:
        from bot.content.service import ContentService
        from bot.interview.service import InterviewService
        from bot.pitfalls.service import PitfallService
        from bot.privacy.service import PrivacyService
        from bot.progress.service import ProgressService

        self.content = ContentService(self)
        self.interview = InterviewService(self)
        self.progress = ProgressService(self)
        self.pitfalls = PitfallService(self)
        self.privacy = PrivacyService(self)
        for feature in self.features():
            feature.wire()

    def features(self) -> list[FeatureService]:
        return [
            self.content,
            self.interview,
            self.progress,
            self.pitfalls,
            self.privacy,
        ]

    async def start(self) -> None:
        """Once per process, when the gateway is ready: jobs and catch-up for every feature."""
        await self.posts.start()
        for feature in self.features():
            await feature.start()

    async def health_report(self, guild_id: int) -> HealthReport:
        """What `/setup health` shows: jobs, the last sweep and tick, deliveries, problems."""
        from datetime import timedelta

        from bot.core.store import deliveries as ledger

        now = self.clock.now()
        jobs = [
            (job.id, job.next_run)
            for job in self.scheduler.jobs()
            if job.id.endswith(f":{guild_id}") or ":" not in job.id
        ]
        async with self.store.connect() as conn:
            counts = await ledger.counts_since(conn, guild_id, now - timedelta(hours=24))
        settings = await self.guilds.settings(guild_id)
        pitfalls = getattr(self, "pitfalls", None)
        return HealthReport(
            jobs=jobs,
            last_tick=self.dispatcher.last_tick,
            last_sweep=getattr(pitfalls, "last_sweep_at", None),
            last_sweep_seconds=getattr(pitfalls, "last_sweep_seconds", None),
            deliveries_24h=counts,
            broken=dict(settings.broken),
        )

    async def setup_summary(self, guild_id: int) -> list[tuple[str, str]]:
        """Extra lines for `/setup show`: each feature's schedule and settings."""
        lines = await self.posts.summary(guild_id)
        for feature in self.features():
            lines.extend(await feature.setup_summary(guild_id))
        return lines


def build_services(
    client: discord.Client, settings: Settings, clock: Clock, store: Store, catalog: CatalogRegistry
) -> Services:
    """Every service, built once with explicit collaborators."""
    core = Core(
        settings=settings,
        clock=clock,
        store=store,
        scheduler=SchedulerService(clock, paused=isinstance(clock, FakeClock)),
        dispatcher=Dispatcher(store, clock),
        deliverer=Deliverer(client, settings),
    )
    posts = GuildPosts()
    guilds = GuildService(store, clock)
    members = MemberService(store, clock)
    notifier = Notifier(store, clock, members, core.deliverer)
    activity = ActivityService(store, clock, guilds, members)
    daily = DailyService(
        core,
        catalog=catalog,
        guilds=guilds,
        members=members,
        notifier=notifier,
        renderer=DailyViews(),
    )
    posts.register(daily.poster)
    projects = ProjectService(
        core,
        catalog=catalog,
        guilds=guilds,
        members=members,
        notifier=notifier,
        renderer=ProjectViews(),
    )
    posts.register(projects.weekly.poster)
    services = Services(
        core=core,
        catalog=catalog,
        posts=posts,
        guilds=guilds,
        members=members,
        notifier=notifier,
        activity=activity,
        daily=daily,
        projects=projects,
    )
    services.build_features()
    return services


@dataclass(frozen=True)
class HealthReport:
    jobs: list[tuple[str, datetime | None]]
    last_tick: datetime | None
    last_sweep: datetime | None
    last_sweep_seconds: float | None
    deliveries_24h: dict[str, int]
    broken: dict[str, str]


class FeatureService:
    """Base for feature services: hooks the app calls at the right moments."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def wire(self) -> None:
        """Called once after every service exists: register dispatcher handlers here."""

    async def start(self) -> None:
        """Called once when the bot is ready: schedule jobs, catch up missed work."""

    async def setup_summary(self, guild_id: int) -> list[tuple[str, str]]:
        """(name, value) lines this feature adds to `/setup show`."""
        return []
