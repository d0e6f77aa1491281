"""The fake Discord refuses what Discord refuses at login: a wrong token (HTTP 401, close
4004), a privileged intent the application has not switched on (close 4014), any close code
queued with `fail_identify`; and it lists the bot's servers (`GET /users/@me/guilds`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import discord
import pytest
from samplebot import SampleBot

from bot.sandbox import FakeDiscord, Sandbox, discord_pointed_at


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    server.add_guild("Study Lab", ("general", "daily"))
    await server.start()
    try:
        with discord_pointed_at(server):
            yield server
    finally:
        await server.close()


async def connect(client: discord.Client, token: str) -> BaseException:
    """Log in and connect; what ended the connection."""
    async with client:
        try:
            await client.start(token)
        except Exception as error:
            return error
    raise AssertionError("the connection did not fail")


async def test_a_wrong_token_gets_401_at_login(fake: FakeDiscord) -> None:
    fake.token = "good.token"
    async with discord.Client(intents=discord.Intents.none()) as client:
        with pytest.raises(discord.LoginFailure):
            await client.login("bad.token")
        await client.login("good.token")
        assert client.user is not None and client.user.id == fake.bot_user.id
    assert [r.status for r in fake.requests if r.route == "GET /users/@me"] == [401, 200]


async def test_a_wrong_token_at_identify_is_closed_with_4004(fake: FakeDiscord) -> None:
    fake.fail_identify(4004)
    error = await connect(discord.Client(intents=discord.Intents.none()), "any.token")
    assert isinstance(error, discord.ConnectionClosed) and error.code == 4004
    assert fake.identify_count == 0


async def test_a_privileged_intent_switched_off_is_closed_with_4014(fake: FakeDiscord) -> None:
    fake.application_flags = 0
    error = await connect(SampleBot(sync=False), "any.token")  # asks for the members intent
    assert isinstance(error, discord.PrivilegedIntentsRequired)
    async with discord.Client(intents=discord.Intents.default()) as client:  # none privileged
        await client.login("any.token")
        assert not client.application_flags.gateway_guild_members_limited


async def test_any_close_code_can_be_queued(fake: FakeDiscord) -> None:
    fake.fail_identify(4013)
    error = await connect(discord.Client(intents=discord.Intents.none()), "any.token")
    assert isinstance(error, discord.ConnectionClosed) and error.code == 4013


async def test_the_bot_s_servers_over_http(fake: FakeDiscord) -> None:
    async with discord.Client(intents=discord.Intents.none()) as client:
        await client.login("any.token")
        assert client.application_flags.gateway_guild_members_limited
        guilds = [guild async for guild in client.fetch_guilds(limit=None)]
        assert [guild.name for guild in guilds] == ["Study Lab"]
        fake.remove_guild(next(iter(fake.guilds.values())))
        assert [guild async for guild in client.fetch_guilds(limit=None)] == []


async def test_removing_a_guild_after_start_sends_guild_delete() -> None:
    async with Sandbox(SampleBot, timeout=5.0) as sb:
        assert sb.bot is not None and sb.bot.get_guild(sb.guild.id) is not None
        sb.fake.remove_guild(sb.guild)
        await sb.wait_idle()
        assert sb.bot.get_guild(sb.guild.id) is None
