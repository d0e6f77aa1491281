"""The async engine, SQLite pragmas, Alembic migrations and the transaction boundary."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.core.records import frozen
from bot.core.store.checkpoints import BACKSTOP_PAGES, WalCheckpointer, database_file
from bot.core.store.drivers import MissingDatabaseDriver, missing_driver
from bot.core.store.locks import LOCK_CLASS, MIGRATION_KEY, ProcessLocks

log = logging.getLogger(__name__)
T = TypeVar("T")

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 5000
#: The longest a bulk writer leaves SQLite to other writers between its transactions.
WRITERS_WAIT_SECONDS = 0.25


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    return ",".join(sorted(heads))


def _ensure_sqlite_folder(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return
    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Checkpoints are the store's thread's job (`bot.core.store.checkpoints`), not a commit's:
    # a commit checkpoints only if that thread fell far behind.
    cursor.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
    cursor.close()


@frozen
class Claimant:
    """Who this process is on a shared database, for the delivery ledger: its claims carry
    `owner`, and hold for `lease` (a claim past its lease belonged to a process that died)."""

    owner: str = "studybot"
    lease: timedelta = timedelta(minutes=5)


class Store:
    """Owns the engine. Services open one transaction per call with `begin()`."""

    def __init__(self, url: str, *, claimant: Claimant | None = None) -> None:
        self.url = url
        problem = missing_driver(url)
        if problem is not None:
            raise MissingDatabaseDriver(problem)
        self.claimant = claimant or Claimant()
        _ensure_sqlite_folder(url)
        self.engine: AsyncEngine = create_async_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self.closed = False
        #: Checkpoints a SQLite file's WAL beside the bot's commits (None: PostgreSQL, memory).
        self.checkpointer: WalCheckpointer | None = None
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
            path = database_file(url)
            if path is not None:
                self.checkpointer = WalCheckpointer(path)
                self.checkpointer.start()
                # A store dropped without close() must not leave its thread polling forever.
                weakref.finalize(self, self.checkpointer.stop_soon)
        #: This process's shard and leader locks (PostgreSQL; see `bot.core.store.locks`).
        self.locks = ProcessLocks(self.engine)
        # Transactions open in this process, and an event set whenever there are none: what
        # `let_writers_in` waits for.
        self._open = 0
        self._none_open = asyncio.Event()
        self._none_open.set()

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        """One transaction: committed when the block ends, rolled back on any error."""
        self._open += 1
        self._none_open.clear()
        try:
            async with self.engine.begin() as connection:
                yield connection
        finally:
            self._open -= 1
            if self._open == 0:
                self._none_open.set()

    async def let_writers_in(self, within: float = WRITERS_WAIT_SECONDS) -> None:
        """Between the transactions of a bulk write (a sweep's detections, slice by slice),
        on SQLite: wait until this process's other transactions are done, at most `within`.

        SQLite has one writer at a time, and a writer that finds the database busy polls
        with growing sleeps (up to 100 ms). Slices that follow each other at once win every
        race: a member's `/log` waited over a second behind a sweep's recording. Bounded, so
        a transaction left open elsewhere cannot stall the bulk write. PostgreSQL's writers
        do not queue like this, and nothing waits there.
        """
        if not self.is_sqlite or self._open == 0:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._none_open.wait(), within)

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        """A read-only connection (no explicit transaction bookkeeping)."""
        async with self.engine.connect() as connection:
            yield connection

    async def migrate(self, revision: str = "heads") -> None:
        await self._alembic(command.upgrade, revision)

    async def downgrade(self, revision: str) -> None:
        await self._alembic(command.downgrade, revision)

    async def current_revision(self) -> str | None:
        """The applied revision(s), comma-joined when feature branches are applied side by side."""
        async with self.engine.connect() as connection:
            heads = await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_heads()
            )
        return ",".join(sorted(heads)) or None

    async def _alembic(self, action: Any, revision: str) -> None:
        config = alembic_config()

        def run(sync_connection: Connection) -> None:
            if sync_connection.dialect.name == "postgresql":
                # Shard processes starting together would migrate a fresh database at once
                # (duplicate-key errors): one migrates, the others wait, then find it done.
                sync_connection.execute(
                    text("SELECT pg_advisory_xact_lock(:class, :key)"),
                    {"class": LOCK_CLASS, "key": MIGRATION_KEY},
                )
            config.attributes["connection"] = sync_connection
            action(config, revision)

        async with self.engine.begin() as connection:
            await connection.run_sync(run)
        log.info("database at revision %s", await self.current_revision())

    async def ping(self) -> bool:
        """True when a connection can be opened and answers `SELECT 1` (for `/healthz`).

        False once the store was closed: the engine would quietly reopen its pool, but a bot
        that closed its store is shutting down and must not be reported healthy.
        """
        if self.closed:
            return False
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as error:  # any failure (driver, network, file) means unreachable
            log.warning("database unreachable: %s", type(error).__name__)
            return False
        return True

    async def close(self) -> None:
        self.closed = True
        await self.locks.close()
        await self.engine.dispose()
        if self.checkpointer is not None:
            # After the engine: the last connection to close checkpoints and removes the WAL.
            await asyncio.to_thread(self.checkpointer.stop)


#: PostgreSQL's answers when it chose this transaction to lose a race for locks: a deadlock
#: (40P01) or a serialization failure (40001). The transaction was rolled back whole, and the
#: same work done again is expected to succeed.
LOST_LOCK_RACE = frozenset({"40P01", "40001"})


def lost_lock_race(error: BaseException) -> bool:
    """Whether `error` is the server rolling this transaction back to break a lock race."""
    return isinstance(error, DBAPIError) and getattr(error.orig, "sqlstate", None) in (
        LOST_LOCK_RACE
    )


async def again_after_lost_lock_race(work: Callable[[], Awaitable[T]], retries: int) -> T:
    """`await work()` (one whole transaction), done again when the server rolled it back to
    break a lock race, `retries` times at most. For work whose writes a second try repeats
    harmlessly (compare-and-set moves, status marks, claims): any other error is raised."""
    for attempt in range(retries):
        try:
            return await work()
        except Exception as error:
            if not lost_lock_race(error):
                raise
            log.info("a transaction lost a lock race (attempt %d); doing it again", attempt + 1)
    return await work()
