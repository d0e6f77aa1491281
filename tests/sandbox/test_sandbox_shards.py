"""The fake Discord shards as Discord does: guild ids spread over shards, IDENTIFY's `shard`
decides which guilds a session hears about (DMs on shard 0), several clients connect at once
(raw sockets, an `AutoShardedBot`, two bots with a shard each); an invalid shard is closed
with 4010. And `enforce_nonce` de-duplicates only within Discord's window."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import discord
import pytest
from samplebot import SampleBot, ShardedSampleBot

from bot.sandbox import FakeDiscord, Sandbox, discord_pointed_at_env, shard_of
from bot.sandbox.models import FakeGuild, Snowflakes

REPO = Path(__file__).resolve().parents[2]
HANG_GUARD = 10.0  # seconds; a guard against hangs, not a speed check


class RawShard:
    """A bare gateway client: IDENTIFYs (as a shard, if given), keeps every dispatch and
    answers the server's op 1 with its last sequence, as discord.py does."""

    def __init__(self, http: aiohttp.ClientSession, url: str, shard: Any = None) -> None:
        self.http, self.url, self.shard = http, url, shard
        self.dispatches: list[tuple[str, Any]] = []
        self.close_code: int | None = None
        self._seq = 0
        self._reader: asyncio.Task[None] | None = None
        self._received = asyncio.Condition()
        self._ws: aiohttp.ClientWebSocketResponse | None = None

    async def identify(self) -> None:
        self._ws = await self.http.ws_connect(self.url)
        hello = await self._ws.receive_json()
        assert hello["op"] == 10
        d: dict[str, Any] = {"token": "raw.token", "intents": 0, "properties": {}}
        if self.shard is not None:
            d["shard"] = self.shard
        await self._ws.send_json({"op": 2, "d": d})
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self._ws is not None
        async for msg in self._ws:
            payload = json.loads(msg.data)
            if payload["op"] == 0:
                self._seq = payload["s"]
                self.dispatches.append((payload["t"], payload["d"]))
                async with self._received:
                    self._received.notify_all()
            elif payload["op"] == 1:
                await self._ws.send_json({"op": 1, "d": self._seq})
        self.close_code = self._ws.close_code

    async def ready(self) -> list[int]:
        """Wait for READY and a GUILD_CREATE for each guild it lists; those guilds' ids."""
        async with asyncio.timeout(HANG_GUARD), self._received:
            await self._received.wait_for(
                lambda: (
                    bool(self.dispatches) and len(self.guild_creates()) >= len(self._ready_guilds())
                )
            )
        return self._ready_guilds()

    def _ready_guilds(self) -> list[int]:
        ready = dict(self.dispatches)["READY"]
        return [int(g["id"]) for g in ready["guilds"]]

    def guild_creates(self) -> list[int]:
        return [int(d["id"]) for t, d in self.dispatches if t == "GUILD_CREATE"]

    def about(self, event: str) -> list[int | None]:
        """The guild of every ``event`` received (None: a DM)."""
        return [
            int(d["guild_id"]) if d.get("guild_id") else None
            for t, d in self.dispatches
            if t == event
        ]

    async def closed(self) -> int | None:
        assert self._reader is not None
        async with asyncio.timeout(HANG_GUARD):
            await self._reader
        return self.close_code

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            await self._reader


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    for i in range(4):
        guild = server.add_guild(f"Guild {i}", ("general",))
        server.add_member(guild, f"member{i}")
    await server.start()
    try:
        yield server
    finally:
        await server.close()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def general(guild: FakeGuild) -> int:
    channel = guild.channel_named("general")
    assert channel is not None
    return channel.id


def test_guild_ids_alternate_over_two_shards() -> None:
    world = FakeDiscord()
    guilds = [world.add_guild(f"G{i}") for i in range(6)]
    ids = [g.id for g in guilds]
    assert ids == sorted(ids) and len(set(ids)) == 6
    assert [shard_of(gid, 2) for gid in ids] == [0, 1, 0, 1, 0, 1]
    assert [shard_of(gid, 3) for gid in ids] == [0, 1, 2, 0, 1, 2]
    assert [world.shard_of(gid, 2) for gid in ids] == [0, 1, 0, 1, 0, 1]
    assert [shard_of(gid, 2) for gid in ids] == [(gid >> 22) % 2 for gid in ids]
    assert world.guilds_on_shard(1, 2) == [guilds[1], guilds[3], guilds[5]]
    # Deterministic: another world gives the same ids; every later id is larger.
    again = FakeDiscord()
    assert [again.add_guild(f"G{i}").id for i in range(6)] == ids
    channel = world.add_channel(guilds[-1], "late")
    assert channel.id > ids[-1]


def test_snowflakes_stay_increasing_past_a_millisecond_s_counter() -> None:
    ids = Snowflakes()
    ids._counter = (1 << 22) - 2  # nearly every id of this millisecond used up
    taken = [ids.next(), ids.next(), ids.next_guild(), ids.next()]
    assert taken == sorted(taken) and len(set(taken)) == 4


async def test_two_raw_shards_each_hear_only_their_guilds(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    guilds = list(fake.guilds.values())
    shard0 = RawShard(http, fake.gateway_url, [0, 2])
    shard1 = RawShard(http, fake.gateway_url, [1, 2])
    await shard0.identify()
    await shard1.identify()
    assert await shard0.ready() == [guilds[0].id, guilds[2].id]
    assert await shard1.ready() == [guilds[1].id, guilds[3].id]
    assert shard0.guild_creates() == [guilds[0].id, guilds[2].id]
    assert shard1.guild_creates() == [guilds[1].id, guilds[3].id]
    assert dict(shard1.dispatches)["READY"]["shard"] == [1, 2]
    assert [(s.shard_id, s.shard_count) for s in fake.live_sessions] == [(0, 2), (1, 2)]
    assert fake.identified_shards == [(0, 2), (1, 2)] and fake.duplicate_shards == []

    for guild in guilds:  # a member posts in every guild; a role is made in the last
        await fake.member_message(next(iter(guild.members.values())), fake.channels[general(guild)])
    fake.add_role(guilds[3], "Helpers")
    dm = fake.dm_channel(fake.add_user("dm-only"))
    await fake.create_message(dm, fake.bot_user, {"content": "a DM"})
    await fake.barrier()  # both clients answered op 1: they have everything sent so far

    assert shard0.about("MESSAGE_CREATE") == [guilds[0].id, guilds[2].id, None]
    assert shard1.about("MESSAGE_CREATE") == [guilds[1].id, guilds[3].id]
    assert shard1.about("GUILD_ROLE_CREATE") == [guilds[3].id]
    assert shard0.about("GUILD_ROLE_CREATE") == []
    session1 = fake.session_for(guilds[3].id)
    assert session1 is not None and session1.shard_id == 1
    assert fake.session is fake.session_for(None) and fake.session is not None
    assert fake.session.shard_id == 0
    assert [event for event, _ in session1.dispatches()][:1] == ["READY"]

    # One shard dropped: its events wait for its RESUME, the other shard is untouched.
    assert await fake.drop_gateway(shard_id=1) == 1
    assert [(s.shard_id, s.shard_count) for s in fake.live_sessions] == [(0, 2)]
    await shard0.close()
    await shard1.closed()


async def test_an_unsharded_client_hears_every_guild(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    client = RawShard(http, fake.gateway_url)
    await client.identify()
    assert await client.ready() == list(fake.guilds)
    assert "shard" not in dict(client.dispatches)["READY"]
    assert fake.identified_shards == [(0, 1)]
    await client.close()


@pytest.mark.parametrize("shard", [[2, 2], [-1, 2], [0, 0], "zero"])
async def test_an_invalid_shard_is_closed_with_4010(
    fake: FakeDiscord, http: aiohttp.ClientSession, shard: Any
) -> None:
    client = RawShard(http, fake.gateway_url, shard)
    await client.identify()
    assert await client.closed() == 4010
    assert client.dispatches == [] and fake.identify_count == 0


async def test_a_second_identify_of_a_live_shard_is_recorded_and_takes_its_events(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    first = RawShard(http, fake.gateway_url, [1, 2])
    second = RawShard(http, fake.gateway_url, [1, 2])
    await first.identify()
    await first.ready()
    await second.identify()
    await second.ready()
    assert fake.duplicate_shards == [(1, 2)]
    guild = list(fake.guilds.values())[1]
    fake.add_role(guild, "Helpers")
    await fake.barrier()
    assert (first.about("GUILD_ROLE_CREATE"), second.about("GUILD_ROLE_CREATE")) == (
        [],
        [guild.id],
    )
    await first.close()
    await second.close()


async def test_an_auto_sharded_bot_reaches_ready_and_answers_on_both_shards() -> None:
    sb = Sandbox(lambda: ShardedSampleBot(shard_count=2))
    night = sb.add_guild("Night Owls", ("general",))
    early = sb.add_guild("Early Birds", ("general",))
    async with sb:
        bot = sb.bot
        assert isinstance(bot, discord.AutoShardedClient) and bot.is_ready()
        assert sorted(g.id for g in bot.guilds) == sorted(sb.fake.guilds)
        assert {g.id: g.shard_id for g in bot.guilds} == {
            sb.guild.id: 0,
            night.id: 1,
            early.id: 0,
        }
        assert [sb.shard_of(g) for g in (sb.guild, night, early)] == [0, 1, 0]
        assert sb.guilds_on_shard(1) == [night]
        assert sb.live_shards == [(0, 2), (1, 2)]

        owl = sb.member("owl", guild=night)  # GUILD_MEMBER_ADD on shard 1
        where = sb.channel(general(night))
        reply = await sb.slash(
            owl, "log", minutes="30", kind="course", topic="sharding", public=True, where=where
        )
        assert reply.content == "Logged 30 min of course on sharding."
        assert [m.content for m in where.messages] == [reply.content]
        shard1 = sb.fake.session_for(night.id)
        assert shard1 is not None and shard1.shard_id == 1
        assert "INTERACTION_CREATE" in [event for event, _ in shard1.dispatches()]

        await sb.reconnect(shard_id=1)
        await sb.drop_gateway()  # both shards
        await sb.invalid_session(shard_id=1)
        assert sb.fake.identified_shards[-1] == (1, 2) and sb.fake.resume_count == 3
        again = await sb.slash(owl, "log", minutes="5", kind="course", topic="y", where=where)
        assert again.content.startswith("Logged 5 min")
    assert sb.errors == [], sb.errors


async def test_an_auto_sharded_client_starts_the_shards_gateway_bot_recommends() -> None:
    sb = Sandbox(
        lambda: discord.AutoShardedClient(
            intents=discord.Intents.default(), guild_ready_timeout=0.01
        )
    )
    sb.fake.recommended_shards = 2
    night = sb.add_guild("Night Owls")
    async with sb:
        assert isinstance(sb.bot, discord.AutoShardedClient)
        assert sb.bot.shard_count == 2 and sb.live_shards == [(0, 2), (1, 2)]
        assert {g.id: g.shard_id for g in sb.bot.guilds} == {sb.guild.id: 0, night.id: 1}
        assert any(r.route == "GET /gateway/bot" for r in sb.requests)


async def test_two_bots_with_a_shard_each_share_one_fake() -> None:
    sb = Sandbox(lambda: SampleBot(shard_id=0, shard_count=2))
    night = sb.add_guild("Night Owls", ("general",))
    async with sb:
        second = await sb.start_another_bot(lambda: SampleBot(shard_id=1, shard_count=2))
        assert sb.bot is not None
        assert [g.id for g in sb.bot.guilds] == [sb.guild.id]
        assert [g.id for g in second.guilds] == [night.id]
        assert sb.live_shards == [(0, 2), (1, 2)]
        for guild, name in ((sb.guild, "lark"), (night, "owl")):
            member = sb.member(name, guild=guild)
            where = sb.channel(general(guild))
            reply = await sb.slash(
                member, "log", minutes="20", kind="course", topic=name, public=True, where=where
            )
            assert [m.content for m in where.messages] == [reply.content]
        assert sb.fake.identified_shards == [(0, 2), (1, 2)]
    assert second.is_closed()
    assert sb.errors == [], sb.errors


async def test_another_process_is_pointed_at_the_fake_by_environment(fake: FakeDiscord) -> None:
    env = fake.environment()
    with discord_pointed_at_env(env):
        async with discord.Client(intents=discord.Intents.none()) as client:
            await client.login("any.token")
            assert client.user is not None and client.user.id == fake.bot_user.id
    assert discord.http.Route.BASE == "https://discord.com/api/v10"
    with pytest.raises(LookupError, match="STUDYBOT_SANDBOX_API_BASE"), discord_pointed_at_env({}):
        pass


async def test_a_nonce_is_enforced_within_the_window_only(sb: Sandbox) -> None:
    assert sb.bot is not None
    channel = sb.bot.get_channel(sb.channel("daily").raw.id)
    assert isinstance(channel, discord.TextChannel)
    first = await channel.send("Daily prompt", nonce="daily:1")  # enforce_nonce: True
    sb.advance_time(299)
    assert (await channel.send("Daily prompt", nonce="daily:1")).id == first.id
    sb.advance_time(2)  # 301 s after the first create: Discord has forgotten the nonce
    second = await channel.send("Daily prompt", nonce="daily:1")
    assert second.id != first.id
    assert (await channel.send("Daily prompt", nonce="daily:1")).id == second.id
    sb.let_nonces_expire()
    third = await channel.send("Daily prompt", nonce="daily:1")
    assert len({first.id, second.id, third.id}) == 3
    assert [m.message_id for m in sb.channel("daily").messages] == [
        first.id,
        second.id,
        third.id,
    ]
    sb.fake.nonce_window_seconds = 10
    sb.advance_time(10)
    assert (await channel.send("Daily prompt", nonce="daily:1")).id != third.id
    with pytest.raises(ValueError, match="forward"):
        sb.advance_time(-1)


async def test_resharding_both_counts_hear_a_guild_until_the_old_client_leaves(
    fake: FakeDiscord, http: aiohttp.ClientSession
) -> None:
    guild = list(fake.guilds.values())[1]  # shard 1 of 2
    old = RawShard(http, fake.gateway_url)  # unsharded: every guild
    new1 = RawShard(http, fake.gateway_url, [1, 2])
    for client in (old, new1):
        await client.identify()
        await client.ready()
    fake.add_role(guild, "Both hear it")
    await fake.barrier()
    assert old.about("GUILD_ROLE_CREATE") == new1.about("GUILD_ROLE_CREATE") == [guild.id]

    await old.close()  # the old client is gone; the next IDENTIFY forgets its session
    new0 = RawShard(http, fake.gateway_url, [0, 2])
    await new0.identify()
    await new0.ready()
    fake.add_role(guild, "Only shard 1")
    await fake.barrier()
    assert new1.about("GUILD_ROLE_CREATE") == [guild.id, guild.id]
    roles = [data for _, event, data in fake.dispatched if event == "GUILD_ROLE_CREATE"]
    assert len(roles) == 3  # twice the first time (two sessions), once after
    assert fake.shard_of(guild.id) == 1
    await new0.close()
    await new1.close()


async def test_a_second_process_runs_the_other_shard_on_the_same_fake() -> None:
    sb = Sandbox(lambda: SampleBot(shard_id=0, shard_count=2))
    night = sb.add_guild("Night Owls", ("general",))
    async with sb:
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            str(Path(__file__).with_name("shard_child.py")),
            "1",
            "2",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(REPO), **sb.fake.environment()},
        )
        assert child.stdin is not None and child.stdout is not None
        try:
            # A hang guard: a fresh interpreter imports discord.py first.
            line = await asyncio.wait_for(child.stdout.readline(), 120)
            assert line.decode().split() == ["READY", str(night.id)]
            assert sb.live_shards == [(0, 2), (1, 2)]
            owl = sb.member("owl", guild=night)  # GUILD_MEMBER_ADD goes to the child's shard
            await sb.wait_idle()
            child_session = sb.fake.session_for(night.id)
            assert child_session is not None and child_session.shard_id == 1
            assert ("GUILD_MEMBER_ADD", str(owl.id)) in [
                (event, data.get("user", {}).get("id"))
                for event, data in child_session.dispatches()
            ]
        finally:
            child.stdin.close()
            assert await asyncio.wait_for(child.wait(), 120) == 0
    assert sb.errors == [], sb.errors
