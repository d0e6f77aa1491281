"""One way to run a scheduled guild post: the daily prompt, the question of the day, the
weekly accountability thread.

A `GuildPost` owns everything those posts share, so each feature only says *what* to post:
- a cron job per guild in the guild's timezone (fixed id `"{kind}:{guild}"`), rescheduled when
  the schedule, the channels or the timezone change;
- the delivery ledger: a key per occurrence (by default `"{kind}:{guild}:{local_date}"`) is
  claimed before sending, so a restart, a DST double fire, a retried job or `post-now` twice
  never posts twice; the key doubles as Discord's nonce, so a crash between Discord accepting
  the post and the ledger recording it does not post twice either;
- catch-up at start: a post missed while the bot was down goes out if still inside the grace
  window, otherwise it is recorded as skipped;
- failures: a channel that is gone or lost permission marks the guild's setting broken
  (shown in `/setup show`), stops the job (no retry storm), and tells moderators once in the
  system channel; a transient failure is left retryable.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, Unpack

import discord

from bot.core import embeds
from bot.core.attempts import Attempt
from bot.core.changes import SCHEDULE
from bot.core.records import frozen
from bot.core.scheduling.delivery import DeliveryFailed, Sent
from bot.core.scheduling.post_schedules import (
    PostKind,
    PostSchedule,
    ScheduleChange,
    ScheduleTable,
    schedule_changes,
)
from bot.core.store import deliveries as ledger
from bot.core.time import (
    WEEKDAY_NAMES,
    latest_fire,
    local_date,
    resolve_zone,
)

if TYPE_CHECKING:
    from bot.core.runtime import Core

__all__ = [
    "GuildDirectory",
    "GuildPost",
    "GuildPosts",
    "GuildSettingsView",
    "PostKind",
    "PostResult",
    "PostSchedule",
    "PostSource",
    "Rendered",
    "ScheduleChange",
    "ScheduleTable",
    "schedule_changes",
]


class GuildSettingsView(Protocol):
    """What a guild post reads of a guild's settings (the members feature provides it)."""

    @property
    def timezone(self) -> str: ...
    @property
    def channels(self) -> Mapping[str, int | None]: ...
    @property
    def broken(self) -> Mapping[str, str]: ...


class GuildDirectory(Protocol):
    """Guild settings as guild posts use them: read, mark a channel broken or fixed, and be
    told when a guild's timezone or channels change (to reschedule)."""

    listeners: list[Callable[[int], Awaitable[None]]]

    async def settings(self, guild_id: int) -> GuildSettingsView: ...
    async def all_settings(self) -> Mapping[int, GuildSettingsView]: ...
    async def known_guild_ids(self) -> list[int]: ...
    async def mark_broken(
        self, guild_id: int, setting: str, reason: str, *, keep_diagnosis: bool = False
    ) -> bool: ...
    async def clear_broken(self, guild_id: int, setting: str) -> None: ...


log = logging.getLogger(__name__)


@frozen
class PostResult:
    status: str  # sent | duplicate | skipped | no_channel | failed | retry | unavailable
    detail: str = ""
    day: date | None = None


@frozen
class Rendered:
    embed: discord.Embed
    view: discord.ui.View | None = None
    thread_name: str | None = None
    #: What was chosen for this post (e.g. the question id), handed back to `after_send`.
    ref: str | None = None


Renderer = Callable[[int, date], Awaitable[Rendered]]
AfterSend = Callable[[int, date, Sent, Rendered], Awaitable[None]]
KeyFormat = Callable[[int, date], str]
BrokenNotice = Callable[[str, str, str], discord.Embed]


class PostSource(Protocol):
    """The feature behind a guild post says what to post; the `GuildPost` does the rest."""

    async def render_post(self, guild_id: int, day: date) -> Rendered:
        """The post for `day`; may raise UserFacingError when there is nothing to post (e.g.
        no content loaded)."""

    async def after_post(self, guild_id: int, day: date, sent: Sent, rendered: Rendered) -> None:
        """Record what was posted (runs once per sent post)."""


class GuildPost:
    """One kind of scheduled guild post; see the module docstring."""

    def __init__(
        self,
        core: Core,
        guilds: GuildDirectory,
        source: PostSource,
        post: PostKind,
        schedules: ScheduleTable,
        *,
        key_format: KeyFormat | None = None,
        broken_notice: BrokenNotice | None = None,
    ) -> None:
        """`source` is the feature that says what to post (see `PostSource`), `post` what the
        post is called and where it goes, `schedules` when it goes out."""
        self.core = core
        self.guilds = guilds
        self.source = source
        self.schedules = schedules
        self.kind, self.channel, self.label, self.name = post
        # Attributes rather than calls through `source`, so a test may wrap one step.
        self.render: Renderer = source.render_post
        self.after_send: AfterSend | None = source.after_post
        self.key_format = key_format or (lambda guild_id, day: f"{post.kind}:{guild_id}:{day}")
        self.broken_notice = broken_notice or default_broken_notice
        self._starting: asyncio.Future[None] | None = None
        guilds.listeners.append(self.sync)

    def job_id(self, guild_id: int) -> str:
        return f"{self.kind}:{guild_id}"

    async def describe(self, guild_id: int) -> str:
        """The post's line in `/setup show`: its schedule, and what is missing to post it."""
        schedule = await self.schedule(guild_id)
        if not schedule.configured:
            return f"off (`/setup {self.channel}` turns it on)"
        text = schedule.describe()
        settings = await self.guilds.settings(guild_id)
        if settings.channels[self.channel] is None:
            text += f" — no {self.channel} channel set"
        return text

    def key(self, guild_id: int, day: date) -> str:
        return self.key_format(guild_id, day)

    async def configure(self, guild_id: int, **change: Unpack[ScheduleChange]) -> PostSchedule:
        """What `/setup <post>` does: validate, store, reschedule, return the schedule
        (`weekday`: a weekly post's one day, as `/setup accountability` and the board set it)."""
        values = schedule_changes(**change)
        async with self.core.store.begin() as conn:
            schedule = await self.schedules.save(conn, guild_id, values, self.core.clock.now())
            # A bot process other than this one (this is the web dashboard, say) reschedules.
            await self.core.changes.publish(guild_id, SCHEDULE, conn)
        await self.sync(guild_id)
        return schedule

    async def sync(self, guild_id: int) -> None:
        """(Re)schedule the guild's cron in its timezone, or remove it."""
        self._schedule_job(
            guild_id, await self.schedule(guild_id), await self.guilds.settings(guild_id)
        )

    def _schedule_job(
        self, guild_id: int, schedule: PostSchedule, settings: GuildSettingsView
    ) -> None:
        job_id = self.job_id(guild_id)
        if not schedule.enabled or settings.channels[self.channel] is None:
            self.core.scheduler.remove(job_id)
            return

        async def job() -> None:
            await self.fire(guild_id, schedule, settings.timezone)

        self.core.scheduler.add_cron(
            job_id,
            job,
            hour=schedule.post_time.hour,
            minute=schedule.post_time.minute,
            day_of_week=",".join(WEEKDAY_NAMES[d] for d in sorted(schedule.weekdays)),
            timezone=resolve_zone(None, settings.timezone),
        )

    async def fire(self, guild_id: int, planned: PostSchedule, zone: str) -> PostResult:
        """A cron fire: posts only while the stored schedule still says this fire.

        A schedule, channel or timezone change made in another process (the web dashboard)
        reaches this process through the change feed within seconds; a fire in between, or
        one whose notice was missed, is caught here: the stored settings are read again, and a
        fire they no longer call for is refused and the job rebuilt from what is stored."""
        schedule = await self.schedule(guild_id)
        settings = await self.guilds.settings(guild_id)
        current = (schedule.enabled, schedule.post_time, schedule.weekdays, settings.timezone)
        if current != (planned.enabled, planned.post_time, planned.weekdays, zone):
            log.info("guild %s: %s job out of date; rescheduled", guild_id, self.kind)
            await self.sync(guild_id)
            # Moved earlier: today's post is now a missed one (posted inside the grace window).
            caught_up = await self.catch_up(guild_id)
            return caught_up or PostResult("skipped", "the schedule changed", None)
        return await self.post(guild_id, read=(settings, schedule))

    async def start(self) -> None:
        """Schedule every guild's job and catch up what was missed while down.

        Single-flight: a call while another is still catching up waits for that one instead
        of returning early, so "start returned" always means "every catch-up post is
        recorded" (a concurrent call would otherwise see the other's claims and skip them).
        """
        running = self._starting
        if running is not None and not running.done():
            await asyncio.shield(running)
            return
        self._starting = asyncio.ensure_future(self._start())
        await asyncio.shield(self._starting)

    async def schedule(self, guild_id: int) -> PostSchedule:
        """The guild's schedule (the post's default until a moderator changes it)."""
        async with self.core.store.connect() as conn:
            return await self.schedules.load(conn, guild_id)

    async def guild_ids(self) -> list[int]:
        """The guilds whose jobs to rebuild at start: those that changed the schedule and, when
        the default schedule is on, every guild with settings (it posts once a channel is set)."""
        async with self.core.store.connect() as conn:
            guild_ids = await self.schedules.guild_ids(conn)
        return self._owned(guild_ids, await self.guilds.known_guild_ids())

    def _owned(self, scheduled: Iterable[int], known: Iterable[int]) -> list[int]:
        guild_ids = set(scheduled)
        if self.schedules.default.enabled:
            guild_ids |= set(known)
        shards = self.core.settings.shards
        return sorted(guild_id for guild_id in guild_ids if shards.owns(guild_id))

    async def _start(self) -> None:
        # Every guild's settings and this post's schedules in two reads, not two per guild
        # and step: a process serving 500 guilds took tens of seconds to be ready.
        stored = await self.guilds.all_settings()
        async with self.core.store.connect() as conn:
            schedules = await self.schedules.load_all(conn)
        plans = [
            (
                guild_id,
                schedules.get(guild_id, self.schedules.default),
                stored.get(guild_id) or await self.guilds.settings(guild_id),
            )
            for guild_id in self._owned(schedules, stored)
        ]
        now = self.core.clock.now()
        keys = [missed[2] for plan in plans if (missed := self._last_fire(*plan, now))]
        async with self.core.store.connect() as conn:
            ledger_rows = await ledger.get_many(conn, keys)
        for guild_id, schedule, settings in plans:
            self._schedule_job(guild_id, schedule, settings)
            try:
                await self._catch_up(guild_id, schedule, settings, ledger_rows)
            except Exception:
                log.exception("%s catch-up failed for guild %s", self.kind, guild_id)

    async def catch_up(self, guild_id: int) -> PostResult | None:
        schedule = await self.schedule(guild_id)
        return await self._catch_up(guild_id, schedule, await self.guilds.settings(guild_id))

    def _last_fire(
        self, guild_id: int, schedule: PostSchedule, settings: GuildSettingsView, now: datetime
    ) -> tuple[datetime, date, str] | None:
        """The post's latest fire at `now`, its guild-local day and ledger key (None: the
        guild does not post it)."""
        if not schedule.enabled or settings.channels[self.channel] is None:
            return None
        zone = resolve_zone(None, settings.timezone)
        last = latest_fire(now, schedule.post_time, zone, schedule.weekdays)
        day = local_date(last, zone)
        return last, day, self.key(guild_id, day)

    async def _catch_up(
        self,
        guild_id: int,
        schedule: PostSchedule,
        settings: GuildSettingsView,
        ledger_rows: Mapping[str, dict[str, Any]] | None = None,
    ) -> PostResult | None:
        """`ledger_rows`: the stored deliveries of the keys in question, when the caller
        read them already (start-up reads every guild's at once)."""
        now = self.core.clock.now()
        missed = self._last_fire(guild_id, schedule, settings, now)
        if missed is None:
            return None
        last, day, key = missed
        if ledger_rows is None:
            async with self.core.store.connect() as conn:
                existing = await ledger.get(conn, key)
        else:
            existing = ledger_rows.get(key)
        if existing is not None and not ledger.claimable(existing, now):
            return None
        grace = timedelta(hours=self.core.settings.catchup_grace_hours)
        if now - last > grace:
            async with self.core.store.begin() as conn:
                await ledger.record_skip(
                    conn,
                    key,
                    guild_id,
                    self.kind,
                    now,
                    f"missed by {now - last}, grace {grace}",
                    self.core.store.claimant,
                )
            log.info("guild %s: %s for %s missed beyond the grace window", guild_id, self.kind, day)
            return PostResult("skipped", "outside the grace window", day)
        log.info("guild %s: catching up the %s for %s", guild_id, self.kind, day)
        return await self.post(guild_id, day=day)

    async def post(
        self,
        guild_id: int,
        *,
        day: date | None = None,
        manual: bool = False,
        read: tuple[GuildSettingsView, PostSchedule] | None = None,
    ) -> PostResult:
        """Post for `day` (default: today in the guild's zone) once; `read`: the guild's
        settings and schedule when the caller has just read them (a cron fire)."""
        if read is None:
            read = (await self.guilds.settings(guild_id), await self.schedule(guild_id))
        settings, schedule = read
        zone = resolve_zone(None, settings.timezone)
        day = day or local_date(self.core.clock.now(), zone)
        if not manual and (not schedule.enabled or day.weekday() not in schedule.weekdays):
            return PostResult("skipped", "not a posting day", day)
        channel_id = settings.channels[self.channel]
        if channel_id is None:
            return PostResult("no_channel", f"no {self.channel} channel is set", day)
        rendered: list[Rendered] = []

        async def send(attempt: Attempt) -> Sent:
            rendered.append(await self.render(guild_id, day))
            return await self.core.deliverer.to_channel(
                channel_id,
                embed=rendered[0].embed,
                view=rendered[0].view,
                thread_name=rendered[0].thread_name,
                attempt=attempt,
            )

        outcome = await self.core.deliver_once(
            key=self.key(guild_id, day),
            guild_id=guild_id,
            kind=self.kind,
            send=send,
        )
        if outcome.status == "duplicate":
            return PostResult("duplicate", "already posted", day)
        if outcome.failure is not None:
            await self._failed(guild_id, outcome.failure)
            return PostResult(outcome.status, outcome.detail, day)
        if outcome.sent is None:
            return PostResult(outcome.status, outcome.detail, day)
        if self.after_send is not None:
            await self.after_send(guild_id, day, outcome.sent, rendered[0])
        if self.channel in settings.broken:
            await self.guilds.clear_broken(guild_id, self.channel)
        return PostResult("sent", "", day)

    async def _failed(self, guild_id: int, failure: DeliveryFailed) -> None:
        if not failure.permanent:
            log.warning("guild %s: %s failed for now (%s)", guild_id, self.kind, failure.reason)
            return
        log.warning("guild %s: %s channel broken: %s", guild_id, self.kind, failure.reason)
        newly = await self.guilds.mark_broken(
            guild_id, self.channel, failure.reason, keep_diagnosis=True
        )
        self.core.scheduler.remove(self.job_id(guild_id))
        if not newly:
            return
        system_channel = self.core.deliverer.system_channel_id(guild_id)
        if system_channel is None:
            return
        try:
            await self.core.deliverer.to_channel(
                system_channel,
                embed=self.broken_notice(self.name, failure.reason, self.channel),
            )
        except DeliveryFailed:
            log.info("guild %s: could not tell moderators either", guild_id)


def default_broken_notice(label: str, reason: str, channel: str) -> discord.Embed:
    """What moderators are told, once, when a post's channel is gone or lost permission."""
    return embeds.info(
        f"{label} could not be posted",
        f"Reason: {reason}. A moderator can pick a channel with "
        f"`/setup channels {channel}:` — `/setup show` lists what needs attention.",
        colour=embeds.WARNING,
    )


class GuildPosts:
    """The registry of every kind of guild post: job start-up, `/setup show`, `/setup <post>`.

    Features register their posts at wiring time; the app starts them all once ready.
    """

    def __init__(self) -> None:
        self._posts: dict[str, GuildPost] = {}

    def register(self, post: GuildPost) -> GuildPost:
        if post.kind in self._posts:
            raise ValueError(f"a guild post of kind {post.kind!r} is already registered")
        self._posts[post.kind] = post
        return post

    def __getitem__(self, kind: str) -> GuildPost:
        return self._posts[kind]

    def __iter__(self) -> Iterator[GuildPost]:
        return iter(self._posts.values())

    async def start(self) -> None:
        for post in self._posts.values():
            await post.start()

    async def summary(self, guild_id: int) -> list[tuple[str, str]]:
        """(label, schedule) lines for `/setup show`."""
        return [(post.label, await post.describe(guild_id)) for post in self._posts.values()]
