"""`/setup health`: jobs, the last tick and sweep, recent deliveries, broken settings.

One report from the scheduler's jobs, the last dispatcher tick and pitfall sweep, the
deliveries of the last 24 hours and the guild's broken settings.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from datetime import datetime
from typing import Protocol

from bot.core.runtime import Core
from bot.core.store import deliveries as ledger
from bot.health.rules import DELIVERY_WINDOW, is_guild_job
from bot.members.api import GuildService


class SweepTimes(Protocol):
    """When the pitfall sweep last ran and how long it took (the pitfalls service)."""

    @property
    def last_sweep_at(self) -> datetime | None:
        """When the last sweep finished (None before the first)."""

    @property
    def last_sweep_seconds(self) -> float | None:
        """How long the last sweep took."""


@dataclass(frozen=True)
class HealthReport:
    """What `/setup health` shows."""

    jobs: list[tuple[str, datetime | None]]
    last_tick: datetime | None
    last_sweep: datetime | None
    last_sweep_seconds: float | None
    deliveries_24h: dict[str, int]
    broken: dict[str, str]


@dataclass(eq=False)
class HealthService:
    """Builds a guild's health report from the scheduler, dispatcher, ledger and settings."""

    core: Core
    _: KW_ONLY
    guilds: GuildService
    sweeps: SweepTimes

    async def report(self, guild_id: int) -> HealthReport:
        """Jobs, the last sweep and tick, deliveries of the last 24 hours, broken settings."""
        now = self.core.clock.now()
        jobs = [
            (job.id, job.next_run)
            for job in self.core.scheduler.jobs()
            if is_guild_job(job.id, guild_id)
        ]
        async with self.core.store.connect() as conn:
            counts = await ledger.counts_since(conn, guild_id, now - DELIVERY_WINDOW)
        settings = await self.guilds.settings(guild_id)
        return HealthReport(
            jobs=jobs,
            last_tick=self.core.dispatcher.last_tick,
            last_sweep=self.sweeps.last_sweep_at,
            last_sweep_seconds=self.sweeps.last_sweep_seconds,
            deliveries_24h=counts,
            broken=dict(settings.broken),
        )
