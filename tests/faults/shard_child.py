"""Child process for the multi-process shard tests: the real bot, one shard process, against
the parent's fake Discord and a shared database.

Usage: python shard_child.py MODE API_BASE GATEWAY_URL DATABASE_URL GUILD_IDS_CSV
       CHANNEL_IDS_CSV SHARD_IDS_CSV SHARD_COUNT INSTANCE_NAME
MODE "setup": configure each guild (Berlin time, daily channel, 09:00) without connecting.
MODE "run": connect as shards SHARD_IDS of SHARD_COUNT; the catch-up at start posts the missed
prompt of each guild on those shards; "CATCHUP-DONE" is printed when it returned. A shard
another process runs: "REFUSED" and exit code 7, as `studybot run` exits.
MODE "die-after-post-N": as "run", but the process dies (os._exit, as a SIGKILL would end it)
right after Discord accepted its N-th post, before the ledger records it.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime
from typing import Any

import discord.gateway
import discord.http
import yarl

from bot import testing
from bot.core.store.locks import ShardsTaken
from bot.ops.exits import EXIT_RUNNING

NOW = datetime(2026, 3, 2, 8, 0, 5, tzinfo=UTC)  # 09:00:05 in Berlin


async def main() -> int:
    mode, api, gateway, database_url, guilds_csv, channels_csv = sys.argv[1:7]
    shard_ids, shard_count, instance = sys.argv[7], int(sys.argv[8]), sys.argv[9]
    settings = testing.settings(
        database_url=database_url,
        send_rate_per_second=8,  # the whole bot's budget: 4/s for each of the two processes
        send_burst=1,
        shard_count=shard_count,
        shard_ids=shard_ids,
        instance_name=instance,
    )
    bot = testing.build_bot(settings, testing.FakeClock(NOW))
    if mode == "setup":
        await bot.prepare()
        guild_ids = [int(g) for g in guilds_csv.split(",")]
        channel_ids = [int(c) for c in channels_csv.split(",")]
        for guild_id, channel_id in zip(guild_ids, channel_ids, strict=True):
            await bot.services.guilds.set_timezone(guild_id, "Europe/Berlin")
            await bot.services.guilds.set_channels(guild_id, {"daily": channel_id})
            await bot.services.posts["daily"].configure(guild_id, post_time="09:00")
        await bot.store.close()
        print("SETUP-DONE", flush=True)
        return 0
    discord.http.Route.BASE = api
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    try:
        await bot.login("shard.test.token")
    except ShardsTaken:
        print("REFUSED", flush=True)
        await bot.close()
        return EXIT_RUNNING
    if mode.startswith("die-after-post-"):
        die_after(bot, int(mode.rsplit("-", 1)[1]))
    runner = asyncio.create_task(bot.connect(reconnect=False))
    await bot.wait_until_ready()
    await bot.services.daily.start()
    print("CATCHUP-DONE", flush=True)
    await runner
    return 0


def die_after(bot: Any, posts: int) -> None:
    deliverer = bot.services.core.deliverer
    real = deliverer.to_channel
    accepted = 0

    async def post_then_maybe_die(channel_id: int, **options: Any) -> Any:
        nonlocal accepted
        sent = await real(channel_id, **options)
        accepted += 1
        if accepted == posts:
            print(f"DIED-AFTER {channel_id}", flush=True)
            os._exit(9)
        return sent

    deliverer.to_channel = post_then_maybe_die


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
