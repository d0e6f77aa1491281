"""Two bot processes on one PostgreSQL database and one fake Discord, shards [0] and [1] of 2.

Each process posts the daily prompt of the guilds on its own shard, exactly once; a process
killed mid-round and restarted catches up its own guilds once and touches nothing of the
other's; a process started while the other is mid-round steals nothing; a second process on a
running shard is refused. On SQLite one process runs per file (tests/ops: the file lock), so
these run in the PostgreSQL pass of `.ci/run`.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.core.shards import shard_of
from bot.core.store import Store
from bot.core.store.schema import deliveries
from bot.ops.exits import EXIT_RUNNING
from bot.sandbox.server import FakeDiscord
from tests.backends import ON_POSTGRES

CHILD = Path(__file__).with_name("shard_child.py")
GUILDS = 20
SHARDS = 2
REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="two bot processes need PostgreSQL (SQLite is one process per file); "
    ".ci/run runs this in its PostgreSQL pass",
)


class World:
    """The fake Discord with 20 guilds, their #daily channels, and the child processes."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self.fake = FakeDiscord()
        self.guilds = [
            self.fake.add_guild(f"Guild {i}", ("general", "daily")) for i in range(GUILDS)
        ]
        self.channel_of = {
            g.id: next(c.id for c in g.channels.values() if c.name == "daily") for g in self.guilds
        }
        self.children: list[asyncio.subprocess.Process] = []

    def on_shard(self, shard: int) -> list[int]:
        return [g.id for g in self.guilds if shard_of(g.id, SHARDS) == shard]

    async def spawn(self, mode: str, shard: int) -> asyncio.subprocess.Process:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            str(CHILD),
            mode,
            self.fake.api_base,
            self.fake.gateway_url,
            self.db_url,
            ",".join(str(g.id) for g in self.guilds),
            ",".join(str(self.channel_of[g.id]) for g in self.guilds),
            str(shard),
            str(SHARDS),
            f"shard-{shard}",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
            cwd=REPO,
        )
        self.children.append(child)
        return child

    def posts(self, guild_ids: list[int]) -> dict[int, int]:
        """Daily posts (messages with an embed) per guild."""
        channels = {self.channel_of[g]: g for g in guild_ids}
        counts = dict.fromkeys(guild_ids, 0)
        for message in self.fake.messages.values():
            guild = channels.get(message.channel_id)
            if guild is not None and message.embeds and not message.deleted:
                counts[guild] += 1
        return counts

    def posted(self, guild_ids: list[int]) -> int:
        return sum(1 for count in self.posts(guild_ids).values() if count)

    async def until(self, predicate: Callable[[], bool], within: float, what: str) -> None:
        """Event-driven: re-checked whenever the fake's state changes, bounded by `within`."""
        await self.fake.wait_for(predicate, within, what)

    async def ledger(self) -> dict[int, tuple[str, str | None, int]]:
        """Per guild: (status, owner, attempts) of its daily post's delivery."""
        store = Store(self.db_url)
        try:
            async with store.connect() as conn:
                rows = await conn.execute(
                    select(
                        deliveries.c.guild_id,
                        deliveries.c.status,
                        deliveries.c.owner,
                        deliveries.c.attempts,
                    ).where(deliveries.c.kind == "daily")
                )
                return {int(g): (str(s), o, int(a)) for g, s, o, a in rows}
        finally:
            await store.close()

    async def close(self) -> None:
        for child in self.children:
            if child.returncode is None:
                child.send_signal(signal.SIGKILL)
                await child.wait()
        await self.fake.close()


async def started(child: asyncio.subprocess.Process) -> None:
    assert child.stdout is not None
    line = await asyncio.wait_for(child.stdout.readline(), 180)
    if b"CATCHUP-DONE" not in line:
        assert child.stderr is not None
        raise AssertionError((line + await child.stderr.read()).decode()[-3000:])


@pytest.fixture
async def world(db_url: str) -> World:
    made = World(db_url)
    await made.fake.start()
    setup = await made.spawn("setup", 0)
    _out, err = await asyncio.wait_for(setup.communicate(), 180)
    assert setup.returncode == 0, err.decode()[-2000:]
    yield made  # type: ignore[misc]
    await made.close()


async def test_each_process_posts_its_own_shards_guilds_exactly_once(world: World) -> None:
    shard0, shard1 = world.on_shard(0), world.on_shard(1)
    assert len(shard0) == len(shard1) == GUILDS // 2  # the fake spreads guilds over shards
    first, second = await world.spawn("run", 0), await world.spawn("run", 1)
    await started(first)
    await started(second)
    await world.until(lambda: world.posted(shard0 + shard1) == GUILDS, 120, "every post")
    assert world.posts(shard0 + shard1) == dict.fromkeys(shard0 + shard1, 1)
    ledger = await world.ledger()
    assert {ledger[g] for g in shard0} == {("sent", "shard-0", 1)}
    assert {ledger[g] for g in shard1} == {("sent", "shard-1", 1)}

    # A second process on a running shard is refused, and changes nothing.
    intruder = await world.spawn("run", 1)
    out, _err = await asyncio.wait_for(intruder.communicate(), 180)
    assert intruder.returncode == EXIT_RUNNING and b"REFUSED" in out
    assert world.posts(shard0 + shard1) == dict.fromkeys(shard0 + shard1, 1)


async def test_a_process_killed_mid_round_catches_up_its_own_guilds_once(world: World) -> None:
    shard0, shard1 = world.on_shard(0), world.on_shard(1)
    second = await world.spawn("run", 1)
    # Shard 1 sends at 4/s: kill it part-way through its ten posts.
    await world.until(lambda: world.posted(shard1) >= 3, 120, "some of shard 1's posts")
    # Started while shard 1 is mid-round, shard 0's process takes nothing of shard 1's.
    first = await world.spawn("run", 0)
    second.send_signal(signal.SIGKILL)
    await second.wait()
    before = world.posted(shard1)
    assert 3 <= before < len(shard1), "shard 1's process should have died part-way"
    await started(first)
    await world.until(lambda: world.posted(shard0) == len(shard0), 120, "shard 0's posts")
    ledger = await world.ledger()
    assert all(ledger[g][1] == "shard-1" for g in shard1 if g in ledger)  # nothing stolen
    assert world.posted(shard1) == before  # shard 0's process posted none of them

    restarted = await world.spawn("run", 1)
    await started(restarted)
    await world.until(lambda: world.posted(shard1) == len(shard1), 120, "shard 1's catch-up")
    assert world.posts(shard0 + shard1) == dict.fromkeys(shard0 + shard1, 1)
    ledger = await world.ledger()
    assert {ledger[g][:2] for g in shard0} == {("sent", "shard-0")}
    assert {ledger[g][:2] for g in shard1} == {("sent", "shard-1")}
    assert all(ledger[g][2] == 1 for g in shard0)  # the other process's guilds: untouched


async def test_a_restart_after_the_nonce_window_finds_the_post_instead_of_repeating_it(
    world: World,
) -> None:
    shard0, shard1 = world.on_shard(0), world.on_shard(1)
    other = await world.spawn("run", 0)
    dying = await world.spawn("die-after-post-3", 1)
    assert dying.stdout is not None
    line = await asyncio.wait_for(dying.stdout.readline(), 180)
    assert line.startswith(b"DIED-AFTER"), line
    await dying.wait()
    lost = int(line.split()[1])  # the channel of the post Discord has and the ledger lacks
    guild = next(g for g in shard1 if world.channel_of[g] == lost)
    assert (await world.ledger())[guild][:2] == ("claimed", "shard-1")
    # Much later than Discord's nonce window: the nonce no longer protects the resend.
    world.fake.advance_time(world.fake.nonce_window_seconds + 60)
    await started(other)
    restarted = await world.spawn("run", 1)
    await started(restarted)
    await world.until(lambda: world.posted(shard1) == len(shard1), 120, "shard 1's catch-up")
    assert world.posts(shard0 + shard1) == dict.fromkeys(shard0 + shard1, 1)
    ledger = await world.ledger()
    assert ledger[guild] == ("sent", "shard-1", 2)  # the second attempt found the first post
