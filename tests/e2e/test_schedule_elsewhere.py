"""A schedule changed by another process (the dashboard, another shard's process) reaches
the process that owns the guild through the change feed within seconds, and in any case when
its job fires: the stale fire is refused and the job rebuilt from what is stored."""

from __future__ import annotations

from datetime import UTC, datetime

from bot import testing
from bot.core.scheduling.guild_posts import schedule_changes
from bot.core.store import Store
from bot.sandbox import Sandbox
from tests.e2e.conftest import bot_of
from tests.e2e.test_daily import configure_daily, daily_posts


async def test_a_fire_the_stored_schedule_no_longer_calls_for_is_refused(sb: Sandbox) -> None:
    await configure_daily(sb, "Europe/Berlin", time="09:00")  # 08:00 UTC in March
    bot = bot_of(sb)
    daily = bot.services.posts["daily"]
    # Another process moves the post to 10:00: it writes the database, not this scheduler.
    elsewhere = Store(bot.settings.database_url)
    try:
        async with elsewhere.begin() as conn:
            changes = schedule_changes(post_time="10:00", days=None, enabled=None)
            await daily.schedules.save(conn, sb.guild.id, changes, bot.clock.now())
    finally:
        await elsewhere.close()

    await testing.advance_to(bot, datetime(2026, 3, 2, 8, 30, tzinfo=UTC))  # 09:30 Berlin
    await sb.wait_idle()
    assert daily_posts(sb) == []  # the 09:00 fire was out of date
    await testing.advance_to(bot, datetime(2026, 3, 2, 9, 30, tzinfo=UTC))  # 10:30 Berlin
    await sb.wait_idle()
    [post] = daily_posts(sb)
    prompt = await bot.services.daily.prompt_for_day(sb.guild.id, bot.clock.now().date())
    assert prompt.posted_at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 10:00 Berlin
    assert post.embeds
