"""`studybot doctor` through the fake Discord: a healthy setup passes, and each broken part
(settings, database, token, intent, a missing channel, a missing permission) is a FAIL row
with its fix and exit code 1."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import discord
import pytest

from bot.core.clock import SystemClock
from bot.core.settings import load_settings
from bot.core.store import Store
from bot.members.api import GuildService
from bot.ops.doctor import run_doctor
from bot.ops.exits import EXIT_FAILED, EXIT_OK
from bot.sandbox import FakeDiscord, discord_pointed_at
from bot.sandbox.models import FakeGuild
from tests.e2e.cli_runner import make_home, run_cli

TOKEN = "the.real.token"


@pytest.fixture(autouse=True)
def _no_settings_from_the_developer(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISCORD_TOKEN", "DATABASE_URL", "DEV_GUILD_ID", "STUDYBOT_HOME"):
        monkeypatch.delenv(name, raising=False)


def only_guild(fake: FakeDiscord) -> FakeGuild:
    return next(iter(fake.guilds.values()))


async def configure(db_url: str, fake: FakeDiscord, *roles: str) -> None:
    """`/setup channels` for `roles` (each to the channel of that name), in the home's DB."""
    guild = only_guild(fake)
    chosen = {}
    for role in roles:
        channel = guild.channel_named(role)
        assert channel is not None
        chosen[role] = channel.id
    store = Store(db_url)
    try:
        await GuildService(store, SystemClock()).set_channels(guild.id, chosen)
    finally:
        await store.close()


async def doctor(fake: FakeDiscord, home: Path) -> tuple[int, str]:
    """`studybot doctor` in this process (its entry function, output captured)."""
    out = io.StringIO()
    with discord_pointed_at(fake):
        code = await run_doctor(lambda: load_settings(home=home), out)
    return code, out.getvalue()


def row(output: str, status: str, name: str) -> str:
    """The table row of check `name`, which must have `status`."""
    for line in output.splitlines():
        if line.startswith(status) and line[6:].startswith(name + " "):
            return line
    raise AssertionError(f"no {status} row for {name!r} in:\n{output}")


def fix_after(output: str, status: str, name: str) -> str:
    lines = output.splitlines()
    index = lines.index(row(output, status, name))
    assert "fix: " in lines[index + 1], output
    return lines[index + 1]


async def test_a_healthy_setup_passes_every_check(
    tmp_path: Path, fake: FakeDiscord, db_url: str
) -> None:
    fake.token = TOKEN
    home = make_home(tmp_path, DATABASE_URL=db_url, DISCORD_TOKEN=TOKEN)
    await configure(db_url, fake, "daily", "accountability", "interview")
    result = await run_cli(fake, home, "doctor")  # the real command line, in a child
    assert result.code == EXIT_OK, result.out
    assert "Traceback" not in result.err and TOKEN not in result.out + result.err
    assert f"home {home}; read {home / '.env'}" in row(result.out, "ok", "settings")
    assert "(the newest)" in row(result.out, "ok", "database")
    assert "accepted: logged in as StudyBot" in row(result.out, "ok", "token")
    assert "Server Members Intent is on" in row(result.out, "ok", "intents")
    for role in ("daily", "accountability", "interview"):
        line = row(result.out, "ok", f"Study Lab {role}")
        assert f"#{role}: visible and writable" in line
    assert result.out.rstrip().endswith("All checks passed.")


async def test_a_broken_setup_fails_with_a_fix_per_problem(
    tmp_path: Path, fake: FakeDiscord, db_url: str
) -> None:
    home = make_home(tmp_path, DATABASE_URL=db_url, DISCORD_TOKEN=TOKEN)
    await configure(db_url, fake, "daily", "accountability", "interview")
    guild = only_guild(fake)
    daily, interview = guild.channel_named("daily"), guild.channel_named("interview")
    assert daily is not None and interview is not None
    await fake.delete_channel(daily)
    deny = discord.Permissions(send_messages=True).value
    fake.set_overwrite(interview, fake.bot_user.id, 1, 0, deny)

    result = await run_cli(fake, home, "doctor")
    assert result.code == EXIT_FAILED
    assert "Traceback" not in result.err
    assert f"channel {daily.id} no longer exists" in row(result.out, "FAIL", "Study Lab daily")
    assert "`/setup channels daily:#channel`" in fix_after(result.out, "FAIL", "Study Lab daily")
    # Without Send Messages, Discord (and discord.py's permissions_for) also drops Embed Links.
    missing = row(result.out, "FAIL", "Study Lab interview")
    assert "I am missing Send Messages, Embed Links in #interview" in missing
    fix = fix_after(result.out, "FAIL", "Study Lab interview")
    assert "allow Send Messages, Embed Links for the StudyBot role in #interview" in fix
    row(result.out, "ok", "Study Lab accountability")
    assert "2 problems found" in result.out


async def test_a_bad_token_fails_and_skips_what_needs_it(
    tmp_path: Path, fake: FakeDiscord, db_url: str
) -> None:
    fake.token = TOKEN
    home = make_home(tmp_path, DATABASE_URL=db_url, DISCORD_TOKEN="bogus.token")
    code, output = await doctor(fake, home)
    assert code == EXIT_FAILED
    assert "Discord rejected the bot token (HTTP 401" in row(output, "FAIL", "token")
    assert "Bot → Reset Token" in fix_after(output, "FAIL", "token")
    assert "needs a working token" in row(output, "skip", "intents")
    assert "1 problem found" in output


async def test_no_token_and_the_intent_switched_off(
    tmp_path: Path, fake: FakeDiscord, db_url: str
) -> None:
    home = make_home(tmp_path, DATABASE_URL=db_url)
    code, output = await doctor(fake, home)
    assert code == EXIT_FAILED
    assert "DISCORD_TOKEN is not set" in row(output, "FAIL", "token")
    fake.application_flags = 0
    (home / ".env").write_text(f"DISCORD_TOKEN={TOKEN}\n")
    code, output = await doctor(fake, home)
    assert code == EXIT_FAILED
    row(output, "ok", "token")
    assert "Server Members Intent is off" in row(output, "FAIL", "intents")
    assert "Privileged Gateway Intents, switch on Server Members" in fix_after(
        output, "FAIL", "intents"
    )


async def test_settings_errors_are_explained(tmp_path: Path, fake: FakeDiscord) -> None:
    home = make_home(tmp_path, DEV_GUILD_ID="not-a-number")
    code, output = await doctor(fake, home)
    assert code == EXIT_FAILED
    assert "DEV_GUILD_ID" in row(output, "FAIL", "settings")
    assert ".env.example" in fix_after(output, "FAIL", "settings")
    assert "needs valid settings" in row(output, "skip", "database")


async def test_database_states(tmp_path: Path, fake: FakeDiscord) -> None:
    home = make_home(tmp_path, DISCORD_TOKEN=TOKEN)
    code, output = await doctor(fake, home)  # a first start: nothing there yet
    assert code == EXIT_OK
    assert "does not exist yet: `studybot run`" in row(output, "warn", "database")
    assert not (home / "data").exists()  # the doctor created nothing
    assert "no channels configured yet" in row(output, "warn", "Study Lab")

    (home / "data").mkdir()
    sqlite3.connect(home / "data" / "studybot.db").close()  # an empty file: not migrated
    code, output = await doctor(fake, home)
    assert code == EXIT_FAILED
    assert "at revision none (empty)" in row(output, "FAIL", "database")
    assert "`studybot db upgrade`" in fix_after(output, "FAIL", "database")
    assert "need the database" in row(output, "skip", "Study Lab")


async def test_in_no_server_the_doctor_gives_the_invite_link(
    tmp_path: Path, fake: FakeDiscord, db_url: str
) -> None:
    fake.remove_guild(only_guild(fake))
    home = make_home(tmp_path, DATABASE_URL=db_url, DISCORD_TOKEN=TOKEN)
    code, output = await doctor(fake, home)
    assert code == EXIT_OK
    assert "the bot is in no server yet" in row(output, "warn", "servers")
    assert f"client_id={fake.application_id}" in fix_after(output, "warn", "servers")
