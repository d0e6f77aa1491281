"""`studybot run`: each start-up failure explained in one paragraph, through the real command
line in a child process against the fake Discord (message, no traceback, exit code)."""

from __future__ import annotations

import asyncio
import signal
import socket
from pathlib import Path

import discord
import pytest

from bot.core.clock import SystemClock
from bot.core.store import Store
from bot.members.api import GuildService
from bot.ops.exits import EXIT_INTENTS, EXIT_OK, EXIT_RUNNING, EXIT_TOKEN, EXIT_UNREACHABLE
from bot.sandbox import FakeDiscord
from tests.e2e.cli_runner import TIMEOUT, make_home, run_cli, run_until, spawn

BOGUS = "bogus.token.value"


def assert_clean(text: str) -> None:
    """What an operator should never see at start-up."""
    assert "Traceback" not in text
    assert "PyNaCl" not in text and "davey" not in text
    assert BOGUS not in text  # the token is never printed


async def test_bogus_token_and_no_network_is_five_lines_and_exit_5(tmp_path: Path) -> None:
    home = make_home(tmp_path, DISCORD_TOKEN=BOGUS)
    result = await run_cli(None, home, "run")
    assert result.code == EXIT_UNREACHABLE, result.err
    assert_clean(result.out + result.err)
    assert len(result.lines) <= 5, result.lines
    attempts = [line for line in result.lines if line.startswith("Cannot reach Discord")]
    assert len(attempts) == 4  # CONNECT_ATTEMPTS' default, one line each
    assert "(attempt 1 of 4): DNS lookup of discord.com failed" in attempts[0]
    assert "retrying in 0 s" in attempts[0]
    assert result.lines[-1].startswith("Gave up after 4 attempts: Discord could not be reached")
    assert "Fix:" in result.lines[-1] and "discordstatus.com" in result.lines[-1]


async def test_a_refused_connection_is_retried_then_explained(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    home = make_home(tmp_path, DISCORD_TOKEN=BOGUS, CONNECT_ATTEMPTS="2")
    result = await run_cli(None, home, "run", api=f"http://127.0.0.1:{port}/api/v10")
    assert result.code == EXIT_UNREACHABLE
    assert_clean(result.err)
    assert f"(attempt 1 of 2): could not connect to 127.0.0.1:{port}" in result.err
    assert "Gave up after 2 attempts" in result.err


async def test_a_rejected_token_at_login_names_the_portal_and_the_variable(
    tmp_path: Path, fake: FakeDiscord, db_url: str
) -> None:
    fake.token = "the.real.token"
    home = make_home(tmp_path, DATABASE_URL=db_url, DISCORD_TOKEN=BOGUS)
    result = await run_cli(fake, home, "run")
    assert result.code == EXIT_TOKEN
    assert_clean(result.out + result.err)
    assert len(result.lines) == 1, result.lines
    message = result.lines[0]
    assert message.startswith("Discord rejected the bot token (HTTP 401 Unauthorized at login)")
    assert "Bot → Reset Token" in message
    assert f"DISCORD_TOKEN in {home / '.env'}" in message
    assert "studybot doctor" in message
    assert [r.status for r in fake.requests] == [401]  # one try: retrying cannot help


async def test_gateway_close_4004_is_the_token_message_too(
    tmp_path: Path, fake: FakeDiscord, db_url: str
) -> None:
    fake.fail_identify(4004)
    home = make_home(tmp_path, DATABASE_URL=db_url, DISCORD_TOKEN=BOGUS)
    result = await run_cli(fake, home, "run")
    assert result.code == EXIT_TOKEN
    assert_clean(result.out + result.err)
    assert "Discord rejected the bot token (gateway close code 4004" in result.err
    assert "Reset Token" in result.err


async def test_close_4014_names_the_server_members_intent_and_where_to_switch_it_on(
    tmp_path: Path, fake: FakeDiscord, db_url: str
) -> None:
    fake.application_flags = 0  # every privileged intent off in the portal
    home = make_home(tmp_path, DATABASE_URL=db_url, DISCORD_TOKEN=BOGUS)
    result = await run_cli(fake, home, "run")
    assert result.code == EXIT_INTENTS
    assert_clean(result.out + result.err)
    assert "close code 4014 (disallowed intents)" in result.err
    assert "Privileged Gateway Intents, switch on Server Members Intent" in result.err
    assert "Presence and Message Content are not needed" in result.err
    assert fake.identify_count == 0  # refused before READY


async def test_a_start_in_no_server_prints_the_invite_link(
    tmp_path: Path, fake: FakeDiscord, db_url: str
) -> None:
    for guild in list(fake.guilds.values()):
        fake.remove_guild(guild)
    home = make_home(tmp_path, DATABASE_URL=db_url, DISCORD_TOKEN=BOGUS)
    result = await run_until(fake, home, "oauth2/authorize", "run")
    assert result.code == EXIT_OK  # Ctrl-C is a normal stop
    assert_clean(result.err)
    assert f"ready as {fake.bot_user.username}" in result.err and "in 0 guilds" in result.err
    invite = next(line for line in result.err.splitlines() if "oauth2/authorize" in line)
    assert "The bot is in no server yet" in invite
    assert f"client_id={fake.application_id}" in invite
    assert "scope=bot+applications.commands" in invite
    # View Channels, Send Messages, Embed Links, Attach Files, Read Message History, Create
    # Public Threads, Send Messages in Threads: exactly the README's list (unit-tested too).
    bits = (10, 11, 14, 15, 16, 35, 38)
    assert f"permissions={sum(1 << bit for bit in bits)}" in invite


async def test_a_configured_channel_without_permission_is_named_at_start_and_marked(
    tmp_path: Path, fake: FakeDiscord, db_url: str
) -> None:
    guild = next(iter(fake.guilds.values()))
    daily = guild.channel_named("daily")
    assert daily is not None
    home = make_home(tmp_path, DATABASE_URL=db_url, DISCORD_TOKEN=BOGUS)
    store = Store(db_url)
    guilds = GuildService(store, SystemClock())
    await guilds.set_channels(guild.id, {"daily": daily.id})
    await store.close()
    deny = discord.Permissions(send_messages=True, embed_links=True).value
    fake.set_overwrite(daily, fake.bot_user.id, 1, 0, deny)

    result = await run_until(fake, home, "ready as", "run")
    assert result.code == EXIT_OK
    assert_clean(result.err)
    warning = next(line for line in result.err.splitlines() if "is not usable" in line)
    assert "Server 'Study Lab'" in warning
    assert "the daily prompt channel #daily is not usable" in warning
    assert "I am missing Send Messages, Embed Links in #daily" in warning
    assert "Fix: allow Send Messages, Embed Links for the StudyBot role in #daily" in warning
    assert "/setup channels daily:#channel" in warning
    store = Store(db_url)
    try:
        settings = await GuildService(store, SystemClock()).settings(guild.id)
    finally:
        await store.close()
    assert "Send Messages" in settings.broken["daily"]  # `/setup show` lists it


@pytest.mark.sqlite_only(reason="the single-process lock guards a SQLite file")
async def test_a_second_process_on_the_same_sqlite_file_is_refused(
    tmp_path: Path, fake: FakeDiscord, db_url: str
) -> None:
    home = make_home(tmp_path, DATABASE_URL=db_url, DISCORD_TOKEN=fake.token or "sandbox")
    first = await spawn(fake, home, "run")
    assert first.stderr is not None
    try:
        while b"ready as" not in await asyncio.wait_for(first.stderr.readline(), TIMEOUT):
            pass
        second = await run_cli(fake, home, "run")
        assert second.code == EXIT_RUNNING
        assert_clean(second.err)
        assert len(second.lines) == 1, second.lines
        assert second.lines[0].startswith("Another studybot process is already running")
        assert "use PostgreSQL" in second.lines[0]
    finally:
        first.send_signal(signal.SIGINT)
        await asyncio.wait_for(first.communicate(), TIMEOUT)
    # The lock goes with the process: the next start is not refused.
    again = await run_until(fake, home, "ready as", "run")
    assert again.code == EXIT_OK
