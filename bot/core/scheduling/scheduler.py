"""A thin wrapper over APScheduler 3's AsyncIOScheduler.

Only a handful of jobs live here (per guild: the daily prompt, the weekly accountability
post, the question of the day; globally: the dispatcher tick and the pitfall sweep). Every
job has a fixed id, `replace_existing`, an explicit misfire grace, `coalesce` and
`max_instances=1`. The memory job store is rebuilt from the database at start, so nothing is
pickled.

With a FakeClock (tests, the sandbox, benchmarks) the wiring builds the `SimulatedScheduler`
of `bot.core.scheduling.simulation` instead: same jobs, APScheduler paused, and time moved
by hand through the real triggers.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.core.clock import Clock
from bot.core.records import frozen

log = logging.getLogger(__name__)

JobFunc = Callable[[], Awaitable[object]]
WakeSource = Callable[[], Awaitable[datetime | None]]

CRON_GRACE_SECONDS = 15 * 60
TICK_GRACE_SECONDS = 60


@dataclass
class JobSpec:
    id: str
    func: JobFunc
    trigger: BaseTrigger
    simulate: bool  # interval jobs are woken by their wake source instead of every interval
    wake: WakeSource | None = None
    interval: float = 0.0
    # For the simulation (bot.core.scheduling.simulation): the last fire, which APScheduler
    # passes to the trigger, and the instant after which this job's fires are still to run
    # (kept per job so that several jobs due at the same instant all run).
    last_fire: datetime | None = None
    after: datetime | None = None


@frozen
class JobInfo:
    id: str
    next_run: datetime | None


class SchedulerService:
    #: A simulation keeps APScheduler paused and runs jobs itself.
    paused = False

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._jobs: dict[str, JobSpec] = {}
        self._crons: dict[tuple[int, int, str, ZoneInfo], CronTrigger] = {}

    def start(self) -> None:
        if not self.scheduler.running:
            self.scheduler.start(paused=self.paused)

    @property
    def running(self) -> bool:
        """Started and not shut down (a simulation counts as running while paused)."""
        return bool(self.scheduler.running)

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
        key = (hour, minute, day_of_week, timezone)
        trigger = self._crons.get(key)
        if trigger is None:
            # A trigger holds no state between fires, so jobs of the same time and zone
            # share one: 1,500 guild jobs at start-up built 1,500 (about 1 s) otherwise.
            trigger = CronTrigger(
                hour=hour, minute=minute, day_of_week=day_of_week, timezone=timezone
            )
            self._crons[key] = trigger
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

    def _add(self, spec: JobSpec, grace_seconds: int) -> None:
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
