"""The weekly digest: every Monday at 08:00 the member's time, for members who opted in.

A `due_reminders` row per member (served by the dispatcher in claimed batches: everyone's
Monday 08:00 falls due together); by DM when the member allows DMs, else with their next
command reply (the notifier decides).
"""

from __future__ import annotations

from dataclasses import KW_ONLY
from datetime import datetime, time, timedelta
from typing import Protocol

import discord

from bot.catalog import CatalogRegistry
from bot.core.records import frozen, service
from bot.core.runtime import Core
from bot.core.scheduling.dispatcher import Served, row_by_row
from bot.core.store import reminders as reminder_rows
from bot.core.store.reminders import Due
from bot.core.time import next_fire
from bot.daily.api import DailyService
from bot.members.api import MemberContext, MemberService, Notifier
from bot.progress import rules
from bot.progress import store as rows
from bot.progress.service.ports import InterviewReader
from bot.progress.service.shared import skill_name, tracks_of

DIGEST = "digest"
DIGEST_AT = time(8, 0)
MONDAY = frozenset({0})


@frozen
class DigestView:
    """Last week's digest with what the renderer needs to word it."""

    digest: rules.Digest
    focus_skill: str | None  # the suggested skill's name, when the focus is the roadmap
    goal_hours: int | None


class DigestRenderer(Protocol):
    """How the weekly digest looks (`bot.progress.views.ProgressViews`)."""

    def digest_embed(self, view: DigestView) -> discord.Embed:
        """The digest as a DM (or inbox) embed."""


@service
class Digests:
    """Opting in and out, building last week's digest, and sending it."""

    core: Core
    _: KW_ONLY
    catalog: CatalogRegistry
    members: MemberService
    daily: DailyService
    interview: InterviewReader
    notifier: Notifier
    renderer: DigestRenderer

    def __post_init__(self) -> None:
        """Registers the digest's dispatcher handler; `renderer` words the digest."""
        self.core.dispatcher.register_claimed(DIGEST, row_by_row(self.reminder))

    async def set_enabled(self, guild_id: int, user_id: int, enabled: bool) -> datetime | None:
        """`/settings digest`: opt in or out; returns when the next digest is due."""
        context = await self.members.context(guild_id, user_id)
        due = next_fire(context.now, DIGEST_AT, context.zone, MONDAY) if enabled else None
        async with self.core.store.begin() as conn:
            await rows.save_prefs(conn, guild_id, user_id, context.now, digest=enabled)
            if due is not None:
                await reminder_rows.upsert(conn, guild_id, user_id, DIGEST, due)
            else:
                await reminder_rows.remove(conn, guild_id, user_id, DIGEST)
        return due

    async def _build(self, context: MemberContext, prefs: rows.Prefs) -> DigestView:
        """Last week's digest (the member's previous Monday-to-Sunday)."""
        guild_id, user_id = context.profile.guild_id, context.profile.user_id
        this_monday = rules.week_start(context.today)
        last_monday = this_monday - timedelta(weeks=1)
        async with self.core.store.connect() as conn:
            day_rows = await rows.minutes_by_day_kind(conn, guild_id, user_id, last_monday)
            checked = await rows.checks(conn, guild_id, user_id)
            sessions = await rows.count_entries(
                conn, guild_id, user_id, last_monday, this_monday, kind="interview"
            )
            updates = await rows.count_entries(
                conn,
                guild_id,
                user_id,
                last_monday,
                this_monday,
                kind="project",
                exclude_source="log",
            )
        streak = await self.daily.streak(guild_id, user_id)
        catalog = self.catalog.for_guild(guild_id)
        digest = rules.build_digest(
            last_week=rules.minutes_by_week(day_rows, this_monday - timedelta(days=1), 1)[0],
            goal_minutes=prefs["goal_minutes"],
            streak=streak.current,
            interview_sessions=sessions,
            reviews_due=await self.interview.due_count(guild_id, user_id),
            project_updates=updates,
            interview_strengths=await self.interview.strength_by_category(guild_id, user_id),
            next_skill_id=rules.next_skill(tracks_of(catalog), checked, prefs["focus_tracks"]),
        )
        roadmap_focus = digest.focus.kind == "roadmap"
        return DigestView(
            digest=digest,
            focus_skill=skill_name(catalog, digest.focus.detail) if roadmap_focus else None,
            goal_hours=prefs["goal_minutes"] // 60 if prefs["goal_minutes"] else None,
        )

    async def reminder(self, row: Due, now: datetime) -> Served:
        """Dispatcher handler (claimed batch, row by row): send the member's digest and queue
        next Monday's."""
        guild_id, user_id, claim = row.guild_id, row.user_id, row.claim
        async with self.core.store.connect() as conn:
            prefs = await rows.prefs(conn, guild_id, user_id)
        if not prefs["digest"]:
            return Served(None, delivered=False)
        context = await self.members.context(guild_id, user_id)
        view = await self._build(context, prefs)
        await self.notifier.to_member(
            guild_id,
            user_id,
            key=claim.key,
            kind=DIGEST,
            embed=self.renderer.digest_embed(view),
            claimed=claim,
        )
        return Served(next_fire(now, DIGEST_AT, context.zone, MONDAY))
