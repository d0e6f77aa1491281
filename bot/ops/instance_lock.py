"""One process per SQLite database: a second `studybot run` on the same file is refused.

Two bot processes on one SQLite file would both schedule every guild's posts and fight over
the file's write lock. PostgreSQL is the database for more than one process; on SQLite the
first process holds an exclusive `flock` on `<database>.lock` for as long as it runs, and the
operating system releases it when the process ends, however it ends (a crash or SIGKILL
included), so a stale lock file never blocks a restart.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url


class AlreadyRunning(Exception):
    """Another process holds the database's lock; `str()` is the operator's message."""


def sqlite_lock_path(database_url: str) -> Path | None:
    """`<database file>.lock` for a SQLite file URL; None for other databases."""
    parsed = make_url(database_url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        return None
    return Path(database).expanduser().with_name(Path(database).name + ".lock")


@contextmanager
def single_process(database_url: str) -> Iterator[None]:
    """Hold the SQLite database's process lock while the block runs (nothing on PostgreSQL)."""
    path = sqlite_lock_path(database_url)
    if path is None:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AlreadyRunning(
                f"Another studybot process is already running on the SQLite database "
                f"{path.with_suffix('')}: two processes on one SQLite file would both post "
                "every scheduled message. Fix: stop the other process (it holds "
                f"{path.name}), or, to run more than one process, use PostgreSQL "
                "(DATABASE_URL=postgresql+asyncpg://…) with its own INSTANCE_NAME for each."
            ) from None
        yield
    finally:
        os.close(descriptor)  # closing the descriptor releases the lock
