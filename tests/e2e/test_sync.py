"""`studybot sync [--guild ID] [--clear-guild ID]` against the fake Discord."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot import testing
from bot.core.settings import Settings
from bot.core.store import Store
from bot.core.store import command_sync as sync_rows
from bot.ops.exits import EXIT_FAILED, EXIT_OK, EXIT_TOKEN
from bot.ops.sync import sync_commands
from bot.sandbox import FakeDiscord, discord_pointed_at
from bot.studybot import tree_hash
from tests.e2e.cli_runner import make_home, run_cli

TOKEN = "sync.test.token"


def settings_for(db_url: str, **overrides: object) -> Settings:
    return testing.settings(database_url=db_url, discord_token=TOKEN, **overrides)


async def sync(
    fake: FakeDiscord, settings: Settings, guilds: Sequence[int] = (), clear: Sequence[int] = ()
) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with discord_pointed_at(fake):
        code = await sync_commands(settings, out, err, guilds=guilds, clear=clear)
    return code, out.getvalue(), err.getvalue()


def guild_id(fake: FakeDiscord) -> int:
    return next(iter(fake.guilds))


async def test_sync_publishes_globally_and_remembers_the_tree(
    fake: FakeDiscord, db_url: str
) -> None:
    code, out, err = await sync(fake, settings_for(db_url))
    assert code == EXIT_OK, err
    names = {command["name"] for command in fake.global_commands}
    assert {"setup", "daily", "help"} <= names
    assert f"Synced {len(fake.global_commands)} commands globally" in out
    assert fake.guild_commands == {}
    # The bot's next start sees an unchanged tree and does not sync again.
    bot = testing.build_bot(
        settings_for(db_url), testing.FakeClock(datetime(2026, 3, 2, tzinfo=UTC))
    )
    try:
        await bot.prepare()
        store = Store(db_url)
        async with store.connect() as conn:
            assert await sync_rows.get_hash(conn, "global") == tree_hash(bot.tree)
        await store.close()
    finally:
        await bot.store.close()


async def test_sync_to_one_guild_then_clear_it_after_moving_to_global(
    fake: FakeDiscord, db_url: str
) -> None:
    gid = guild_id(fake)
    settings = settings_for(db_url, dev_guild_id=gid)
    code, out, _ = await sync(fake, settings, guilds=[gid])
    assert code == EXIT_OK
    assert len(fake.guild_commands[gid]) > 0 and fake.global_commands == []
    assert f"commands to server {gid} (they show at once)" in out

    code, out, _ = await sync(fake, settings, clear=[gid])
    assert code == EXIT_OK
    assert fake.guild_commands[gid] == []
    assert len(fake.global_commands) > 0  # global unless --guild is given
    assert f"Removed the commands registered for server {gid} only" in out
    assert f"DEV_GUILD_ID is still {gid}" in out and "Remove DEV_GUILD_ID" in out


async def test_sync_to_a_server_the_bot_is_not_in_is_explained(
    fake: FakeDiscord, db_url: str
) -> None:
    code, _, err = await sync(fake, settings_for(db_url), guilds=[123456789])
    assert code == EXIT_FAILED
    assert "Discord refused to change the commands of server 123456789 (404" in err
    assert "applications.commands scope" in err and "oauth2/authorize" in err
    assert "Traceback" not in err


async def test_sync_with_a_rejected_token_is_the_token_message(
    fake: FakeDiscord, db_url: str
) -> None:
    fake.token = "another.token"
    code, _, err = await sync(fake, settings_for(db_url))
    assert code == EXIT_TOKEN
    assert err.startswith("Discord rejected the bot token (HTTP 401")


async def test_the_command_line_clears_a_guild(
    tmp_path: Path, fake: FakeDiscord, db_url: str
) -> None:
    gid = guild_id(fake)
    fake.guild_commands[gid] = [{"id": "1", "name": "old", "description": "x"}]
    home = make_home(tmp_path, DATABASE_URL=db_url, DISCORD_TOKEN=TOKEN)
    result = await run_cli(fake, home, "sync", "--clear-guild", str(gid))
    assert result.code == EXIT_OK, result.err
    assert fake.guild_commands[gid] == [] and len(fake.global_commands) > 0
    assert f"Removed the commands registered for server {gid} only" in result.out
    assert "Synced" in result.out and "globally" in result.out
    assert "Traceback" not in result.err and TOKEN not in result.out + result.err
