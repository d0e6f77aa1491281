"""SQLite's WAL checkpoints, taken off the commit path: a thread of the store checkpoints.

In WAL mode a commit appends to the `-wal` file, and by default the commit that takes the
file past 1,000 pages copies the whole log back into the database (an auto-checkpoint) before
it returns: 15–20 ms added to whichever transaction happens to cross the line, such as one
batch of the dispatcher's tick with 10,000 reminders due.

So the bot's connections auto-checkpoint only as a backstop (`BACKSTOP_PAGES`, far past what
the thread lets the log reach), and `WalCheckpointer` checkpoints from a thread with a
connection of its own, every `INTERVAL_SECONDS`: PASSIVE, so it never waits for the bot's
readers or writers and never makes them wait (SQLite's own auto-checkpoint is PASSIVE too:
the log is bounded exactly as before). The sqlite3 module releases the interpreter lock while
SQLite works, so the copy runs beside the event loop, on the other core.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from pathlib import Path

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

#: How often the thread checkpoints. A PASSIVE checkpoint with nothing to copy costs a few
#: microseconds; with a busy second's log (~1,000 pages at most in the bot) a few ms.
INTERVAL_SECONDS = 0.5
#: The bot's connections still checkpoint at commit once the log reaches this many pages
#: (~40 MB): only if the thread has fallen far behind or stopped.
BACKSTOP_PAGES = 10_000


def database_file(url: str) -> Path | None:
    """The file of a SQLite URL, or None when there is no file to checkpoint (in memory)."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:") or parsed.query.get("mode") == "memory":
        return None  # URI databases (shared memory in tests): left to SQLite's own
    return Path(database).expanduser()


class WalCheckpointer:
    """Checkpoints one SQLite database's WAL every `interval` seconds from a daemon thread,
    until `stop()` (which waits for the thread and closes its connection)."""

    def __init__(self, path: Path, interval: float = INTERVAL_SECONDS) -> None:
        self.path = path
        self.interval = interval
        #: Checkpoints taken, and the last one's (busy, log frames, frames checkpointed).
        self.runs = 0
        self.last: tuple[int, int, int] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._connection: sqlite3.Connection | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name=f"wal-checkpoint:{self.path.name}", daemon=True
            )
            self._thread.start()

    def stop_soon(self) -> None:
        """Tell the thread to stop, without waiting for it."""
        self._stop.set()

    def stop(self) -> None:
        """Stop the thread and close its connection (blocking: call it from a thread when on
        the event loop)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def checkpoint(self) -> tuple[int, int, int] | None:
        """One PASSIVE checkpoint now: (busy, log frames, frames checkpointed), or None while
        the database file does not exist yet. Called from the thread (and by tests)."""
        connection = self._connection or self._open()
        if connection is None:
            return None
        row = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        self.runs += 1
        self.last = (int(row[0]), int(row[1]), int(row[2]))
        return self.last

    def _open(self) -> sqlite3.Connection | None:
        if not self.path.exists():
            return None  # never create the file: the store's first connection does that
        # Autocommit: the thread never holds a transaction (a reader pinning old log frames
        # would keep the checkpoint from finishing).
        # No busy wait either: a checkpoint that finds a lock taken is simply retried at the
        # next interval, never waited for while the bot's transactions run.
        self._connection = sqlite3.connect(
            self.path, timeout=0, isolation_level=None, check_same_thread=False
        )
        return self._connection

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    self.checkpoint()
                except sqlite3.Error as error:
                    # Busy (another connection checkpointing, or the file locked for a
                    # moment): retried at the next interval. Anything else is worth a word.
                    busy = getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY
                    (log.debug if busy else log.warning)(
                        "WAL checkpoint of %s failed: %s", self.path, error
                    )
        finally:
            if self._connection is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._connection.close()
                self._connection = None
