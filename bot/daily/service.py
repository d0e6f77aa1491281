"""Daily prompts and streaks: choose, post (exactly once), complete, remind.

The scheduled job and `/daily post-now` both call `post()`; the ledger key
`daily:{guild}:{local_date}` makes a restart, a DST double fire or a retried job harmless.
"""

from __future__ import annotations

import logging
from dataclasses import KW_ONLY, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import discord
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.activity.api import add_activity, kind_for_track
from bot.catalog import Catalog, CatalogRegistry, Prompt
from bot.core.errors import UserFacingError
from bot.core.records import frozen, service
from bot.core.runtime import Core
from bot.core.scheduling.delivery import Sent
from bot.core.scheduling.dispatcher import Served, row_by_row
from bot.core.scheduling.guild_posts import (
    GuildPost,
    PostKind,
    PostResult,
    PostSchedule,
    Rendered,
    ScheduleTable,
)
from bot.core.store import reminders as reminder_rows
from bot.core.store.reminders import Due
from bot.core.time import local_date, resolve_zone
from bot.daily import store as daily_rows
from bot.daily.rules.prompts import PromptRef, choose_prompt
from bot.daily.rules.streaks import StreakState, cached_streak, cached_streaks, compute_streak
from bot.daily.rules.study import validate_done_minutes, validate_study_minutes
from bot.daily.rules.window import (
    completion_open,
    next_streak_check,
    validate_hours_before,
)
from bot.daily.study import member_study_days
from bot.daily.tables import daily_schedule
from bot.members.api import GuildService, MemberService, Notifier

log = logging.getLogger(__name__)


STREAK_REMINDER = "streak"


@frozen
class DailyPrompt:
    """A guild's prompt for one day, and where it was posted."""

    prompt_date: date
    prompt: Prompt
    created_at: datetime
    posted_at: datetime | None
    channel_id: int | None
    message_id: int | None
    thread_id: int | None

    @property
    def opened_at(self) -> datetime:
        """When members could start completing it (the post, else when it was chosen)."""
        return self.posted_at or self.created_at


@frozen
class Completion:
    """The answer to pressing Done: whether it counted, and the streak now."""

    new: bool
    streak: StreakState
    prompt: Prompt | None
    local_day: date
    prompt_date: date
    #: Minutes the member already said the prompt took (None: not said).
    logged_minutes: int | None = None


@frozen
class DoneMinutes:
    """The time a member said a completed prompt took (None: skip), logged once: a second
    choice replaces the first."""

    minutes: int | None
    previous: int | None
    kind: str
    local_day: date
    streak: StreakState


DEFAULT_DAILY = PostSchedule(True, time(9, 0), frozenset(range(7)))
DAILY_POST = PostKind("daily", "daily", "Daily prompt", "The daily prompt")


def _minutes_ref(prompt_date: date) -> str:
    """The activity ref of the minutes a member chose for a prompt (one row per prompt)."""
    return f"daily:{prompt_date.isoformat()}"


class DailyRenderer(Protocol):
    """How daily posts and reminders look (`bot.daily.views` provides it at wiring time)."""

    def prompt_post(self, guild_id: int, daily: DailyPrompt, catalog: Catalog) -> Rendered:
        """The day's post: embed, Done button and thread name."""

    def streak_reminder(self, state: StreakState, hours_left: int) -> discord.Embed:
        """The DM or inbox item telling a member their streak ends tonight."""


@service
class DailyService:
    """Daily prompts and streaks: choose, post exactly once, complete, remind."""

    core: Core
    _: KW_ONLY
    catalog: CatalogRegistry
    guilds: GuildService
    members: MemberService
    notifier: Notifier
    renderer: DailyRenderer

    def __post_init__(self) -> None:
        """Build the daily guild post and take the streak reminders."""
        self.poster = GuildPost(
            self.core,
            self.guilds,
            self,
            DAILY_POST,
            ScheduleTable(daily_schedule, DEFAULT_DAILY),
        )
        self.core.dispatcher.register_claimed(STREAK_REMINDER, row_by_row(self.streak_reminder))

    async def start(self) -> None:
        """At start: rebuild every guild's job and catch up posts missed while down."""
        await self.poster.start()

    # --- prompts --------------------------------------------------------------------

    async def guild_today(self, guild_id: int) -> date:
        """The guild's local day now."""
        settings = await self.guilds.settings(guild_id)
        return local_date(self.core.clock.now(), resolve_zone(None, settings.timezone))

    async def prompt_for_day(self, guild_id: int, day: date) -> DailyPrompt:
        """The guild's prompt for `day`, chosen once and then fixed (restarts keep it)."""
        async with self.core.store.connect() as conn:  # the common case only reads
            row = await daily_rows.post_for(conn, guild_id, day)
        return await self._prompt_of(guild_id, day, row)

    async def _prompt_of(self, guild_id: int, day: date, row: dict[str, Any] | None) -> DailyPrompt:
        """The prompt of `day` from its stored post row (None: none yet, chosen now)."""
        catalog = self.catalog.for_guild(guild_id)
        if row is None or (row["posted_at"] is None and row["prompt_id"] not in catalog.prompts):
            row = await self._choose_prompt(guild_id, day, catalog)
        prompt = catalog.prompts.get(row["prompt_id"])
        if prompt is None:
            raise UserFacingError("The prompt for that day was removed from this server's content.")
        return DailyPrompt(
            prompt_date=day,
            prompt=prompt,
            created_at=row["created_at"],
            posted_at=row["posted_at"],
            channel_id=row["channel_id"],
            message_id=row["message_id"],
            thread_id=row["thread_id"],
        )

    async def _choose_prompt(self, guild_id: int, day: date, catalog: Catalog) -> dict[str, Any]:
        """Choose and store the day's prompt (re-read inside the write: another caller may
        have chosen it meanwhile)."""
        async with self.core.store.begin() as conn:
            row = await daily_rows.post_for(conn, guild_id, day)
            if row is None or (
                row["posted_at"] is None and row["prompt_id"] not in catalog.prompts
            ):
                refs = [PromptRef(p.id, p.track) for p in catalog.prompts.values()]
                if not refs:
                    raise UserFacingError("This server has no daily prompts loaded yet.")
                latest = await daily_rows.latest_post(conn, guild_id)
                cycle = latest["cycle"] if latest else 0
                used = await daily_rows.used_in_cycle(conn, guild_id, cycle)
                prompt_id, cycle = choose_prompt(refs, guild_id, cycle, used)
                if row is None:
                    row = await daily_rows.create_post(
                        conn, guild_id, day, prompt_id, cycle, self.core.clock.now()
                    )
        return row

    async def today(self, guild_id: int) -> DailyPrompt:
        """The prompt members can still complete: today's, else yesterday's within 24 h."""
        day = await self.guild_today(guild_id)
        yesterday = day - timedelta(days=1)
        async with self.core.store.connect() as conn:
            posts = await daily_rows.posts_for(conn, guild_id, (day, yesterday))
        previous = posts.get(yesterday)
        still_open = (
            day not in posts
            and previous is not None
            and previous["posted_at"] is not None
            and completion_open(previous["posted_at"], self.core.clock.now())
        )
        if still_open:
            return await self._prompt_of(guild_id, yesterday, previous)
        return await self._prompt_of(guild_id, day, posts.get(day))

    # --- posting --------------------------------------------------------------------

    async def post(
        self, guild_id: int, *, day: date | None = None, manual: bool = False
    ) -> PostResult:
        """Post the day's prompt (the scheduled job and `/daily post-now` both call this)."""
        return await self.poster.post(guild_id, day=day, manual=manual)

    async def render_post(self, guild_id: int, day: date) -> Rendered:
        """The day's prompt post (the prompt is chosen once per guild and day)."""
        daily = await self.prompt_for_day(guild_id, day)
        return self.renderer.prompt_post(guild_id, daily, self.catalog.for_guild(guild_id))

    async def after_post(self, guild_id: int, day: date, sent: Sent, rendered: Rendered) -> None:
        """Record where the day's prompt was posted."""
        async with self.core.store.begin() as conn:
            await daily_rows.mark_posted(
                conn,
                guild_id,
                day,
                self.core.clock.now(),
                sent.channel_id,
                sent.message_id,
                sent.thread_id,
            )

    # --- members --------------------------------------------------------------------

    async def member_day(self, guild_id: int, user_id: int) -> tuple[date, ZoneInfo]:
        """The member's local day now and their zone."""
        return await self.members.local_day(guild_id, user_id)

    async def complete(self, guild_id: int, user_id: int, prompt_date: date) -> Completion:
        """Mark the prompt done for the member's own day and update their streak. Done
        alone logs no minutes: the member may say how long it took (`log_done_minutes`)."""
        now = self.core.clock.now()
        async with self.core.store.connect() as conn:
            row = await daily_rows.post_for(conn, guild_id, prompt_date)
        if row is None:
            raise UserFacingError("I have no prompt for that day. Try `/daily today`.")
        opened = row["posted_at"] or row["created_at"]
        if not completion_open(opened, now):
            raise UserFacingError(
                "That prompt closed 24 hours after it was posted. `/daily today` has the "
                "current one."
            )
        prompt = self.catalog.for_guild(guild_id).prompts.get(row["prompt_id"])
        local_day, _zone = await self.member_day(guild_id, user_id)
        async with self.core.store.begin() as conn:
            new = await daily_rows.add_completion(
                conn, guild_id, user_id, prompt_date, local_day, now
            )
            state = await self._streak_in(conn, guild_id, user_id, local_day, now, save=new)
            logged = await daily_rows.entry_by_ref(
                conn, guild_id, user_id, _minutes_ref(prompt_date)
            )
        return Completion(
            new=new,
            streak=state,
            prompt=prompt,
            local_day=local_day,
            prompt_date=prompt_date,
            logged_minutes=logged["minutes"] if logged else None,
        )

    async def log_done_minutes(
        self, guild_id: int, user_id: int, prompt_date: date, minutes: int | None
    ) -> DoneMinutes:
        """The Done reply's time select: log `minutes` of the prompt's kind on the day the
        member completed it (None: skip). Once per prompt: a second choice replaces the
        first, and skip after a choice removes it."""
        validate_done_minutes(minutes)
        now = self.core.clock.now()
        local_day, _zone = await self.member_day(guild_id, user_id)
        async with self.core.store.connect() as conn:
            post = await daily_rows.post_for(conn, guild_id, prompt_date)
        prompt = self.catalog.for_guild(guild_id).prompts.get(post["prompt_id"]) if post else None
        kind = kind_for_track(prompt.track) if prompt else "reading"
        ref = _minutes_ref(prompt_date)
        async with self.core.store.begin() as conn:
            done = await daily_rows.completion(conn, guild_id, user_id, prompt_date)
            if done is None:
                raise UserFacingError(
                    "Press **Done** on that prompt first; then say how long it took."
                )
            previous = await daily_rows.entry_by_ref(conn, guild_id, user_id, ref)
            if previous is not None and previous["minutes"] != minutes:
                await daily_rows.delete_entry(conn, guild_id, previous["id"])
            if minutes and (previous is None or previous["minutes"] != minutes):
                await add_activity(
                    conn,
                    guild_id=guild_id,
                    user_id=user_id,
                    occurred_at=done["completed_at"],
                    local_day=date.fromisoformat(done["local_date"]),
                    kind=kind,
                    minutes=minutes,
                    source="daily",
                    topic=prompt.skill if prompt else None,
                    ref=ref,
                )
            state = await self._streak_in(conn, guild_id, user_id, local_day, now, save=True)
        return DoneMinutes(
            minutes=minutes,
            previous=previous["minutes"] if previous else None,
            kind=kind,
            local_day=date.fromisoformat(done["local_date"]),
            streak=state,
        )

    async def _streak_in(
        self,
        conn: AsyncConnection,
        guild_id: int,
        user_id: int,
        today: date,
        now: datetime,
        *,
        save: bool,
    ) -> StreakState:
        """The member's live streak on `today`, read on `conn`; `save` also refreshes the
        cached one (inside a write transaction)."""
        threshold = await daily_rows.study_minutes(conn, guild_id)
        days, minutes = await member_study_days(conn, guild_id, user_id, threshold)
        if save:
            await daily_rows.save_streak_state(conn, guild_id, user_id, now, cached_streak(days))
        state = compute_streak(days, today)
        return replace(state, minutes_today=minutes.get(today, 0), minutes_needed=threshold)

    async def streak(self, guild_id: int, user_id: int) -> StreakState:
        """The member's streak as of their local day (study days: Done or enough logged)."""
        local_day, _ = await self.member_day(guild_id, user_id)
        async with self.core.store.connect() as conn:
            return await self._streak_in(
                conn, guild_id, user_id, local_day, self.core.clock.now(), save=False
            )

    # --- the streak rule (moderators) ----------------------------------------------------

    async def study_minutes(self, guild_id: int) -> int:
        """The guild's study-day threshold: logged minutes that make a day count."""
        async with self.core.store.connect() as conn:
            return await daily_rows.study_minutes(conn, guild_id)

    async def set_study_minutes(self, guild_id: int, minutes: int) -> int:
        """`/setup streak minutes:` — save the threshold and recompute every member's cached
        streak under it (one pass over the guild). Returns the members with a streak."""
        validate_study_minutes(minutes)
        now = self.core.clock.now()
        async with self.core.store.begin() as conn:
            await daily_rows.save_study_minutes(conn, guild_id, now, minutes)
            done = await daily_rows.guild_done_days(conn, guild_id)
            logged = await daily_rows.guild_study_minutes(conn, guild_id, minutes)
            states = cached_streaks(done, logged, minutes)
            await daily_rows.replace_guild_streaks(conn, guild_id, states, now)
        return len(states)

    async def setup_summary(self, guild_id: int) -> list[tuple[str, str]]:
        """The line this feature adds to `/setup show`: what makes a study day."""
        minutes = await self.study_minutes(guild_id)
        return [("Streaks", f"a day counts with {minutes} min of logged study, or Done")]

    async def history(self, guild_id: int, user_id: int, days: int = 14) -> list[tuple[date, bool]]:
        """The member's last `days` local days, each a study day or not."""
        local_day, _ = await self.member_day(guild_id, user_id)
        start = local_day - timedelta(days=days - 1)
        async with self.core.store.connect() as conn:
            threshold = await daily_rows.study_minutes(conn, guild_id)
            done, _minutes = await member_study_days(conn, guild_id, user_id, threshold, start)
        return [(start + timedelta(days=i), start + timedelta(days=i) in done) for i in range(days)]

    # --- streak-at-risk reminders ----------------------------------------------------

    async def set_streak_reminder(
        self, guild_id: int, user_id: int, enabled: bool, hours_before: int | None
    ) -> dict[str, Any]:
        """Opt in or out of the streak-at-risk reminder."""
        values: dict[str, Any] = {"streak": enabled}
        if hours_before is not None:
            values["streak_hours_before"] = validate_hours_before(hours_before)
        # Everything that reads through other services happens before the write transaction:
        # a second connection waiting on SQLite's write lock from inside it would deadlock.
        async with self.core.store.connect() as conn:
            current = await daily_rows.reminder_prefs(conn, guild_id, user_id)
        hours = values.get("streak_hours_before", current["streak_hours_before"])
        due = await self._next_streak_check(guild_id, user_id, hours) if enabled else None
        async with self.core.store.begin() as conn:
            prefs = await daily_rows.save_reminder_prefs(
                conn, guild_id, user_id, self.core.clock.now(), **values
            )
            if due is not None:
                await reminder_rows.upsert(conn, guild_id, user_id, STREAK_REMINDER, due)
            else:
                await reminder_rows.remove(conn, guild_id, user_id, STREAK_REMINDER)
        return prefs

    async def _next_streak_check(self, guild_id: int, user_id: int, hours_before: int) -> datetime:
        local_day, zone = await self.member_day(guild_id, user_id)
        return next_streak_check(self.core.clock.now(), local_day, zone, hours_before)

    async def streak_reminder(self, row: Due, now: datetime) -> Served:
        """Dispatcher handler (claimed batch, row by row): remind a member whose streak ends
        tonight."""
        guild_id, user_id, claim = row.guild_id, row.user_id, row.claim
        async with self.core.store.connect() as conn:
            prefs = await daily_rows.reminder_prefs(conn, guild_id, user_id)
        if not prefs["streak"]:
            return Served(None, delivered=False)
        state = await self.streak(guild_id, user_id)
        delivered = False
        if state.current > 0 and not state.done_today:
            hours_left = max(1, int(prefs["streak_hours_before"]))
            await self.notifier.to_member(
                guild_id,
                user_id,
                key=claim.key,
                kind="streak_at_risk",
                embed=self.renderer.streak_reminder(state, hours_left),
                claimed=claim,
            )
            delivered = True
        next_due = await self._next_streak_check(guild_id, user_id, prefs["streak_hours_before"])
        return Served(next_due, delivered=delivered)
