"""Operator tooling without Discord: how start-up errors are explained, the retry schedule,
the log filter, and the tables the README must repeat (exit codes, invite permissions)."""

from __future__ import annotations

import io
import logging
import re
import types
from pathlib import Path
from typing import Any

import aiohttp
import discord
import pytest

from bot.cli import build_parser
from bot.core.invite import invite_permissions, invite_url
from bot.core.permissions import INVITE_PERMISSIONS
from bot.core.settings import Settings, load_settings
from bot.ops.exits import (
    EXIT_CODES,
    EXIT_DATABASE,
    EXIT_FAILED,
    EXIT_INTENTS,
    EXIT_TOKEN,
    EXIT_UNREACHABLE,
)
from bot.ops.explain import explain
from bot.ops.logfilters import DiscordNoiseFilter
from bot.ops.startup import retry_delays, run_bot

README = Path(__file__).resolve().parents[2] / "README.md"


def settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"_env_file": None, "discord_token": "t", **overrides}
    return load_settings(home=tmp_path, **values)


def dns_error() -> aiohttp.ClientConnectorDNSError:
    key = types.SimpleNamespace(host="discord.com", port=443, ssl=True)
    return aiohttp.ClientConnectorDNSError(key, OSError(-2, "Name or service not known"))  # type: ignore[arg-type]


def closed(code: int) -> discord.ConnectionClosed:
    return discord.ConnectionClosed(
        types.SimpleNamespace(close_code=code), shard_id=None, code=code
    )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("error", "code", "words"),
    [
        (discord.LoginFailure("Improper token"), EXIT_TOKEN, "HTTP 401 Unauthorized at login"),
        (closed(4004), EXIT_TOKEN, "gateway close code 4004"),
        (closed(4014), EXIT_INTENTS, "Server Members intent"),
        (discord.PrivilegedIntentsRequired(None), EXIT_INTENTS, "close code 4014"),
        (closed(4013), EXIT_FAILED, "code 4013 (invalid intents)"),
    ],
)
def test_fatal_errors_are_explained_with_their_exit_code(
    tmp_path: Path, error: Exception, code: int, words: str
) -> None:
    failure = explain(error, settings(tmp_path))
    assert failure is not None and not failure.transient
    assert failure.exit_code == code
    assert words in failure.message and " Fix: " in failure.message
    assert "\n" not in failure.message  # one paragraph


def test_network_errors_are_transient_with_a_short_reason(tmp_path: Path) -> None:
    failure = explain(dns_error(), settings(tmp_path))
    assert failure is not None and failure.transient
    assert failure.exit_code == EXIT_UNREACHABLE
    assert failure.reason == "DNS lookup of discord.com failed (Name or service not known)"
    response = types.SimpleNamespace(status=503, reason="Service Unavailable")
    server = discord.DiscordServerError(response, {"message": "down", "code": 0})  # type: ignore[arg-type]
    failure = explain(server, settings(tmp_path))
    assert failure is not None and failure.transient and "HTTP 503" in failure.reason
    assert explain(ValueError("a bug"), settings(tmp_path)) is None


def test_retry_delays_double_up_to_a_minute(tmp_path: Path) -> None:
    assert retry_delays(settings(tmp_path)) == [2, 4, 8]
    many = settings(tmp_path, connect_attempts=9, connect_retry_seconds=5)
    assert retry_delays(many) == [5, 10, 20, 40, 60, 60, 60, 60]
    assert retry_delays(settings(tmp_path, connect_attempts=1)) == []


class FailingBot:
    """Stands in for StudyBot: every start fails with `error`."""

    def __init__(self, error: BaseException) -> None:
        self.error = error

    async def __aenter__(self) -> FailingBot:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def start(self, token: str) -> None:
        raise self.error


async def test_run_retries_with_backoff_one_line_each_then_gives_up(tmp_path: Path) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    err = io.StringIO()
    code = await run_bot(
        settings(tmp_path),
        err,
        make_bot=lambda _: FailingBot(dns_error()),
        sleep=sleep,  # type: ignore[arg-type,return-value]
    )
    assert code == EXIT_UNREACHABLE
    assert waits == [2, 4, 8]
    lines = err.getvalue().splitlines()
    assert len(lines) == 5
    assert lines[0].endswith("failed (Name or service not known); retrying in 2 s.")
    assert lines[3].startswith("Cannot reach Discord (attempt 4 of 4)")
    assert lines[4].startswith("Gave up after 4 attempts")


async def test_run_does_not_retry_a_rejected_token(tmp_path: Path) -> None:
    starts: list[int] = []

    def make_bot(_: Settings) -> FailingBot:
        starts.append(1)
        return FailingBot(discord.LoginFailure("Improper token"))

    err = io.StringIO()
    code = await run_bot(settings(tmp_path), err, make_bot=make_bot)  # type: ignore[arg-type]
    assert code == EXIT_TOKEN and len(starts) == 1


async def test_an_unexpected_error_is_one_line_plus_the_logged_traceback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    err = io.StringIO()
    make_bot = lambda _: FailingBot(KeyError("oops"))  # noqa: E731
    code = await run_bot(settings(tmp_path), err, make_bot=make_bot)  # type: ignore[arg-type]
    assert code == EXIT_FAILED
    assert err.getvalue().startswith("studybot stopped on an unexpected error (KeyError: 'oops')")
    assert any(record.exc_info for record in caplog.records)  # the bug keeps its traceback


async def test_run_refuses_a_database_newer_than_this_version(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "newer.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('9999_from_the_future')")
    err = io.StringIO()
    code = await run_bot(settings(tmp_path, database_url=f"sqlite+aiosqlite:///{path}"), err)
    assert code == EXIT_DATABASE
    assert "9999_from_the_future, which this version of studybot does not know" in err.getvalue()
    assert "Fix: run the newer studybot again, or restore a backup" in err.getvalue()


def test_the_log_filter_drops_voice_warnings_and_shortens_reconnects() -> None:
    noise = DiscordNoiseFilter()

    def record(message: str, error: BaseException | None = None) -> logging.LogRecord:
        exc_info = (type(error), error, None) if error is not None else None
        return logging.LogRecord("discord.client", logging.WARNING, "", 0, message, (), exc_info)

    assert not noise.filter(record("PyNaCl is not installed, voice will NOT be supported"))
    assert not noise.filter(record("davey is not installed, voice will NOT be supported"))
    reconnect = record("Attempting a reconnect in 1.23s", OSError("network is down"))
    assert noise.filter(reconnect)
    assert reconnect.exc_info is None
    assert reconnect.getMessage() == "Attempting a reconnect in 1.23s (OSError: network is down)"
    assert noise.filter(record("Shard ID None has connected to Gateway"))


def test_the_readme_documents_every_exit_code() -> None:
    text = README.read_text(encoding="utf-8")
    documented = {
        int(code): meaning.strip()
        for code, meaning in re.findall(r"^\| `(\d)` \| (.+?) \|$", text, flags=re.MULTILINE)
    }
    assert documented == dict(EXIT_CODES)


def test_run_help_lists_the_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["run", "--help"])
    shown = capsys.readouterr().out
    for code, meaning in EXIT_CODES:
        assert f"  {code}  {meaning}" in shown


def test_the_invite_asks_for_exactly_the_readme_permissions() -> None:
    text = README.read_text(encoding="utf-8")
    listed = re.search(r"permissions ([^.]+)\.", text.split("URL Generator", 1)[1])
    assert listed is not None
    names = [name.strip() for name in listed.group(1).replace("\n", " ").split(",")]
    assert names == [label for _, label in INVITE_PERMISSIONS]
    permissions = invite_permissions()
    assert all(getattr(permissions, name) for name, _ in INVITE_PERMISSIONS)
    assert bin(permissions.value).count("1") == len(INVITE_PERMISSIONS)  # and nothing else
    url = invite_url(42)
    assert "client_id=42" in url and "scope=bot+applications.commands" in url
    assert f"permissions={invite_permissions().value}" in url
