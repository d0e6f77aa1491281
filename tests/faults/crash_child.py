"""Child process for the crash test: the real bot against the parent's fake Discord.

Usage: python crash_child.py MODE API_BASE GATEWAY_URL DATABASE_URL GUILD_IDS_CSV CHANNEL_IDS_CSV
MODE "setup": configure each guild (Berlin time, daily channel, 09:00) without connecting.
MODE "run": connect; the daily catch-up at start posts every guild's missed prompt. A second
catch-up runs concurrently on purpose; when it returns, "CATCHUP-DONE" is printed.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime

import discord.gateway
import discord.http
import yarl

from bot import testing

NOW = datetime(2026, 3, 2, 8, 0, 5, tzinfo=UTC)  # 09:00:05 in Berlin


async def main() -> None:
    mode, api, gateway, database_url, guilds_csv, channels_csv = sys.argv[1:7]
    guild_ids = [int(g) for g in guilds_csv.split(",")]
    channel_ids = [int(c) for c in channels_csv.split(",")]
    settings = testing.settings(
        database_url=database_url,
        send_rate_per_second=4,
        send_burst=1,
    )
    bot = testing.build_bot(settings, testing.FakeClock(NOW))
    if mode == "setup":
        await bot.prepare()
        for guild_id, channel_id in zip(guild_ids, channel_ids, strict=True):
            await bot.services.guilds.set_timezone(guild_id, "Europe/Berlin")
            await bot.services.guilds.set_channels(guild_id, {"daily": channel_id})
            await bot.services.posts["daily"].configure(guild_id, post_time="09:00")
        await bot.store.close()
        print("SETUP-DONE", flush=True)
        return
    discord.http.Route.BASE = api
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    await bot.login("crash.test.token")
    runner = asyncio.create_task(bot.connect(reconnect=False))
    await bot.wait_until_ready()
    await bot.services.daily.start()
    print("CATCHUP-DONE", flush=True)
    await runner


if __name__ == "__main__":
    asyncio.run(main())
