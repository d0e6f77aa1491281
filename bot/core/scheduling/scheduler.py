"""A thin wrapper over APScheduler 3's AsyncIOScheduler.

Only a handful of jobs live here (per guild: the daily prompt, the weekly accountability
post, the question of the day; globally: the dispatcher tick and the pitfall sweep). Every
job has a fixed id, `replace_existing`, an explicit misfire grace, `coalesce` and
`max_instances=1`. The memory job store is rebuilt from the database at start, so nothing is
pickled.

Tests and the sandbox run the scheduler *paused* with a FakeClock and call `advance_to()`,
which walks the real triggers (CronTrigger in the guild's zone, DST included) and runs each
job at its fire time in order — no sleeping, no wall clock.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.core.clock import Clock, FakeClock

log = logging.getLogger(__name__)

JobFunc = Callable[[], Awaitable[object]]
WakeSource = Callable[[], Awaitable[datetime | None]]

CRON_GRACE_SECONDS = 15 * 60
TICK_GRACE_SECONDS = 60
MAX_SIMULATED_RUNS = 20_000


@dataclass
class JobSpec:
    id: str
    func: JobFunc
    trigger: BaseTrigger
    simulate: bool  # interval jobs are woken by their wake source instead of every interval
    wake: WakeSource | None = None
    interval: float = 0.0
    last_fire: datetime | None = None  # for simulation: APScheduler passes it to the trigger
    # For simulation: this job's fires after this instant are still to run. Kept per job so
    # that several jobs due at the same instant all run.
    after: datetime | None = None


@dataclass(frozen=True)
class JobInfo:
    id: str
    next_run: datetime | None


class SchedulerService:
    def __init__(self, clock: Clock, *, paused: bool = False) -> None:
        self.clock = clock
        self.paused = paused
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._jobs: dict[str, JobSpec] = {}
        self._cursor: datetime | None = None

    def start(self) -> None:
        if not self.scheduler.running:
            self.scheduler.start(paused=self.paused)
        self._cursor = self.clock.now()

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def add_cron(
        self,
        job_id: str,
        func: JobFunc,
        *,
        hour: int,
        minute: int,
        day_of_week: str,
        timezone: ZoneInfo,
        grace_seconds: int = CRON_GRACE_SECONDS,
    ) -> None:
        trigger = CronTrigger(hour=hour, minute=minute, day_of_week=day_of_week, timezone=timezone)
        self._add(JobSpec(job_id, func, trigger, simulate=True), grace_seconds)

    def add_interval(
        self,
        job_id: str,
        func: JobFunc,
        *,
        seconds: float,
        wake: WakeSource | None = None,
        grace_seconds: int = TICK_GRACE_SECONDS,
    ) -> None:
        trigger = IntervalTrigger(seconds=seconds, timezone=UTC)
        spec = JobSpec(job_id, func, trigger, simulate=False, wake=wake, interval=seconds)
        self._add(spec, grace_seconds)

    def jump_to(self, instant: datetime) -> None:
        """Move a FakeClock without running what falls due in between (tests skip months)."""
        if not isinstance(self.clock, FakeClock):
            raise RuntimeError("jump_to needs a FakeClock")
        self.clock.set(instant)
        self._cursor = instant
        for spec in self._jobs.values():
            spec.last_fire = None
            spec.after = instant

    def _add(self, spec: JobSpec, grace_seconds: int) -> None:
        spec.after = self._cursor or self.clock.now()
        self._jobs[spec.id] = spec
        self.scheduler.add_job(
            spec.func,
            trigger=spec.trigger,
            id=spec.id,
            name=spec.id,
            replace_existing=True,
            misfire_grace_time=grace_seconds,
            coalesce=True,
            max_instances=1,
        )
        log.debug("scheduled job %s", spec.id)

    def remove(self, job_id: str) -> None:
        self._jobs.pop(job_id, None)
        if self.scheduler.get_job(job_id) is not None:
            self.scheduler.remove_job(job_id)

    def has_job(self, job_id: str) -> bool:
        return job_id in self._jobs

    def jobs(self) -> list[JobInfo]:
        now = self.clock.now()
        return [
            JobInfo(job_id, spec.trigger.get_next_fire_time(None, now))
            for job_id, spec in sorted(self._jobs.items())
        ]

    async def run_job(self, job_id: str) -> None:
        await self._jobs[job_id].func()

    async def _next_event(self, cursor: datetime) -> tuple[datetime, JobSpec] | None:
        best: tuple[datetime, JobSpec] | None = None
        for spec in list(self._jobs.values()):
            when: datetime | None
            if spec.simulate:
                when = self._next_cron(spec, (spec.after or cursor).astimezone(UTC))
            elif spec.wake is not None:
                when = await spec.wake()
                if when is not None and when <= cursor:
                    # Still due after the last run (e.g. a retry): the next tick serves it.
                    when = cursor + timedelta(seconds=spec.interval)
            else:
                when = None
            if when is not None and (best is None or when < best[0]):
                best = (when, spec)
        return best

    @staticmethod
    def _next_cron(spec: JobSpec, cursor: datetime) -> datetime | None:
        """The trigger's next fire after `cursor`, asked the way APScheduler asks it.

        Around DST changes a cron trigger can answer with an instant at or before `now`
        (the double fire of a fall-back night); step past it rather than loop.
        """
        probe = cursor + timedelta(microseconds=1)
        for _ in range(4):
            when: datetime | None = spec.trigger.get_next_fire_time(spec.last_fire, probe)
            if when is None:
                return None
            # Compare in UTC: datetimes sharing one ZoneInfo compare by wall time, which
            # would make the two 02:30s of a fall-back night look equal.
            when = when.astimezone(UTC)
            if when > cursor:
                return when
            probe += timedelta(minutes=30)
        return None

    async def advance_to(self, target: datetime) -> int:
        """Move a FakeClock to `target`, running every job that falls due on the way."""
        if not isinstance(self.clock, FakeClock):
            raise RuntimeError("advance_to needs a FakeClock")
        cursor = self._cursor or self.clock.now()
        runs = 0
        while runs < MAX_SIMULATED_RUNS:
            event = await self._next_event(cursor)
            if event is None or event[0] > target:
                break
            when, spec = event
            if when > self.clock.now():
                self.clock.set(when)
            cursor = when
            self._cursor = cursor
            spec.last_fire = when
            spec.after = when
            await spec.func()
            runs += 1
        if target > self.clock.now():
            self.clock.set(target)
        self._cursor = max(cursor, target)
        return runs

    async def advance(self, delta: timedelta) -> int:
        return await self.advance_to(self.clock.now() + delta)
