"""SIGKILL in the middle of a round of scheduled posts, restart on the same database:
every due post goes out exactly once and the database is intact."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.core.store import Store
from bot.core.store.schema import deliveries
from bot.sandbox.server import FakeDiscord

CHILD = Path(__file__).with_name("crash_child.py")
GUILDS = 12
REPO = Path(__file__).resolve().parents[2]


def _posts(fake: FakeDiscord, channel_ids: set[int]) -> dict[int, int]:
    counts = dict.fromkeys(channel_ids, 0)
    for message in fake.messages.values():
        if message.channel_id in channel_ids and message.embeds and not message.deleted:
            counts[message.channel_id] += 1
    return counts


async def _spawn(*args: str) -> asyncio.subprocess.Process:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(CHILD),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=REPO,
    )


async def _wait_for(fake: FakeDiscord, predicate: Callable[[], bool], within: float) -> bool:
    """Event-driven: re-checked whenever the fake's state changes, bounded by `within`."""
    try:
        await fake.wait_for(predicate, within, "posts")
    except TimeoutError:
        return False
    return True


async def _statuses(database_url: str) -> dict[str, int]:
    store = Store(database_url)
    try:
        async with store.connect() as conn:
            rows = await conn.execute(
                select(deliveries.c.status, func.count()).group_by(deliveries.c.status)
            )
            return {str(status): int(count) for status, count in rows}
    finally:
        await store.close()


async def test_sigkill_mid_round_then_restart_posts_each_once(db_url: str) -> None:
    fake = FakeDiscord()
    guilds = [fake.add_guild(f"Guild {i}", ("general", "daily")) for i in range(GUILDS)]
    channels = [next(c.id for c in g.channels.values() if c.name == "daily") for g in guilds]
    await fake.start()
    common = [
        fake.api_base,
        fake.gateway_url,
        db_url,
        ",".join(str(g.id) for g in guilds),
        ",".join(str(c) for c in channels),
    ]
    try:
        setup = await _spawn("setup", *common)
        _out, err = await asyncio.wait_for(setup.communicate(), 180)
        assert setup.returncode == 0, err.decode()[-2000:]

        first = await _spawn("run", *common)
        posted_some = await _wait_for(
            fake, lambda: 3 <= sum(_posts(fake, set(channels)).values()) < GUILDS, 60
        )
        first.send_signal(signal.SIGKILL)
        await first.wait()
        assert posted_some, "the first run should have been killed part-way"
        before = sum(_posts(fake, set(channels)).values())
        assert 0 < before < GUILDS

        second = await _spawn("run", *common)
        assert second.stdout is not None
        line = await asyncio.wait_for(second.stdout.readline(), 180)
        assert b"CATCHUP-DONE" in line
        await _wait_for(fake, lambda: sum(_posts(fake, set(channels)).values()) >= GUILDS, 120)
        second.send_signal(signal.SIGKILL)
        await second.wait()

        assert _posts(fake, set(channels)) == dict.fromkeys(channels, 1)
        url = make_url(db_url)
        if url.get_backend_name() == "sqlite":  # PostgreSQL has no integrity_check to ask
            with sqlite3.connect(str(url.database)) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert await _statuses(db_url) == {"sent": GUILDS}
    finally:
        await fake.close()
