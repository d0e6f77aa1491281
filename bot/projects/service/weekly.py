"""The weekly accountability thread: one post a week, shared check-ins inside it.

The post is a `GuildPost` (cron `accountability:{guild}` in the guild's timezone, the ledger
key `weekly:{guild}:{iso_year}-W{iso_week}` doubling as Discord's nonce, catch-up at start,
broken-channel handling). Its table keeps one weekday; `PostSchedule` holds it as a set of one.
Check-ins of members whose check-ins are public are summarised in the current week's thread.
"""

from __future__ import annotations

import logging
from datetime import date, time

from bot.core.cooperative import paced
from bot.core.runtime import Core
from bot.core.scheduling import guild_posts
from bot.core.scheduling.delivery import DeliveryFailed, Sent
from bot.core.scheduling.guild_posts import GuildPost, PostKind, PostResult, PostSchedule, Rendered
from bot.members.api import GuildService
from bot.projects import store as project_rows
from bot.projects.rules import (
    CheckinDraft,
    thread_is_current,
    week_key,
    week_label,
)
from bot.projects.service.models import (
    Project,
    RosterEntry,
    WeeklyPost,
    WeeklyRenderer,
)
from bot.projects.tables import accountability_schedule

log = logging.getLogger(__name__)

#: Until a moderator changes it: on, Mondays at 10:30 in the guild's timezone.
DEFAULT_WEEKLY = PostSchedule(True, time(10, 30), frozenset({0}))
WEEKLY_POST = PostKind(
    "accountability", "accountability", "Weekly accountability", "The weekly accountability thread"
)


class WeeklyAccountability:
    """The weekly post and its thread; `poster` is registered with the guild posts."""

    def __init__(self, core: Core, *, guilds: GuildService, renderer: WeeklyRenderer) -> None:
        """Build the guild post on the core and the guilds' settings; render with `renderer`."""
        self.core = core
        self.guilds = guilds
        self.renderer = renderer
        self.poster = GuildPost(
            core,
            guilds,
            self,
            WEEKLY_POST,
            guild_posts.ScheduleTable(accountability_schedule, DEFAULT_WEEKLY),
            key_format=week_key,
        )

    # --- the post ------------------------------------------------------------------------

    async def post(self, guild_id: int, *, day: date | None = None) -> PostResult:
        """Post the week's post and thread once (ledger key `weekly:{guild}:{year}-W{week}`)."""
        return await self.poster.post(guild_id, day=day)

    async def render_post(self, guild_id: int, day: date) -> Rendered:
        """The week's post: the roster of members with active projects and public check-ins."""
        async with self.core.store.connect() as conn:
            roster = await project_rows.weekly_roster(conn, guild_id)
        post = WeeklyPost(
            day=day,
            # Tens of thousands of rows in a big guild: a loop turn every few hundred.
            roster=tuple(
                [
                    RosterEntry(r["user_id"], r["projects"], r["last_checkin_at"])
                    async for r in paced(roster)
                ]
            ),
            now=self.core.clock.now(),
        )
        return self.renderer.render_weekly(guild_id, post)

    async def after_post(self, guild_id: int, day: date, sent: Sent, rendered: Rendered) -> None:
        """Record the week's post and thread (once per week)."""
        async with self.core.store.begin() as conn:
            if await project_rows.week_post(conn, guild_id, week_label(day)) is None:
                await project_rows.save_week_post(
                    conn,
                    guild_id=guild_id,
                    week=week_label(day),
                    channel_id=sent.channel_id,
                    message_id=sent.message_id,
                    thread_id=sent.thread_id,
                    now=self.core.clock.now(),
                )

    # --- the thread ----------------------------------------------------------------------

    async def current_thread(self, guild_id: int) -> int | None:
        """Return the thread of the latest weekly post, if it was posted within the last week."""
        async with self.core.store.connect() as conn:
            row = await project_rows.latest_week_post(conn, guild_id)
        if row is None or row["thread_id"] is None:
            return None
        if not thread_is_current(row["posted_at"], self.core.clock.now()):
            return None
        return row["thread_id"]

    async def share_checkin(
        self, guild_id: int, user_id: int, project: Project, draft: CheckinDraft
    ) -> bool:
        """Summarise a public check-in in this week's thread; False when there is none."""
        thread_id = await self.current_thread(guild_id)
        if thread_id is None:
            return False
        try:
            await self.core.deliverer.to_channel(
                thread_id, embed=self.renderer.checkin_summary(user_id, project, draft)
            )
        except DeliveryFailed as failure:
            log.info("guild %s: check-in summary not posted (%s)", guild_id, failure.reason)
            return False
        return True
