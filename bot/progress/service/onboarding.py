"""`/start` (onboarding: every choice saved when picked) and the welcome greeting."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import KW_ONLY
from typing import Protocol

import discord

from bot.catalog import CatalogRegistry
from bot.core.attempts import Attempt
from bot.core.errors import UserFacingError
from bot.core.records import frozen, service
from bot.core.runtime import Core
from bot.core.scheduling.delivery import Sent
from bot.daily.api import DailyService, reminder_prefs
from bot.members.api import NUDGE_MODE_LABELS, MemberProfile, MemberService
from bot.progress import rules
from bot.progress import store as rows
from bot.progress.service.shared import ProgressPrefs

log = logging.getLogger(__name__)


@frozen
class OnboardingState:
    """What the member chose in `/start` so far."""

    timezone: str | None
    guild_timezone: str
    focus_tracks: list[str]
    tracks: list[tuple[str, str]]  # (id, name)
    goal_hours: int | None
    dm_opt_in: bool
    nudge_mode: str
    streak_minutes: int  # logged minutes that make a day count toward a streak
    saved: str | None = None  # what the last action saved, for the confirmation line


@frozen
class SettingsOverview:
    """Every setting a member has, for `/settings show`."""

    profile: MemberProfile
    guild_timezone: str
    streak_reminder_hours: int | None  # None: the streak reminder is off
    review_reminder_time: str | None  # "HH:MM", None: the reviews reminder is off
    digest: bool
    tracking: bool
    goal_minutes: int | None
    focus_tracks: list[str]  # track names


@frozen
class Greeting:
    """The welcome post: it pings the new member (and only them) on purpose."""

    embed: discord.Embed
    view: discord.ui.View
    content: str
    allowed_mentions: discord.AllowedMentions


class WelcomeRenderer(Protocol):
    """How the welcome greeting looks (`bot.progress.views.ProgressViews`)."""

    def welcome_post(self, guild_id: int, user_id: int) -> Greeting:
        """The greeting for a member who just joined."""


@frozen
class WelcomeConfig:
    """The guild's welcome greeting: its channel and whether it is on."""

    channel_id: int | None
    enabled: bool


class Onboarding:
    """The member's setup: timezone, focus tracks, weekly goal, DMs and nudges."""

    def __init__(
        self,
        core: Core,
        *,
        catalog: CatalogRegistry,
        members: MemberService,
        prefs: ProgressPrefs,
        daily: DailyService,
    ) -> None:
        """`members` owns timezone, DMs and nudges; `prefs` the focus tracks and goal;
        `daily` the streak rule `/start` explains."""
        self.store = core.store
        self.catalog = catalog
        self.members = members
        self.prefs = prefs
        self.daily = daily
        self._steps: dict[str, Callable[[int, int, Sequence[str]], Awaitable[str]]] = {
            "timezone": self._timezone,
            "tracks": self._tracks,
            "goal": self._goal,
            "dms": self._dms,
            "nudges": self._nudges,
        }

    async def state(self, guild_id: int, user_id: int, saved: str | None = None) -> OnboardingState:
        """What the member chose so far (`saved`: what the last choice saved)."""
        context = await self.members.context(guild_id, user_id)
        prefs = await self.prefs.get(guild_id, user_id)
        goal = prefs["goal_minutes"]
        return OnboardingState(
            timezone=context.profile.timezone,
            guild_timezone=context.guild.timezone,
            focus_tracks=list(prefs["focus_tracks"]),
            tracks=[(t.id, t.name) for t in self.catalog.for_guild(guild_id).tracks],
            goal_hours=goal // 60 if goal else None,
            dm_opt_in=context.profile.dm_opt_in,
            nudge_mode=context.profile.nudge_mode,
            streak_minutes=await self.daily.study_minutes(guild_id),
            saved=saved,
        )

    async def settings(self, guild_id: int, user_id: int) -> SettingsOverview:
        """Everything the member set: `/start`'s choices, reminders, digest and tracking."""
        context = await self.members.context(guild_id, user_id)
        prefs = await self.prefs.get(guild_id, user_id)
        async with self.store.connect() as conn:
            reminders = await reminder_prefs(conn, guild_id, user_id)
        names = {t.id: t.name for t in self.catalog.for_guild(guild_id).tracks}
        return SettingsOverview(
            profile=context.profile,
            guild_timezone=context.guild.timezone,
            streak_reminder_hours=(
                int(reminders["streak_hours_before"]) if reminders["streak"] else None
            ),
            review_reminder_time=str(reminders["review_time"]) if reminders["reviews"] else None,
            digest=prefs["digest"],
            tracking=prefs["tracking"],
            goal_minutes=prefs["goal_minutes"],
            focus_tracks=[names.get(t, t) for t in prefs["focus_tracks"]],
        )

    async def save(
        self, guild_id: int, user_id: int, step: str, values: Sequence[str]
    ) -> OnboardingState:
        """One onboarding choice: timezone, tracks, goal, dms or nudges."""
        save_step = self._steps.get(step)
        if save_step is None:
            raise UserFacingError("That onboarding step does not exist any more; run `/start`.")
        saved = await save_step(guild_id, user_id, values)
        return await self.state(guild_id, user_id, saved=saved)

    async def _timezone(self, guild_id: int, user_id: int, values: Sequence[str]) -> str:
        if not values:
            raise UserFacingError("Pick a timezone.")
        profile = await self.members.set_timezone(guild_id, user_id, values[0])
        return f"Timezone: {profile.timezone}"

    async def _tracks(self, guild_id: int, user_id: int, values: Sequence[str]) -> str:
        known = {t.id: t.name for t in self.catalog.for_guild(guild_id).tracks}
        chosen = [v for v in values if v in known]
        if len(chosen) != len(values):
            raise UserFacingError("One of those tracks is no longer on the roadmap.")
        await self.prefs.save(guild_id, user_id, focus_tracks=chosen)
        return "Focus: " + (", ".join(known[c] for c in chosen) or "none")

    async def _goal(self, guild_id: int, user_id: int, values: Sequence[str]) -> str:
        hours = rules.goal_choice(values)
        await self.prefs.save(guild_id, user_id, goal_minutes=hours * 60)
        return f"Weekly goal: {hours} h a week"

    async def _dms(self, guild_id: int, user_id: int, values: Sequence[str]) -> str:
        enabled = bool(values) and values[0] == "on"
        await self.members.set_dms(guild_id, user_id, enabled)
        return "DMs: " + ("on" if enabled else "off")

    async def _nudges(self, guild_id: int, user_id: int, values: Sequence[str]) -> str:
        profile = await self.members.set_nudge_mode(guild_id, user_id, values[0] if values else "")
        return f"Nudges: {NUDGE_MODE_LABELS[profile.nudge_mode]}"


@service
class Welcome:
    """Greets members who join in the guild's welcome channel (never by DM)."""

    core: Core
    _: KW_ONLY
    renderer: WelcomeRenderer

    async def config(self, guild_id: int) -> WelcomeConfig:
        """The guild's greeting: its channel and whether it is on."""
        async with self.core.store.connect() as conn:
            row = await rows.welcome(conn, guild_id)
        return WelcomeConfig(row["channel_id"], row["enabled"])

    async def configure(
        self, guild_id: int, *, channel_id: int | None, enabled: bool | None
    ) -> WelcomeConfig:
        """`/setup welcome`: pick the channel (which turns it on) and/or turn it on or off."""
        current = await self.config(guild_id)
        values = rules.welcome_changes(current.channel_id, channel_id=channel_id, enabled=enabled)
        if not values:
            return current
        async with self.core.store.begin() as conn:
            await rows.save_welcome(conn, guild_id, self.core.clock.now(), **values)
            row = await rows.welcome(conn, guild_id)
        return WelcomeConfig(row["channel_id"], row["enabled"])

    async def setup_summary(self, guild_id: int) -> list[tuple[str, str]]:
        """The greeting's line in `/setup show`."""
        config = await self.config(guild_id)
        if config.enabled and config.channel_id:
            value = f"on, in <#{config.channel_id}>"
        elif config.channel_id:
            value = f"off (channel <#{config.channel_id}>)"
        else:
            value = "off"
        return [("Welcome greeting", value)]

    async def greet(self, guild_id: int, user_id: int) -> str:
        """Greet a member who just joined, once a day at most: "sent", "off", "duplicate",
        or what went wrong ("failed", "retry")."""
        config = await self.config(guild_id)
        channel_id = config.channel_id
        if not config.enabled or channel_id is None:
            return "off"

        async def send(attempt: Attempt) -> Sent:
            post = self.renderer.welcome_post(guild_id, user_id)
            return await self.core.deliverer.to_channel(
                channel_id,
                embed=post.embed,
                view=post.view,
                content=post.content,
                allowed_mentions=post.allowed_mentions,
                attempt=attempt,
            )

        day = self.core.clock.now().date().isoformat()
        outcome = await self.core.deliver_once(
            key=f"welcome:{guild_id}:{user_id}:{day}",
            guild_id=guild_id,
            kind="welcome",
            send=send,
        )
        if outcome.status in ("failed", "retry", "unavailable"):
            log.warning("guild %s: welcome greeting failed: %s", guild_id, outcome.detail)
        return outcome.status
