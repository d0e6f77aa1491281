"""The one wiring place: every service built once, with its collaborators passed in.

`build_services` creates the core, then each feature with explicit constructor arguments
(its renderers come from the feature's views here, so services never import UI; a feature
that needs a service above it in the layers declares a Protocol and receives it here). Cogs
and the app reach services through the typed `Services` it returns. The order of
`posts.register` is the order of the posts in `/setup show`.
"""

from __future__ import annotations

from functools import partial
from typing import TypedDict

import discord

from bot.activity.service import ActivityService
from bot.boards.service import WeeklyBoard
from bot.boards.views import BoardViews
from bot.catalog import CatalogRegistry
from bot.content.service import ContentService
from bot.core.changes import CONTENT, POLL_JOB, POLL_SECONDS, SCHEDULE, ChangeFeed
from bot.core.clock import Clock, FakeClock
from bot.core.records import frozen
from bot.core.runtime import Core
from bot.core.scheduling.delivery import Deliverer
from bot.core.scheduling.dispatcher import Dispatcher
from bot.core.scheduling.guild_posts import GuildPosts
from bot.core.scheduling.roles import RoleGrants
from bot.core.scheduling.scheduler import SchedulerService
from bot.core.scheduling.simulation import SimulatedScheduler
from bot.core.settings import Settings
from bot.core.store import Store
from bot.core.telemetry import Telemetry
from bot.core.workers import CpuWorkers
from bot.daily.service import DailyService
from bot.daily.views import DailyViews
from bot.health.channels import ChannelAudit
from bot.health.service import HealthService
from bot.interview.api import review_counts
from bot.interview.service import InterviewService
from bot.interview.views import InterviewViews
from bot.members.service.guilds import GuildService
from bot.members.service.notify import Notifier
from bot.members.service.profiles import MemberService
from bot.pitfalls import assess
from bot.pitfalls.service import PitfallService
from bot.pitfalls.views import PitfallViews
from bot.privacy.service import PrivacyService
from bot.progress.api import focus_tracks
from bot.progress.service import ProgressService
from bot.progress.views import ProgressViews
from bot.projects.api import shipped_counts
from bot.projects.service import ProjectService
from bot.projects.views import ProjectViews
from bot.reminders.service import ReminderService
from bot.reminders.views import ReminderViews
from bot.rewards.service import RewardService
from bot.rewards.views import RewardViews
from bot.studyrooms.service import StudyRoomsService
from bot.studyrooms.views import StudyRoomsViews


@frozen
class Services:
    """Every service of the bot, typed; built once by `build_services`."""

    core: Core
    catalog: CatalogRegistry
    posts: GuildPosts
    guilds: GuildService
    members: MemberService
    notifier: Notifier
    activity: ActivityService
    daily: DailyService
    projects: ProjectService
    interview: InterviewService
    content: ContentService
    pitfalls: PitfallService
    progress: ProgressService
    privacy: PrivacyService
    health: HealthService
    reminders: ReminderService
    rewards: RewardService
    board: WeeklyBoard
    studyrooms: StudyRoomsService

    async def start(self) -> None:
        """Once per process, when the gateway is ready: jobs and catch-up for every feature."""
        # The first sweep need not wait for the worker's imports.
        self.core.workers.start(assess.warm_up)
        await self.posts.start()
        await self.content.start()
        await self.privacy.start()
        await self.pitfalls.start()
        await self.rewards.start()
        await self.studyrooms.start()
        await self.follow_changes(schedules=True)

    async def follow_changes(self, *, schedules: bool) -> None:
        """Apply what other processes on the database change (the web dashboard's settings
        and uploads): reload a guild's packs and, in a bot (`schedules`), reschedule its
        jobs. The bot polls on an interval job; the dashboard polls before each request."""
        changes = self.core.changes
        changes.subscribe(CONTENT, self.content.reload_guild)
        if schedules:
            changes.subscribe(SCHEDULE, self.reschedule)
            self.core.scheduler.add_interval(POLL_JOB, changes.poll, seconds=POLL_SECONDS)
        await changes.start()

    async def reschedule(self, guild_id: int) -> None:
        """Rebuild a guild's jobs from the database (its posts, pitfall sweep and reward
        check) when the guild is on this process's shards (the others are another's)."""
        if not self.core.settings.shards.owns(guild_id):
            return
        for post in self.posts:
            await post.sync(guild_id)
        await self.pitfalls.sync_jobs(guild_id)
        await self.rewards.sync_job(guild_id)

    async def setup_summary(self, guild_id: int) -> list[tuple[str, str]]:
        """The lines of `/setup show` after the channels: each post, then each feature."""
        lines = await self.posts.summary(guild_id)
        lines.extend(await self.daily.setup_summary(guild_id))
        lines.extend(await self.content.setup_summary(guild_id))
        lines.extend(await self.progress.setup_summary(guild_id))
        lines.extend(await self.pitfalls.setup_summary(guild_id))
        lines.extend(await self.rewards.setup_summary(guild_id))
        lines.extend(await self.studyrooms.setup_summary(guild_id))
        return lines


class MemberFacing(TypedDict):
    """The collaborators of a feature that posts to a guild and reaches its members; spelled
    once, passed as the same explicit keyword arguments to each such feature."""

    catalog: CatalogRegistry
    guilds: GuildService
    members: MemberService
    notifier: Notifier


def build_core(
    client: discord.Client,
    settings: Settings,
    clock: Clock,
    store: Store,
    telemetry: Telemetry,
    origin: str | None = None,
) -> Core:
    """The infrastructure; with a `FakeClock` the scheduler is the simulation. `origin`
    names this process in the change feed (default: INSTANCE_NAME)."""
    scheduler = (
        SimulatedScheduler(clock) if isinstance(clock, FakeClock) else SchedulerService(clock)
    )
    return Core(
        settings=settings,
        clock=clock,
        store=store,
        scheduler=scheduler,
        dispatcher=Dispatcher(store, clock, shards=settings.shards),
        deliverer=Deliverer(client, settings),
        telemetry=telemetry,
        changes=ChangeFeed(store, clock, origin or settings.instance_name),
        workers=CpuWorkers(settings.cpu_workers),
    )


def build_services(
    client: discord.Client,
    settings: Settings,
    clock: Clock,
    store: Store,
    catalog: CatalogRegistry,
    telemetry: Telemetry,
    origin: str | None = None,
) -> Services:
    """Every service, built once with explicit collaborators."""
    core = build_core(client, settings, clock, store, telemetry, origin)
    posts = GuildPosts()
    guilds = GuildService(store, clock)
    # A new timezone or channel: a bot process other than this one reschedules the guild.
    guilds.listeners.append(partial(core.changes.publish, topic=SCHEDULE))
    members = MemberService(store, clock)
    notifier = Notifier(core, members=members)
    # What daily, projects and interview each take besides `core` and their renderer.
    member_facing = MemberFacing(catalog=catalog, guilds=guilds, members=members, notifier=notifier)
    daily = DailyService(core, **member_facing, renderer=DailyViews())
    projects = ProjectService(core, **member_facing, renderer=ProjectViews())
    interview = InterviewService(
        core, **member_facing, renderer=InterviewViews(), focus=focus_tracks
    )
    for post in (daily.poster, projects.weekly.poster, interview.qotd.poster):
        posts.register(post)
    pitfalls = PitfallService(
        core, catalog=catalog, guilds=guilds, notifier=notifier, renderer=PitfallViews()
    )
    progress = ProgressService.build(
        core,
        catalog=catalog,
        members=members,
        notifier=notifier,
        daily=daily,
        projects=projects,
        interview=interview,
        pitfalls=pitfalls,
        boards={"shipped": shipped_counts, "reviews": review_counts},
        renderer=ProgressViews(),
    )
    board = WeeklyBoard(core, guilds=guilds, renderer=BoardViews())
    posts.register(board.poster)
    rewards = RewardService(
        core,
        guilds=guilds,
        roles=RoleGrants(client, core.deliverer.limiter),
        renderer=RewardViews(),
    )
    return Services(
        core=core,
        catalog=catalog,
        posts=posts,
        guilds=guilds,
        members=members,
        notifier=notifier,
        activity=ActivityService(core, members=members),
        daily=daily,
        projects=projects,
        interview=interview,
        content=ContentService(core, catalog=catalog),
        pitfalls=pitfalls,
        progress=progress,
        privacy=PrivacyService(core, members=members, guilds=guilds, catalog=catalog),
        health=HealthService(
            core,
            guilds=guilds,
            sweeps=pitfalls,
            channels=ChannelAudit(store, guilds),
            rechecks=(rewards,),
        ),
        reminders=ReminderService(
            core, members=members, notifier=notifier, renderer=ReminderViews()
        ),
        rewards=rewards,
        board=board,
        studyrooms=StudyRoomsService(
            core,
            members=members,
            notifier=notifier,
            renderer=StudyRoomsViews(core.deliverer),
        ),
    )
