"""Moving a FakeClock through the scheduler's real triggers, for tests and the sandbox.

`SimulatedScheduler` holds the same jobs as the production `SchedulerService` (APScheduler is
started paused), and `advance_to()` walks each job's real trigger (CronTrigger in the guild's
zone, DST included) and runs each job at its fire time in order — no sleeping, no wall clock.
Interval jobs (the dispatcher tick) are woken by their wake source instead of every interval.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.core.clock import FakeClock
from bot.core.scheduling.scheduler import JobSpec, SchedulerService

MAX_SIMULATED_RUNS = 20_000
#: Trigger answers computed between yields to the event loop. The first event after start
#: computes every job's (1,506 on a 500-guild shard, ~100 ms of APScheduler's arithmetic);
#: in one go that held the loop of the bot it simulates for as long (`bench_many`'s stall
#: sampler). 100 answers take a few ms.
TRIGGERS_PER_YIELD = 100


class SimulatedScheduler(SchedulerService):
    paused = True

    def __init__(self, clock: FakeClock) -> None:
        super().__init__(clock)
        self.fake_clock = clock
        self._cursor: datetime | None = None
        # Each cron job's next fire, with what it was computed from (after, last fire,
        # trigger): a fire moves one job, so the others' answers stay valid. Without it every
        # event asked every trigger again — with 1,500 jobs (500 guilds x 3) a simulated day
        # spent minutes, and blocked the loop, in APScheduler's trigger arithmetic.
        self._next: dict[str, tuple[datetime, datetime | None, object, datetime | None]] = {}

    def start(self) -> None:
        super().start()
        self._cursor = self.clock.now()

    def _add(self, spec: JobSpec, grace_seconds: int) -> None:
        spec.after = self._cursor or self.clock.now()
        super()._add(spec, grace_seconds)

    def jump_to(self, instant: datetime) -> None:
        """Move a FakeClock without running what falls due in between (tests skip months)."""
        self.fake_clock.set(instant)
        self._cursor = instant
        for spec in self._jobs.values():
            spec.last_fire = None
            spec.after = instant

    async def _next_event(self, cursor: datetime) -> tuple[datetime, JobSpec] | None:
        best: tuple[datetime, JobSpec] | None = None
        computed = 0
        for spec in list(self._jobs.values()):
            when: datetime | None
            if spec.simulate:
                after = (spec.after or cursor).astimezone(UTC)
                known, when = self._known_next_cron(spec, after)
                if not known:
                    computed += 1
                    if computed % TRIGGERS_PER_YIELD == 0:
                        await asyncio.sleep(0)
                    when = self._next_cron(spec, after)
                    self._next[spec.id] = (after, spec.last_fire, spec.trigger, when)
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

    def _known_next_cron(self, spec: JobSpec, after: datetime) -> tuple[bool, datetime | None]:
        """(True, the job's next fire) when computed earlier from the same inputs."""
        cached = self._next.get(spec.id)
        if (
            cached is not None
            and cached[0] == after
            and cached[1] == spec.last_fire
            and cached[2] is spec.trigger
        ):
            return True, cached[3]
        return False, None

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
        cursor = self._cursor or self.clock.now()
        runs = 0
        while runs < MAX_SIMULATED_RUNS:
            event = await self._next_event(cursor)
            if event is None or event[0] > target:
                break
            when, spec = event
            if when > self.clock.now():
                self.fake_clock.set(when)
            cursor = when
            self._cursor = cursor
            spec.last_fire = when
            spec.after = when
            await spec.func()
            runs += 1
        if target > self.clock.now():
            self.fake_clock.set(target)
        self._cursor = max(cursor, target)
        return runs

    async def advance(self, delta: timedelta) -> int:
        """Move the clock by `delta`, running every job that falls due on the way."""
        return await self.advance_to(self.clock.now() + delta)
