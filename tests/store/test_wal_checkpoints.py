"""SQLite's WAL is checkpointed by the store's thread, not by the commits (`checkpoints`)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.core.store import Store
from bot.core.store.checkpoints import BACKSTOP_PAGES, WalCheckpointer, database_file

pytestmark = pytest.mark.sqlite_only(reason="the WAL and its checkpoints are SQLite's")

#: Rows of ~1 KB: enough to take the log past a few hundred pages.
ROWS = 2000


async def _write(store: Store, rows: int = ROWS) -> None:
    async with store.begin() as conn:
        await conn.execute(text("CREATE TABLE IF NOT EXISTS filler (n INTEGER, body TEXT)"))
        await conn.execute(
            text("INSERT INTO filler VALUES (:n, :body)"),
            [{"n": n, "body": "x" * 1000} for n in range(rows)],
        )


def _paused(store: Store) -> WalCheckpointer:
    """The store's checkpointer with its thread stopped: the test checkpoints by hand."""
    checkpointer = store.checkpointer
    assert checkpointer is not None
    checkpointer.stop()
    return checkpointer


async def test_commits_leave_the_checkpoint_to_the_thread(store: Store) -> None:
    async with store.connect() as conn:
        pages = (await conn.execute(text("PRAGMA wal_autocheckpoint"))).scalar()
    assert pages == BACKSTOP_PAGES
    checkpointer = _paused(store)
    for _ in range(3):
        await _write(store)
    # The log holds every commit's pages, well past SQLite's default auto-checkpoint (1,000
    # pages): no commit copied it back (that would have started the log over).
    busy, log_frames, done = checkpointer.checkpoint() or (1, 0, 0)
    assert busy == 0 and done == log_frames > 1000
    assert checkpointer.checkpoint() == (0, log_frames, log_frames)  # nothing left to copy


async def test_the_thread_checkpoints_and_the_log_starts_over(store: Store) -> None:
    """The log does not grow without bound: once checkpointed, SQLite writes it from its
    start again, so its size stays that of the writes between two checkpoints."""
    checkpointer = _paused(store)
    path = database_file(store.url)
    assert path is not None
    wal = path.with_name(path.name + "-wal")
    await _write(store)
    checkpointer.checkpoint()
    size = wal.stat().st_size
    for _ in range(5):
        await _write(store)
        checkpointer.checkpoint()
        # (a page or two more as the table grows; five rounds without checkpoints: 5x)
        assert wal.stat().st_size <= size * 1.1
    assert checkpointer.runs == 6


class _Observed(WalCheckpointer):
    """A checkpointer that says when its thread has caught up with the log."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, interval=0.01)
        self.caught_up = threading.Event()

    def checkpoint(self) -> tuple[int, int, int] | None:
        done = super().checkpoint()
        if done is not None and done[0] == 0 and done[1] == done[2] > 0:
            self.caught_up.set()
        return done


async def test_a_running_thread_checkpoints_by_itself(store: Store) -> None:
    path = _paused(store).path
    observed = _Observed(path)
    store.checkpointer = observed
    await _write(store)
    observed.start()
    # A bound in case it never happens; no duration is asserted.
    assert await asyncio.to_thread(observed.caught_up.wait, 30)
    await store.close()
    assert observed._thread is None and observed._connection is None


async def test_nothing_written_is_lost(store: Store) -> None:
    checkpointer = _paused(store)
    for _ in range(3):
        await _write(store)
        checkpointer.checkpoint()
    url = store.url
    await store.close()
    reopened = Store(url)
    try:
        async with reopened.connect() as conn:
            count = (await conn.execute(text("SELECT count(*) FROM filler"))).scalar()
        assert count == 3 * ROWS
    finally:
        await reopened.close()


def test_databases_in_memory_have_no_checkpointer(tmp_path: Path) -> None:
    assert database_file("sqlite+aiosqlite:///:memory:") is None
    assert database_file("sqlite+aiosqlite:///file:x?mode=memory&uri=true") is None
    assert database_file("postgresql+asyncpg://u@h/db") is None
    assert database_file(f"sqlite+aiosqlite:///{tmp_path / 'a.db'}") == tmp_path / "a.db"


def test_a_missing_file_is_not_created(tmp_path: Path) -> None:
    checkpointer = WalCheckpointer(tmp_path / "later.db")
    assert checkpointer.checkpoint() is None
    assert not (tmp_path / "later.db").exists()


class _Failing(WalCheckpointer):
    """A checkpointer whose checkpoints raise `errors`, one each, then succeed."""

    def __init__(self, path: Path, errors: list[sqlite3.Error]) -> None:
        super().__init__(path, interval=0.001)
        self.errors = errors
        self.done = threading.Event()

    def checkpoint(self) -> tuple[int, int, int] | None:
        if self.errors:
            raise self.errors.pop(0)
        self.done.set()
        return None


async def test_a_busy_database_is_retried_quietly_and_other_errors_are_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    busy = sqlite3.OperationalError("database is locked")
    busy.sqlite_errorcode = sqlite3.SQLITE_BUSY
    checkpointer = _Failing(tmp_path / "a.db", [busy, sqlite3.OperationalError("disk I/O error")])
    checkpointer.start()
    try:
        assert await asyncio.to_thread(checkpointer.done.wait, 30)  # retried after both
    finally:
        checkpointer.stop()
    warned = [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]
    assert len(warned) == 1 and "disk I/O error" in warned[0]
