"""One process per SQLite database: the lock `studybot run` holds while it runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.ops.instance_lock import AlreadyRunning, single_process, sqlite_lock_path


def test_the_lock_sits_next_to_the_sqlite_file_and_not_on_postgresql(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'studybot.db'}"
    assert sqlite_lock_path(url) == tmp_path / "data" / "studybot.db.lock"
    assert sqlite_lock_path("postgresql+asyncpg://u@127.0.0.1/db") is None
    assert sqlite_lock_path("sqlite+aiosqlite:///:memory:") is None


def test_a_second_holder_is_refused_until_the_first_lets_go(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'studybot.db'}"
    refused = pytest.raises(AlreadyRunning, match="already running on the SQLite database")
    with single_process(url), refused, single_process(url):
        pass  # pragma: no cover - never entered
    with single_process(url):  # released: a restart is not blocked by a stale file
        assert (tmp_path / "studybot.db.lock").exists()


def test_postgresql_takes_no_lock() -> None:
    url = "postgresql+asyncpg://u@127.0.0.1/db"
    with single_process(url), single_process(url):
        pass
