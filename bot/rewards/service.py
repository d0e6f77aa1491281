"""Role rewards: `/setup rewards add|remove|list`, and giving each reward once when a member
reaches it.

When members are checked:
- within a minute of a change: the `rewards-scan` job (one global interval job) reads what
  changed since its watermark — new study-log rows (logs, ships, interview answers, voice
  time) and updated streaks (Done) — and checks only those members;
- right after a reward is added or re-armed: every member of the guild, once;
- every day at 00:00 in the guild's timezone (`rewards:{guild}`): every member, and on the
  1st the monthly rewards of the month that ended are taken back.

A grant is recorded once per reward and member (per month for monthly rewards), so a member
gets each role once, and a role a moderator took away is not forced back. When the bot may
not give a role (no Manage Roles, the role not below the bot's highest role), the reward is
marked broken: moderators are told once (the system channel, and `/setup show` and
`/setup health` list it), and the reward is left alone — no request is retried — until a
moderator changes the rewards or `/setup health` finds it fixed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Collection
from dataclasses import KW_ONLY
from datetime import date, datetime
from typing import Any, Protocol

import discord

from bot.core.errors import NotFoundError, UserFacingError
from bot.core.records import frozen, service
from bot.core.runtime import Core
from bot.core.scheduling.delivery import DeliveryFailed
from bot.core.scheduling.roles import RoleChangeFailed, RoleGrants
from bot.core.time import WEEKDAY_NAMES, local_date, resolve_zone
from bot.members.api import GuildService
from bot.progress.api import cached_live_streak, days_by_zone
from bot.rewards import rules
from bot.rewards import store as rows

log = logging.getLogger(__name__)

SCAN_JOB = "rewards-scan"
SCAN_SECONDS = 60
AUDIT_REASON = "studybot role reward"


@frozen
class Reward:
    """A role given at a threshold; `broken` says why the bot cannot give it now."""

    id: int
    guild_id: int
    kind: str
    threshold: int
    role_id: int
    broken: str | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Reward:
        """A reward from a stored `role_rewards` row."""
        return cls(
            row["id"], row["guild_id"], row["kind"], row["threshold"], row["role_id"], row["broken"]
        )

    @property
    def goal(self) -> str:
        """ "a 7-day streak", "10 study hours this month" ..."""
        return rules.describe(self.kind, self.threshold)


class RewardRenderer(Protocol):
    """How moderators are told that a reward cannot be given (`bot.rewards.views`)."""

    def broken_notice(self, reward: Reward, reason: str) -> discord.Embed:
        """The one message to the system channel."""


@service
class RewardService:
    """Role rewards: configuration, checks after changes and every day, month-end removal."""

    core: Core
    _: KW_ONLY
    guilds: GuildService
    roles: RoleGrants
    renderer: RewardRenderer

    def __post_init__(self) -> None:
        """Follow guild timezone changes (the daily check runs at local midnight)."""
        self.guilds.listeners.append(self.sync_job)

    # --- configuration -----------------------------------------------------------------

    async def rewards(self, guild_id: int) -> list[Reward]:
        """The guild's rewards, by kind and threshold."""
        async with self.core.store.connect() as conn:
            return [Reward.from_row(row) for row in await rows.of_guild(conn, guild_id)]

    async def add(self, guild_id: int, kind: str, threshold: int, role_id: int) -> Reward:
        """`/setup rewards add`: give `role_id` at `threshold`; the same kind and threshold
        again changes its role. Refuses a role the bot cannot give, one another reward
        gives, and a 26th reward. Re-arms the guild's broken rewards (a moderator who changes
        the rewards has usually just fixed the roles)."""
        rules.validate(kind, threshold)
        problem = self.roles.problem(guild_id, role_id)
        if problem is not None:
            raise UserFacingError(
                f"I cannot give that role: {problem}. In Server Settings → Roles, give my role "
                "Manage Roles and drag it above the reward roles, then try again."
            )
        now = self.core.clock.now()
        async with self.core.store.begin() as conn:
            other = await rows.with_role(conn, guild_id, role_id)
            same = await rows.at_threshold(conn, guild_id, kind, threshold)
            if other is not None and (same is None or other["id"] != same["id"]):
                taken = rules.describe(other["kind"], other["threshold"])
                raise UserFacingError(
                    f"That role is already the reward for {taken}. Give each reward its own role."
                )
            if same is None:
                rules.check_room(await rows.count(conn, guild_id))
                reward_id = await rows.add(conn, guild_id, kind, threshold, role_id, now)
            else:
                reward_id = same["id"]
                await rows.set_role(conn, reward_id, role_id, now)
                await rows.clear_broken(conn, reward_id, now)
            rearmed = await rows.rearm(conn, guild_id, now)
            saved = await rows.get(conn, guild_id, reward_id)
        await self._forget_broken(guild_id, [*rearmed, reward_id])
        await self.sync_job(guild_id)
        assert saved is not None
        return Reward.from_row(saved)

    async def remove(self, guild_id: int, reference: str) -> Reward:
        """`/setup rewards remove`: stop giving a reward (roles already given stay)."""
        reward_id = int(reference) if reference.strip().isdigit() else 0
        now = self.core.clock.now()
        async with self.core.store.begin() as conn:
            row = await rows.get(conn, guild_id, reward_id)
            if row is None:
                raise NotFoundError(
                    "There is no such reward. Pick one from the list as you type, or see them "
                    "with `/setup rewards list`."
                )
            await rows.remove(conn, reward_id)
            rearmed = await rows.rearm(conn, guild_id, now)
        await self._forget_broken(guild_id, [*rearmed, reward_id])
        await self.sync_job(guild_id)
        return Reward.from_row(row)

    async def _forget_broken(self, guild_id: int, reward_ids: Collection[int]) -> None:
        for reward_id in reward_ids:
            await self.guilds.clear_broken(guild_id, rules.setting_key(reward_id))

    async def recheck(self, guild_id: int) -> None:
        """`/setup health`: a broken reward whose role the bot may give now works again (its
        members are checked at the next scan)."""
        now = self.core.clock.now()
        for reward in await self.rewards(guild_id):
            if reward.broken is None or self.roles.problem(guild_id, reward.role_id) is not None:
                continue
            async with self.core.store.begin() as conn:
                await rows.clear_broken(conn, reward.id, now)
            await self.guilds.clear_broken(guild_id, rules.setting_key(reward.id))

    async def setup_summary(self, guild_id: int) -> list[tuple[str, str]]:
        """The line this feature adds to `/setup show`."""
        rewards = await self.rewards(guild_id)
        if not rewards:
            return [("Role rewards", "none (`/setup rewards add`)")]
        broken = sum(1 for reward in rewards if reward.broken)
        text = f"{len(rewards)} (`/setup rewards list`)"
        return [("Role rewards", text + (f", {broken} cannot be given" if broken else ""))]

    # --- jobs ----------------------------------------------------------------------------

    @property
    def scanner(self) -> str:
        """This process's scan watermark (one per set of shards)."""
        return rows.scan_name(self.core.settings.shards)

    async def _owned(self, guild_ids: Awaitable[list[int]]) -> list[int]:
        """The guilds of `guild_ids` on this process's shards (the others are another's)."""
        shards = self.core.settings.shards
        return [guild_id for guild_id in await guild_ids if shards.owns(guild_id)]

    async def start(self) -> None:
        """At start: the scan job, each guild's daily check, and month-end removals that
        were due while the bot was down."""
        self.core.scheduler.add_interval(
            SCAN_JOB, self.scan, seconds=SCAN_SECONDS, wake=self.next_scan
        )
        async with self.core.store.connect() as conn:
            guild_ids = await self._owned(rows.guild_ids(conn))
        for guild_id in guild_ids:
            await self.sync_job(guild_id)
            try:
                await self.month_end(guild_id)
            except Exception:
                log.exception("guild %s: month-end reward removal failed", guild_id)

    async def sync_job(self, guild_id: int) -> None:
        """(Re)schedule the guild's daily check at 00:00 local, or remove it."""
        job_id = f"rewards:{guild_id}"
        if not await self.rewards(guild_id):
            self.core.scheduler.remove(job_id)
            return
        settings = await self.guilds.settings(guild_id)

        async def daily() -> None:
            await self.month_end(guild_id)
            await self.check_guild(guild_id)

        self.core.scheduler.add_cron(
            job_id,
            daily,
            hour=0,
            minute=0,
            day_of_week=",".join(WEEKDAY_NAMES),
            timezone=resolve_zone(None, settings.timezone),
        )

    async def next_scan(self) -> datetime | None:
        """When the scan has work (the simulation's wake source): now, if a rewarded guild
        has changes since the watermark or a reward nobody was checked against."""
        async with self.core.store.connect() as conn:
            guild_ids = await self._owned(rows.guild_ids(conn))
            if not guild_ids:
                return None
            state = await rows.scan_state(conn, self.scanner)
            if state is None or await self._owned(rows.unswept_guilds(conn)):
                return self.core.clock.now()
            top = await rows.last_activity_id(conn)
            changed = await rows.changed_members(
                conn, guild_ids, state["activity_id"], top, state["scanned_at"]
            )
        return state["scanned_at"] if changed else None

    async def scan(self) -> int:
        """Check the members who changed since the last scan, and every member against new
        or re-armed rewards. Returns how many members were checked."""
        now = self.core.clock.now()
        async with self.core.store.connect() as conn:
            guild_ids = await self._owned(rows.guild_ids(conn))
            state = await rows.scan_state(conn, self.scanner)
            top = await rows.last_activity_id(conn)
            unswept = await self._owned(rows.unswept_guilds(conn))
            changed = (
                await rows.changed_members(
                    conn, guild_ids, state["activity_id"], top, state["scanned_at"]
                )
                if state is not None
                else set()
            )
        checked = 0
        for guild_id in unswept:
            checked += await self.check_guild(guild_id)
            async with self.core.store.begin() as conn:
                await rows.set_swept(conn, guild_id, now)
        by_guild: dict[int, set[int]] = {}
        for guild_id, user_id in changed:
            if guild_id not in unswept:
                by_guild.setdefault(guild_id, set()).add(user_id)
        for guild_id, users in sorted(by_guild.items()):
            checked += await self.check_guild(guild_id, users)
        async with self.core.store.begin() as conn:
            await rows.save_scan(conn, top, now, self.scanner)
        return checked

    # --- giving and taking ---------------------------------------------------------------

    async def _values(
        self, guild_id: int, kinds: set[str], users: Collection[int] | None, today: date
    ) -> dict[str, dict[int, int]]:
        """Each kind's number per member (minutes for the hours kinds)."""
        settings = await self.guilds.settings(guild_id)
        values: dict[str, dict[int, int]] = {}
        async with self.core.store.connect() as conn:
            if "hours" in kinds:
                values["hours"] = await rows.study_minutes(conn, guild_id, users, None)
            if "month_hours" in kinds:
                since = rules.month_start(today)
                values["month_hours"] = await rows.study_minutes(conn, guild_id, users, since)
            if "ships" in kinds:
                values["ships"] = await rows.ships(conn, guild_id)
        if "streak" in kinds:
            values["streak"] = await self._streaks(guild_id, users, settings.timezone)
        return values

    async def _streaks(
        self, guild_id: int, users: Collection[int] | None, guild_zone: str
    ) -> dict[int, int]:
        """Member -> live streak, a slice at a time with a loop turn between slices."""
        today = days_by_zone(self.core.clock.now(), guild_zone)
        found: dict[int, int] = {}
        async with self.core.store.connect() as conn:
            async for partition in rows.streak_rows(conn, guild_id, users):
                for user_id, current, freezes, last_day, zone in partition:
                    found[int(user_id)] = cached_live_streak(
                        current, freezes, last_day, today(zone)
                    )
                await asyncio.sleep(0)
        return found

    async def _guild_today(self, guild_id: int) -> date:
        settings = await self.guilds.settings(guild_id)
        return local_date(self.core.clock.now(), resolve_zone(None, settings.timezone))

    async def check_guild(self, guild_id: int, users: Collection[int] | None = None) -> int:
        """Give every working reward of the guild to the members (all, or `users`) who reach
        it and do not have it yet. Returns how many roles were given."""
        rewards = [reward for reward in await self.rewards(guild_id) if reward.broken is None]
        if not rewards:
            return 0
        today = await self._guild_today(guild_id)
        values = await self._values(guild_id, {r.kind for r in rewards}, users, today)
        async with self.core.store.connect() as conn:
            departed = await rows.departed(conn, guild_id)
        given = 0
        for reward in rewards:
            period = rules.period(reward.kind, today)
            async with self.core.store.connect() as conn:
                skip = departed | await rows.granted(conn, reward.id, period, users)
            due = rules.qualifying(reward.kind, reward.threshold, values[reward.kind], skip)
            if users is not None:
                due = [user for user in due if user in users]
            given += await self._give(reward, due, period)
        return given

    async def _give(self, reward: Reward, users: list[int], period: str) -> int:
        if not users:
            return 0
        problem = self.roles.problem(reward.guild_id, reward.role_id)
        if problem is not None:
            await self._broken(reward, problem)
            return 0
        given = 0
        for user_id in users:
            try:
                await self.roles.change(
                    reward.guild_id, user_id, reward.role_id, give=True, reason=AUDIT_REASON
                )
            except RoleChangeFailed as failure:
                if failure.member_gone:
                    continue
                if failure.permanent:
                    await self._broken(reward, failure.reason)
                else:
                    log.warning("reward %s: %s; retrying later", reward.id, failure.reason)
                return given
            async with self.core.store.begin() as conn:
                await rows.add_grant(
                    conn, reward.guild_id, user_id, reward.id, period, self.core.clock.now()
                )
            given += 1
        return given

    async def month_end(self, guild_id: int) -> int:
        """Take back the monthly rewards of months that ended (guild local time). Returns
        how many roles were taken back."""
        period = rules.period("month_hours", await self._guild_today(guild_id))
        async with self.core.store.connect() as conn:
            stale = await rows.stale_grants(conn, guild_id, period)
        taken = 0
        for grant in stale:
            if grant["broken"] is not None:
                continue
            reward = await self._reward(guild_id, grant["reward_id"])
            problem = self.roles.problem(guild_id, grant["role_id"])
            if problem is not None:
                await self._broken(reward, problem)
                continue
            try:
                await self.roles.change(
                    guild_id, grant["user_id"], grant["role_id"], give=False, reason=AUDIT_REASON
                )
            except RoleChangeFailed as failure:
                if not failure.member_gone:
                    if failure.permanent:
                        await self._broken(reward, failure.reason)
                    return taken
            async with self.core.store.begin() as conn:
                await rows.mark_removed(conn, grant["id"], self.core.clock.now())
            taken += 1
        return taken

    async def _reward(self, guild_id: int, reward_id: int) -> Reward:
        async with self.core.store.connect() as conn:
            row = await rows.get(conn, guild_id, reward_id)
        assert row is not None
        return Reward.from_row(row)

    async def _broken(self, reward: Reward, reason: str) -> None:
        """Mark the reward broken and tell moderators, once."""
        async with self.core.store.begin() as conn:
            newly = await rows.set_broken(conn, reward.id, reason, self.core.clock.now())
        if not newly:
            return
        log.warning(
            "guild %s: role reward %s cannot be given: %s", reward.guild_id, reward.id, reason
        )
        if not await self.guilds.mark_broken(reward.guild_id, rules.setting_key(reward.id), reason):
            return
        channel_id = self.core.deliverer.system_channel_id(reward.guild_id)
        if channel_id is None:
            return
        try:
            await self.core.deliverer.to_channel(
                channel_id, embed=self.renderer.broken_notice(reward, reason)
            )
        except DeliveryFailed:
            log.info(
                "guild %s: could not tell moderators about reward %s", reward.guild_id, reward.id
            )
