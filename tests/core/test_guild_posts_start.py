"""Start-up schedules every guild's post from a few reads, not a few per guild.

A shard process of a bot in 1,000 servers starts 500 guilds' posts; reading each guild's
settings and schedule twice per post kind made start-up take tens of seconds
(benchmarks/bench_many.py). `GuildPost.start` reads all settings and schedules once, and
schedules and catches up each guild from them exactly as `sync` and `catch_up` would.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event, insert, select

from bot import testing
from bot.core.store.schema import deliveries

NOW = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)  # before today's 09:00 UTC post
GUILDS = [(index + 1) << 22 | 5 for index in range(12)]
ZONES = ("UTC", "Asia/Tokyo", "America/Chicago")


async def test_start_reads_settings_and_schedules_once_and_schedules_every_guild(
    db_url: str,
) -> None:
    bot = testing.build_bot(testing.settings(database_url=db_url), testing.FakeClock(NOW))
    await bot.prepare()
    try:
        services = testing.services(bot)
        for index, guild_id in enumerate(GUILDS):
            await services.guilds.set_timezone(guild_id, ZONES[index % len(ZONES)])
            await services.guilds.set_channels(guild_id, {"daily": 1000 + index})
            await services.posts["daily"].configure(guild_id, post_time=f"{9 + index % 3:02d}:00")
        async with bot.store.begin() as conn:  # the first guild's post went out yesterday
            await conn.execute(
                insert(deliveries).values(
                    key=f"daily:{GUILDS[0]}:2026-03-02",
                    guild_id=GUILDS[0],
                    kind="daily",
                    status="sent",
                    created_at=NOW,
                    attempts=1,
                )
            )
        services.core.scheduler.shutdown()
        for guild_id in GUILDS:
            services.core.scheduler.remove(f"daily:{guild_id}")
        reads: list[str] = []

        def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            lowered = statement.lower()
            if lowered.startswith("select") and (
                "from guild_config" in lowered or "from daily_schedule" in lowered
            ):
                reads.append(statement)

        engine = bot.store.engine.sync_engine
        event.listen(engine, "before_cursor_execute", note)
        try:
            await services.posts["daily"].start()
        finally:
            event.remove(engine, "before_cursor_execute", note)
        assert len(reads) <= 3  # was 4 per guild: settings and schedule, for sync and catch-up
        fires = {job.id: job.next_run for job in services.core.scheduler.jobs()}
        for index, guild_id in enumerate(GUILDS):
            fire = fires[f"daily:{guild_id}"]
            assert fire is not None
            assert fire.astimezone(ZoneInfo(ZONES[index % len(ZONES)])).hour == 9 + index % 3
        # The catch-up ran for each guild too: yesterday's post, missed beyond the grace,
        # except where the ledger has it already.
        async with bot.store.connect() as conn:
            rows = (await conn.execute(select(deliveries.c.guild_id, deliveries.c.status))).all()
        assert sorted(rows) == [(GUILDS[0], "sent")] + [(g, "skipped") for g in GUILDS[1:]]
    finally:
        await bot.store.close()  # prepared, never connected: nothing else to close
