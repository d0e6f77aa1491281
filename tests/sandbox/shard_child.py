"""Child process for the multi-process shard test: a bare discord.py client for one shard,
pointed at the parent's fake Discord by environment (`fake.environment()`).

Usage: python shard_child.py SHARD_ID SHARD_COUNT
Prints "READY <guild ids, comma-separated>" once ready, then stays connected until stdin
closes (the parent says when to stop).
"""

from __future__ import annotations

import asyncio
import sys

import discord

from bot.sandbox import discord_pointed_at_env


async def main() -> None:
    shard_id, shard_count = int(sys.argv[1]), int(sys.argv[2])
    with discord_pointed_at_env():
        client = discord.Client(
            intents=discord.Intents.none(),
            shard_id=shard_id,
            shard_count=shard_count,
            guild_ready_timeout=0.01,
        )
        async with client:
            await client.login("child.token")
            runner = asyncio.create_task(client.connect(reconnect=False))
            await client.wait_until_ready()
            ids = ",".join(str(guild.id) for guild in client.guilds)
            print(f"READY {ids}", flush=True)
            await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
            await client.close()
            await runner


if __name__ == "__main__":
    asyncio.run(main())
