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
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import TYPE_CHECKING, Any, Protocol

import discord

from bot.core.errors import UserFacingError
from bot.core.scheduling.delivery import DeliveryFailed, Sent
from bot.core.store import deliveries as ledger
from bot.core.time import (
    WEEKDAY_NAMES,
    format_hhmm,
    format_weekdays,
    latest_fire,
    local_date,
    mask_to_weekdays,
    parse_hhmm,
    parse_weekdays,
    resolve_zone,
    weekdays_to_mask,
)

if TYPE_CHECKING:
    from bot.core.clock import Clock
    from bot.core.scheduling.delivery import Deliverer
    from bot.core.scheduling.scheduler import SchedulerService
    from bot.core.settings import Settings
    from bot.core.store import Store
    from bot.members.guilds import GuildService


class PostDeps(Protocol):
    """What a GuildPost needs; the service container (and DailyService) provide it."""

    store: Store
    clock: Clock
    settings: Settings
    guilds: GuildService
    scheduler: SchedulerService
    deliverer: Deliverer


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PostSchedule:
    enabled: bool
    post_time: time
    weekdays: frozenset[int]

    def describe(self) -> str:
        state = "on" if self.enabled else "paused"
        return f"{state}, {format_hhmm(self.post_time)} on {format_weekdays(self.weekdays)}"


def schedule_from_row(row: Mapping[str, Any] | None, default: PostSchedule) -> PostSchedule:
    """A stored schedule row (enabled, post_time "HH:MM", weekdays bit mask), or `default`."""
    if row is None:
        return default
    return PostSchedule(
        enabled=bool(row["enabled"]),
        post_time=parse_hhmm(row["post_time"]),
        weekdays=mask_to_weekdays(row["weekdays"]),
    )


def schedule_changes(
    *, post_time: str | None, days: str | None, enabled: bool | None
) -> dict[str, Any]:
    """Column values for what a moderator changed; refuses bad input with a clear message."""
    values: dict[str, Any] = {}
    if post_time is not None:
        values["post_time"] = format_hhmm(parse_hhmm(post_time))
    if days is not None:
        values["weekdays"] = weekdays_to_mask(parse_weekdays(days))
    if enabled is not None:
        values["enabled"] = enabled
    return values


@dataclass(frozen=True)
class PostResult:
    status: str  # sent | duplicate | skipped | no_channel | failed | retry | unavailable
    detail: str = ""
    day: date | None = None


@dataclass(frozen=True)
class Rendered:
    embed: discord.Embed
    view: discord.ui.View | None = None
    thread_name: str | None = None
    #: What was chosen for this post (e.g. the question id), handed back to `after_send`.
    ref: str | None = None


ScheduleLoader = Callable[[int], Awaitable[PostSchedule]]
Renderer = Callable[[int, date], Awaitable[Rendered]]
AfterSend = Callable[[int, date, Sent, Rendered], Awaitable[None]]
KeyFormat = Callable[[int, date], str]


class GuildPost:
    def __init__(
        self,
        services: PostDeps,
        *,
        kind: str,
        channel: str,
        label: str,
        load_schedule: ScheduleLoader,
        render: Renderer,
        after_send: AfterSend | None = None,
        key_format: KeyFormat | None = None,
    ) -> None:
        """`channel` is the guild channel role ("daily", "accountability", "interview");
        `label` names the post for moderators ("The daily prompt"); `render` may raise
        UserFacingError when there is nothing to post (e.g. no content loaded)."""
        self.services = services
        self.kind = kind
        self.channel = channel
        self.label = label
        self.load_schedule = load_schedule
        self.render = render
        self.after_send = after_send
        self.key_format = key_format or (lambda guild_id, day: f"{kind}:{guild_id}:{day}")
        self._starting: asyncio.Future[None] | None = None
        services.guilds.listeners.append(self.sync)

    def job_id(self, guild_id: int) -> str:
        return f"{self.kind}:{guild_id}"

    def key(self, guild_id: int, day: date) -> str:
        return self.key_format(guild_id, day)

    async def sync(self, guild_id: int) -> None:
        """(Re)schedule the guild's cron in its timezone, or remove it."""
        schedule = await self.load_schedule(guild_id)
        settings = await self.services.guilds.settings(guild_id)
        job_id = self.job_id(guild_id)
        if not schedule.enabled or settings.channels[self.channel] is None:
            self.services.scheduler.remove(job_id)
            return

        async def job() -> None:
            await self.post(guild_id)

        self.services.scheduler.add_cron(
            job_id,
            job,
            hour=schedule.post_time.hour,
            minute=schedule.post_time.minute,
            day_of_week=",".join(WEEKDAY_NAMES[d] for d in sorted(schedule.weekdays)),
            timezone=resolve_zone(None, settings.timezone),
        )

    async def start(self, guild_ids: list[int]) -> None:
        """Schedule every guild's job and catch up what was missed while down.

        Single-flight: a call while another is still catching up waits for that one instead
        of returning early, so "start returned" always means "every catch-up post is
        recorded" (a concurrent call would otherwise see the other's claims and skip them).
        """
        running = self._starting
        if running is not None and not running.done():
            await asyncio.shield(running)
            return
        self._starting = asyncio.ensure_future(self._start(guild_ids))
        await asyncio.shield(self._starting)

    async def _start(self, guild_ids: list[int]) -> None:
        for guild_id in guild_ids:
            await self.sync(guild_id)
            try:
                await self.catch_up(guild_id)
            except Exception:
                log.exception("%s catch-up failed for guild %s", self.kind, guild_id)

    async def catch_up(self, guild_id: int) -> PostResult | None:
        schedule = await self.load_schedule(guild_id)
        settings = await self.services.guilds.settings(guild_id)
        if not schedule.enabled or settings.channels[self.channel] is None:
            return None
        zone = resolve_zone(None, settings.timezone)
        now = self.services.clock.now()
        last = latest_fire(now, schedule.post_time, zone, schedule.weekdays)
        day = local_date(last, zone)
        key = self.key(guild_id, day)
        async with self.services.store.connect() as conn:
            existing = await ledger.get(conn, key)
        if existing is not None and existing["status"] != "retry":
            return None
        grace = timedelta(hours=self.services.settings.catchup_grace_hours)
        if now - last > grace:
            async with self.services.store.begin() as conn:
                await ledger.record_skip(
                    conn, key, guild_id, self.kind, now, f"missed by {now - last}, grace {grace}"
                )
            log.info("guild %s: %s for %s missed beyond the grace window", guild_id, self.kind, day)
            return PostResult("skipped", "outside the grace window", day)
        log.info("guild %s: catching up the %s for %s", guild_id, self.kind, day)
        return await self.post(guild_id, day=day)

    async def post(
        self, guild_id: int, *, day: date | None = None, manual: bool = False
    ) -> PostResult:
        settings = await self.services.guilds.settings(guild_id)
        schedule = await self.load_schedule(guild_id)
        zone = resolve_zone(None, settings.timezone)
        now = self.services.clock.now()
        day = day or local_date(now, zone)
        if not manual and (not schedule.enabled or day.weekday() not in schedule.weekdays):
            return PostResult("skipped", "not a posting day", day)
        channel_id = settings.channels[self.channel]
        if channel_id is None:
            return PostResult("no_channel", f"no {self.channel} channel is set", day)
        key = self.key(guild_id, day)
        async with self.services.store.begin() as conn:
            if not await ledger.claim(conn, key, guild_id, self.kind, now):
                return PostResult("duplicate", "already posted", day)
        try:
            rendered = await self.render(guild_id, day)
        except UserFacingError as error:
            async with self.services.store.begin() as conn:
                await ledger.finish(conn, key, "failed", now, detail=error.message)
            return PostResult("unavailable", error.message, day)
        try:
            sent = await self.services.deliverer.to_channel(
                channel_id,
                embed=rendered.embed,
                view=rendered.view,
                thread_name=rendered.thread_name,
                idempotency_key=key,
            )
        except DeliveryFailed as failure:
            await self._failed(guild_id, key, failure)
            return PostResult("failed" if failure.permanent else "retry", failure.reason, day)
        async with self.services.store.begin() as conn:
            await ledger.finish(
                conn,
                key,
                "sent",
                self.services.clock.now(),
                channel_id=sent.channel_id,
                message_id=sent.message_id,
            )
        if self.after_send is not None:
            await self.after_send(guild_id, day, sent, rendered)
        if self.channel in settings.broken:
            await self.services.guilds.clear_broken(guild_id, self.channel)
        return PostResult("sent", "", day)

    async def _failed(self, guild_id: int, key: str, failure: DeliveryFailed) -> None:
        from bot.core import embeds

        status = "failed" if failure.permanent else "retry"
        async with self.services.store.begin() as conn:
            await ledger.finish(conn, key, status, self.services.clock.now(), detail=failure.reason)
        if not failure.permanent:
            log.warning("guild %s: %s failed for now (%s)", guild_id, self.kind, failure.reason)
            return
        log.warning("guild %s: %s channel broken: %s", guild_id, self.kind, failure.reason)
        newly = await self.services.guilds.mark_broken(guild_id, self.channel, failure.reason)
        self.services.scheduler.remove(self.job_id(guild_id))
        if not newly:
            return
        system_channel = self.services.deliverer.system_channel_id(guild_id)
        if system_channel is None:
            return
        try:
            await self.services.deliverer.to_channel(
                system_channel,
                embed=embeds.info(
                    f"{self.label} could not be posted",
                    f"Reason: {failure.reason}. A moderator can pick a channel with "
                    f"`/setup channels {self.channel}:` — `/setup show` lists what needs "
                    "attention.",
                    colour=embeds.WARNING,
                ),
            )
        except DeliveryFailed:
            log.info("guild %s: could not tell moderators either", guild_id)
