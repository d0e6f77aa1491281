"""`/setup health`: jobs, the last tick and sweep, recent deliveries, broken settings, and
whether each configured channel is usable.

One report from the scheduler's jobs, the last dispatcher tick and pitfall sweep, the
deliveries of the last 24 hours, the guild's broken settings and a live check of its
configured channels (`bot.health.channels`, the same check `studybot doctor` runs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import KW_ONLY, field
from datetime import datetime
from typing import Protocol

import discord

from bot.core.records import frozen, service
from bot.core.runtime import Core
from bot.core.store import deliveries as ledger
from bot.health.channels import ChannelAudit
from bot.health.rules import DELIVERY_WINDOW, ChannelCheck, is_guild_job
from bot.members.api import GuildService


class SweepTimes(Protocol):
    """When the pitfall sweep last ran and how long it took (the pitfalls service)."""

    @property
    def last_sweep_at(self) -> datetime | None:
        """When the last sweep finished (None before the first)."""

    @property
    def last_sweep_seconds(self) -> float | None:
        """How long the last sweep took."""


class GuildRecheck(Protocol):
    """A feature that marks settings broken and clears them when a check passes again (role
    rewards: the bot may give the role now)."""

    async def recheck(self, guild_id: int) -> None:
        """Clear what works again; runs before the report reads the broken settings."""


@frozen
class HealthReport:
    """What `/setup health` shows."""

    jobs: list[tuple[str, datetime | None]]
    last_tick: datetime | None
    last_sweep: datetime | None
    last_sweep_seconds: float | None
    deliveries_24h: dict[str, int]
    broken: dict[str, str]
    #: Each configured channel, checked now (empty when no guild object was given).
    channels: list[ChannelCheck] = field(default_factory=list)


@service
class HealthService:
    """Builds a guild's health report from the scheduler, dispatcher, ledger and settings."""

    core: Core
    _: KW_ONLY
    guilds: GuildService
    sweeps: SweepTimes
    channels: ChannelAudit
    rechecks: Sequence[GuildRecheck] = ()

    async def report(self, guild_id: int, guild: discord.Guild | None = None) -> HealthReport:
        """Jobs, the last sweep and tick, deliveries of the last 24 hours, broken settings and,
        given the guild (from the gateway cache), a check of each configured channel."""
        now = self.core.clock.now()
        jobs = [
            (job.id, job.next_run)
            for job in self.core.scheduler.jobs()
            if is_guild_job(job.id, guild_id)
        ]
        async with self.core.store.connect() as conn:
            counts = await ledger.counts_since(conn, guild_id, now - DELIVERY_WINDOW)
        for recheck in self.rechecks:
            await recheck.recheck(guild_id)
        settings = await self.guilds.settings(guild_id)
        channels = await self.channels.check_guild(guild) if guild is not None else []
        return HealthReport(
            jobs=jobs,
            last_tick=self.core.dispatcher.last_tick,
            last_sweep=self.sweeps.last_sweep_at,
            last_sweep_seconds=self.sweeps.last_sweep_seconds,
            deliveries_24h=counts,
            broken=dict(settings.broken),
            channels=channels,
        )
