"""The simulated scheduler asks each cron trigger again only when that job moved.

A simulated day of many guilds has thousands of cron jobs; asking every trigger for its next
fire at every event made the simulation quadratic. Each job's next fire is kept with what it
was computed from, so a job re-added with a new trigger (a schedule change) is asked afresh.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.clock import FakeClock
from bot.core.scheduling.simulation import TRIGGERS_PER_YIELD, SimulatedScheduler

START = datetime(2026, 3, 3, 0, 0, tzinfo=UTC)
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "Pacific/Auckland")


class Counted:
    """A trigger that records each time the simulation asks it for a fire."""

    def __init__(self, trigger: Any, job_id: str, asked: list[str]) -> None:
        self.trigger, self.job_id, self.asked = trigger, job_id, asked

    def get_next_fire_time(self, *args: Any) -> Any:
        self.asked.append(self.job_id)
        return self.trigger.get_next_fire_time(*args)


def _counting(scheduler: SimulatedScheduler, asked: list[str]) -> None:
    for spec in scheduler._jobs.values():
        spec.trigger = Counted(spec.trigger, spec.id, asked)  # type: ignore[assignment]


def _add(
    scheduler: SimulatedScheduler, job_id: str, zone: str, hour: int, fired: list[Any]
) -> None:
    async def job() -> None:
        fired.append((job_id, scheduler.clock.now()))

    scheduler.add_cron(
        job_id, job, hour=hour, minute=0, day_of_week="mon-sun", timezone=ZoneInfo(zone)
    )


async def test_a_day_of_many_jobs_asks_each_trigger_once_per_fire() -> None:
    scheduler = SimulatedScheduler(FakeClock(START))
    scheduler.start()
    fired: list[Any] = []
    for index in range(40):
        _add(scheduler, f"job:{index}", ZONES[index % len(ZONES)], 6 + index % 12, fired)
    asked: list[str] = []
    _counting(scheduler, asked)
    runs = await scheduler.advance(timedelta(days=1))
    assert runs == 40 and sorted(j for j, _ in fired) == sorted(f"job:{i}" for i in range(40))
    # Once at the start, once after its fire (the next day's), per job; not once per event.
    assert len(asked) <= 2 * 40 + 10
    scheduler.shutdown()


async def test_a_job_re_added_with_a_new_time_fires_at_the_new_time() -> None:
    scheduler = SimulatedScheduler(FakeClock(START))
    scheduler.start()
    fired: list[Any] = []
    _add(scheduler, "daily:1", "UTC", 9, fired)
    _add(scheduler, "daily:2", "UTC", 8, fired)
    await scheduler.advance(timedelta(hours=8, minutes=30))  # daily:2 fired, daily:1 cached
    _add(scheduler, "daily:1", "UTC", 10, fired)  # moved from 09:00 to 10:00
    await scheduler.advance(timedelta(hours=2))
    assert fired == [
        ("daily:2", START + timedelta(hours=8)),
        ("daily:1", START + timedelta(hours=10)),
    ]
    scheduler.shutdown()


async def test_asking_every_trigger_at_once_yields_to_the_loop_between_hundreds() -> None:
    """The first event after start asks every job's trigger (1,506 on a 500-guild shard):
    the bot it simulates serves its members meanwhile, not after."""
    scheduler = SimulatedScheduler(FakeClock(START))
    scheduler.start()
    fired: list[Any] = []
    jobs = 3 * TRIGGERS_PER_YIELD + 1
    for index in range(jobs):
        _add(scheduler, f"job:{index}", ZONES[index % len(ZONES)], 6 + index % 12, fired)
    asked: list[str] = []
    _counting(scheduler, asked)
    seen_between: list[int] = []

    async def member() -> None:
        while True:
            seen_between.append(len(asked))
            await asyncio.sleep(0)

    serving = asyncio.create_task(member())
    await asyncio.sleep(0)
    await scheduler.advance(timedelta(hours=1))  # nothing fires: only the first asking
    serving.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await serving
    assert len(asked) == jobs
    # The member's task ran while the triggers were asked, after each hundred of them.
    assert {TRIGGERS_PER_YIELD - 1, 2 * TRIGGERS_PER_YIELD - 1} <= set(seen_between)
    assert fired == []
    scheduler.shutdown()
