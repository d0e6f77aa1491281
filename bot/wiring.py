"""The one wiring place: every service built once, with its collaborators passed in.

`build_services` creates the core, then each feature with explicit constructor arguments
(its renderers come from the feature's views here, so services never import UI). Cogs and
the app reach services through the typed `Services` it returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import discord

from bot.activity.service import ActivityService
from bot.catalog import CatalogRegistry
from bot.content.service import ContentService
from bot.core.clock import Clock, FakeClock
from bot.core.runtime import Core
from bot.core.scheduling.delivery import Deliverer
from bot.core.scheduling.dispatcher import Dispatcher
from bot.core.scheduling.guild_posts import GuildPosts
from bot.core.scheduling.scheduler import SchedulerService
from bot.core.scheduling.simulation import SimulatedScheduler
from bot.core.settings import Settings
from bot.core.store import Store
from bot.daily.service import DailyService
from bot.daily.views import DailyViews
from bot.health.service import HealthReport, HealthService
from bot.interview.service import InterviewService
from bot.interview.store import review_counts
from bot.interview.views import InterviewViews
from bot.members.service.guilds import GuildService
from bot.members.service.notify import Notifier
from bot.members.service.profiles import MemberService
from bot.pitfalls.service import PitfallService
from bot.pitfalls.views import PitfallViews
from bot.privacy.service import PrivacyService
from bot.progress.service import ProgressService
from bot.progress.views import ProgressViews
from bot.projects.store import shipped_counts

if TYPE_CHECKING:
    from bot.projects.service import ProjectService


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
    interview: InterviewService
    content: ContentService
    privacy: PrivacyService
    pitfalls: PitfallService
    health: HealthService
    # Feature services, attached by `build_features()` right after construction.
    projects: ProjectService = field(init=False)
    progress: ProgressService = field(init=False)

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
        from bot.projects.service import ProjectService

        self.projects = ProjectService(self)
        for feature in self.features():
            feature.wire()

    def features(self) -> list[FeatureService]:
        return [self.projects]

    async def start(self) -> None:
        """Once per process, when the gateway is ready: jobs and catch-up for every feature."""
        await self.posts.start()
        await self.content.start()
        for feature in self.features():
            await feature.start()
        await self.privacy.start()
        await self.pitfalls.start()

    async def health_report(self, guild_id: int) -> HealthReport:
        """What `/setup health` shows: jobs, the last sweep and tick, deliveries, problems."""
        return await self.health.report(guild_id)

    async def setup_summary(self, guild_id: int) -> list[tuple[str, str]]:
        """Extra lines for `/setup show`: each feature's schedule and settings."""
        lines = await self.posts.summary(guild_id)
        lines.extend(await self.content.setup_summary(guild_id))
        for feature in self.features():
            lines.extend(await feature.setup_summary(guild_id))
        lines.extend(await self.progress.setup_summary(guild_id))
        lines.extend(await self.pitfalls.setup_summary(guild_id))
        return lines


def build_services(
    client: discord.Client, settings: Settings, clock: Clock, store: Store, catalog: CatalogRegistry
) -> Services:
    """Every service, built once with explicit collaborators."""
    core = Core(
        settings=settings,
        clock=clock,
        store=store,
        scheduler=(
            SimulatedScheduler(clock) if isinstance(clock, FakeClock) else SchedulerService(clock)
        ),
        dispatcher=Dispatcher(store, clock),
        deliverer=Deliverer(client, settings),
    )
    posts = GuildPosts()
    guilds = GuildService(store, clock)
    members = MemberService(store, clock)
    notifier = Notifier(store, clock, members, core.deliverer)
    activity = ActivityService(core, members=members)
    daily = DailyService(
        core,
        catalog=catalog,
        guilds=guilds,
        members=members,
        notifier=notifier,
        renderer=DailyViews(),
    )
    posts.register(daily.poster)
    interview = InterviewService(
        core,
        catalog=catalog,
        guilds=guilds,
        members=members,
        notifier=notifier,
        renderer=InterviewViews(),
    )
    pitfalls = PitfallService(
        core, catalog=catalog, guilds=guilds, notifier=notifier, renderer=PitfallViews()
    )
    services = Services(
        core=core,
        catalog=catalog,
        posts=posts,
        guilds=guilds,
        members=members,
        notifier=notifier,
        activity=activity,
        daily=daily,
        interview=interview,
        content=ContentService(core, catalog=catalog),
        privacy=PrivacyService(core, members=members, guilds=guilds, catalog=catalog),
        pitfalls=pitfalls,
        health=HealthService(core, guilds=guilds, sweeps=pitfalls),
    )
    services.build_features()
    services.progress = ProgressService.build(
        core,
        catalog=catalog,
        members=members,
        notifier=notifier,
        daily=daily,
        projects=services.projects,
        interview=interview,
        pitfalls=pitfalls,
        boards={"shipped": shipped_counts, "reviews": review_counts},
        renderer=ProgressViews(),
    )
    posts.register(interview.qotd.poster)  # after the accountability post: `/setup show` order
    return services


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
