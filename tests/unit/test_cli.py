"""The command line: run without a token, check, check --commands, db, version."""

from __future__ import annotations

import io
import json
import sqlite3
import sys
from pathlib import Path

import pytest

from bot import __version__
from bot.cli import _check, main
from bot.core.settings import load_settings
from bot.core.store import Store
from bot.core.store.drivers import MissingDatabaseDriver
from tests.backends import run_async

POSTGRES_URL = "postgresql+asyncpg://studybot@127.0.0.1:5432/studybot"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_run_without_token_exits_2_and_points_to_the_sandbox(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    code, _out, err = run(["run"], capsys)
    assert code == 2
    assert ".env.example" in err and "studybot sandbox" in err


def test_bad_setting_exits_2_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DEV_GUILD_ID", "abc")
    code, _out, err = run(["run"], capsys)
    assert code == 2 and "DEV_GUILD_ID" in err and "Traceback" not in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_check_passes_and_lists_the_foundation_commands(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _err = run(["check"], capsys)
    assert code == 0 and out.startswith("ok:")
    code, out, _err = run(["check", "--commands"], capsys)
    assert code == 0
    commands = {item["name"]: item for item in map(json.loads, out.splitlines())}
    for name in (
        "settings timezone",
        "settings dms",
        "settings show",
        "setup show",
        "setup timezone",
        "setup moderator-role",
        "setup channels",
        "help",
    ):
        assert name in commands, name
    assert commands["setup channels"]["moderator"] is True
    assert commands["settings timezone"]["moderator"] is False
    zone = commands["settings timezone"]["options"][0]
    assert zone == {"name": "zone", "type": "string", "required": True}


async def test_a_broken_cog_fails_check_but_the_others_load(db_url: str) -> None:
    settings = load_settings(_env_file=None, database_url=db_url)
    out, err = io.StringIO(), io.StringIO()
    code = await _check(
        settings, out, err, False, extensions=["cogs.help", "tests.fixtures.broken_cog"]
    )
    assert code == 1
    assert "tests.fixtures.broken_cog" in err.getvalue()
    assert "broken on purpose" in err.getvalue()


async def test_broken_cog_leaves_the_others_loaded(db_url: str) -> None:
    from bot.app import create_bot

    settings = load_settings(_env_file=None, database_url=db_url)
    bot = create_bot(settings, extensions=["tests.fixtures.broken_cog", "cogs.help", "cogs.member"])
    try:
        await bot.prepare()
        assert set(bot.extension_failures) == {"tests.fixtures.broken_cog"}
        assert {"cogs.help", "cogs.member"} <= set(bot.extensions)
        assert bot.tree.get_command("help") is not None
    finally:
        await bot.store.close()


def test_db_upgrade(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    empty_db_url: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", empty_db_url)
    code, out, _ = run(["db", "upgrade"], capsys)
    assert code == 0 and "revision" in out


@pytest.mark.sqlite_only
def test_db_upgrade_and_backup(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "live.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{db}")
    code, out, _ = run(["db", "upgrade"], capsys)
    assert code == 0 and "revision" in out
    backup = tmp_path / "backups" / "copy.db"
    code, out, _ = run(["db", "backup", str(backup)], capsys)
    assert code == 0 and backup.exists()
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert {"members", "deliveries", "alembic_version"} <= tables


def test_content_validate_counts_and_refuses_bad_packs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = Path(__file__).resolve().parents[2] / "content"
    code, out, _ = run(["content", "validate", str(content)], capsys)
    assert code == 0 and "prompts" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text("pack:\n  id: x\n  promt: 1\n", encoding="utf-8")
    code, out, err = run(["content", "validate", str(bad)], capsys)
    assert code != 0
    assert "bad.yaml:" in out + err


def test_home_folder_from_another_folder_finds_env_and_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("DATABASE_URL", "STUDYBOT_HOME"):
        monkeypatch.delenv(name, raising=False)
    home, elsewhere = tmp_path / "home", tmp_path / "elsewhere"
    home.mkdir()
    elsewhere.mkdir()
    (home / ".env").write_text("DATABASE_URL=sqlite+aiosqlite:///db/bot.db\n")
    monkeypatch.chdir(elsewhere)
    code, out, _ = run(["--home", str(home), "db", "upgrade"], capsys)
    assert code == 0 and (home / "db" / "bot.db").exists()
    code, out, _ = run(["db", "backup", "--home", str(home)], capsys)  # after the command too
    assert code == 0
    (backup,) = (home / "backups").iterdir()
    assert backup.name.startswith("studybot-") and backup.suffix == ".db"
    assert str(backup) in out
    code, out, _ = run(["db", "backup", "copy.db", "--home", str(home)], capsys)
    assert code == 0 and (home / "copy.db").exists()  # relative to the home folder
    assert list(elsewhere.iterdir()) == []  # nothing appeared where it was started


def test_a_missing_home_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(["--home", str(tmp_path / "nope"), "db", "upgrade"], capsys)
    assert code == 2 and "STUDYBOT_HOME" in err and "Traceback" not in err


def test_db_upgrade_refuses_a_database_it_cannot_open(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "studybot.db").mkdir()  # a folder where the database file should be
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{locked / 'studybot.db'}")
    code, _out, err = run(["--home", str(tmp_path), "db", "upgrade"], capsys)
    assert code == 6
    assert err.startswith(f"Cannot upgrade the database: {locked / 'studybot.db'} is not a file")
    assert "Fix: check that the file and its folder are readable and writable" in err
    assert "Traceback" not in err


def test_db_backup_of_postgresql_points_to_pg_dump(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", POSTGRES_URL)
    code, _out, err = run(["db", "backup", str(tmp_path / "copy.db")], capsys)
    assert code == 1 and "pg_dump" in err


@pytest.fixture
def without_asyncpg(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if asyncpg were not installed (`import asyncpg` fails, find_spec finds nothing)."""
    monkeypatch.setitem(sys.modules, "asyncpg", None)


def _names_the_extra_in_one_paragraph(code: int, err: str) -> None:
    assert code == 2
    assert 'pip install -e ".[postgres]"' in err and "asyncpg" in err
    assert "Traceback" not in err and "ModuleNotFoundError" not in err
    assert err.strip() and "\n" not in err.strip(), err  # one paragraph


@pytest.mark.usefixtures("without_asyncpg")
@pytest.mark.parametrize("argv", [["run"], ["db", "upgrade"]])
def test_a_postgresql_url_without_asyncpg_names_the_install_extra(
    argv: list[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD_TOKEN", "a-token")
    monkeypatch.setenv("DATABASE_URL", POSTGRES_URL)
    code, _out, err = run(argv, capsys)
    _names_the_extra_in_one_paragraph(code, err)


@pytest.mark.usefixtures("without_asyncpg")
def test_sandbox_with_a_postgresql_url_without_asyncpg_names_the_install_extra(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(["sandbox", "--demo", "--db", POSTGRES_URL], capsys)
    _names_the_extra_in_one_paragraph(code, err)


@pytest.mark.usefixtures("without_asyncpg")
def test_a_store_on_postgresql_without_asyncpg_raises_the_same_advice() -> None:
    with pytest.raises(MissingDatabaseDriver, match=r"pip install -e \"\.\[postgres\]\""):
        Store(POSTGRES_URL)


SANDBOX_SCRIPT = """\
morgan> /setup timezone zone:Europe/Berlin
alice> /log minutes:30 kind:course
alice> /progress
"""


async def _logged_minutes(url: str) -> int:
    from sqlalchemy import func, select

    from bot.activity.tables import activity

    store = Store(url)
    try:
        async with store.connect() as conn:
            total = (await conn.execute(select(func.sum(activity.c.minutes)))).scalar()
    finally:
        await store.close()
    return int(total or 0)


def test_sandbox_db_accepts_a_database_url(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "tour.txt"
    script.write_text(SANDBOX_SCRIPT, encoding="utf-8")
    code, out, err = run(["sandbox", "--script", str(script), "--db", db_url], capsys)
    assert code == 0, err
    assert "alice> /log minutes:30 kind:course" in out
    assert run_async(lambda: _logged_minutes(db_url)) == 30  # the sandbox wrote there


@pytest.mark.sqlite_only
def test_sandbox_db_takes_a_bare_path_as_a_sqlite_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = tmp_path / "tour.txt"
    script.write_text(SANDBOX_SCRIPT, encoding="utf-8")
    path = tmp_path / "folder" / "sandbox.db"
    code, _out, err = run(["sandbox", "--script", str(script), "--db", str(path)], capsys)
    assert code == 0, err
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT sum(minutes) FROM activity").fetchone()[0] == 30


def test_sandbox_db_refuses_a_url_without_an_async_driver(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(["sandbox", "--demo", "--db", "postgresql://u@h/db"], capsys)
    assert code == 2 and "async driver" in err and "Traceback" not in err
