"""Which database the suite runs on, and fresh databases on it.

SQLite by default: a migrated template file per session (per xdist worker), copied per test.
With `STUDYBOT_TEST_DATABASE_URL` naming a PostgreSQL server
(`postgresql+asyncpg://postgres@127.0.0.1:5432/postgres`), every test that touches a database
runs on PostgreSQL instead: a migrated template database per session (per worker), then
`CREATE DATABASE t_<unique> TEMPLATE <template>` per test, dropped after it.

`@pytest.mark.sqlite_only` marks the few tests that are about SQLite itself (PRAGMAs, the file,
its backup): they are skipped on PostgreSQL, with a reason.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy.engine import URL, make_url

from bot.core.store import Store

ENV_VAR = "STUDYBOT_TEST_DATABASE_URL"
T = TypeVar("T")
RAW_URL = os.environ.get(ENV_VAR, "").strip()


def _server_url() -> URL | None:
    if not RAW_URL:
        return None
    try:
        url = make_url(RAW_URL)
    except Exception:
        return None
    return url if url.drivername == "postgresql+asyncpg" else None


SERVER_URL = _server_url()
ON_POSTGRES = SERVER_URL is not None
BACKEND = "postgresql" if ON_POSTGRES else "sqlite"


def sqlite_only_reason(why: str | None) -> str:
    """The skip reason of a `sqlite_only` test on PostgreSQL (the summary counts these)."""
    return f"SQLite-only: {why or 'tests SQLite itself'} ({ENV_VAR} selects PostgreSQL)"


def check_environment() -> None:
    """Refuse a STUDYBOT_TEST_DATABASE_URL that is not a PostgreSQL (asyncpg) URL, rather
    than silently running the suite on SQLite."""
    if RAW_URL and SERVER_URL is None:
        raise pytest.UsageError(
            f"{ENV_VAR} must name a PostgreSQL server with the asyncpg driver, such as "
            "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
        )
    if SERVER_URL is None:
        return
    try:
        import asyncpg  # noqa: F401
    except ModuleNotFoundError:
        raise pytest.UsageError(
            f'{ENV_VAR} needs the asyncpg driver: pip install -e ".[dev]"'
        ) from None
    try:
        run_async(lambda: PostgresServer(SERVER_URL).admin("SELECT 1"))
    except Exception as error:  # say it once, not once per test
        where = SERVER_URL.render_as_string(hide_password=True)
        raise pytest.UsageError(f"{ENV_VAR}: cannot reach {where}: {error}") from None


def run_async(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to completion from synchronous fixture code, even when the calling
    thread already has an event loop (pytest-asyncio's): in a thread of its own."""
    result: list[T] = []
    errors: list[BaseException] = []

    async def runner() -> T:
        return await make()

    def target() -> None:
        try:
            result.append(asyncio.run(runner()))
        except BaseException as error:  # re-raised in the caller
            errors.append(error)

    thread = threading.Thread(target=target, name="test-database-admin")
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


def _render(url: URL) -> str:
    return url.render_as_string(hide_password=False)


class PostgresServer:
    """Creates and drops databases on the server named by STUDYBOT_TEST_DATABASE_URL."""

    def __init__(self, server: URL) -> None:
        self.server = server

    def url(self, database: str) -> str:
        return _render(self.server.set(database=database))

    async def admin(self, *statements: str) -> None:
        import asyncpg  # the dev extra installs it; only needed on this path

        connection = await asyncpg.connect(
            host=self.server.host or "127.0.0.1",
            port=self.server.port or 5432,
            user=self.server.username or "postgres",
            password=self.server.password,
            database=self.server.database or "postgres",
        )
        try:
            for statement in statements:
                await connection.execute(statement)
        finally:
            await connection.close()

    def create(self, name: str, template: str = "template0") -> str:
        # Names are made here (letters, digits, underscores), never taken from input.
        run_async(lambda: self.admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        return self.url(name)

    def drop(self, name: str) -> None:
        # WITH (FORCE): a test that leaked a connection (or a killed subprocess) cannot keep
        # its database alive.
        run_async(lambda: self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class Databases:
    """Fresh migrated databases for tests, on the selected backend."""

    def __init__(self, root: Path, worker: str) -> None:
        self.root = root
        self.worker = worker
        self.server = PostgresServer(SERVER_URL) if SERVER_URL is not None else None
        self.template_name = f"studybot_tpl_{worker}_{os.getpid()}"
        self.template_path = root / "template.db"
        self.created: list[str] = []

    def _sqlite_url(self, path: Path) -> str:
        return f"sqlite+aiosqlite:///{path}"

    def migrate_template(self) -> None:
        if self.server is None:
            url = self._sqlite_url(self.template_path)
        else:
            self.server.drop(self.template_name)
            url = self.server.create(self.template_name)

        async def migrate() -> None:
            store = Store(url)
            try:
                await store.migrate()
            finally:
                # The last connection closing checkpoints SQLite's WAL into the file; on
                # PostgreSQL no connection may stay open on a template being copied.
                await store.close()

        run_async(migrate)

    def fresh(self, folder: Path) -> str:
        """A migrated database of its own (a file in `folder` on SQLite)."""
        if self.server is None:
            target = folder / "studybot.db"
            shutil.copyfile(self.template_path, target)
            return self._sqlite_url(target)
        name = f"t_{uuid.uuid4().hex[:16]}"
        self.created.append(name)
        return self.server.create(name, template=self.template_name)

    def empty(self, folder: Path) -> str:
        """A database with no tables at all (in a subfolder that does not exist yet, on
        SQLite: the store makes the folder)."""
        if self.server is None:
            return self._sqlite_url(folder / "nested" / "fresh.db")
        name = f"t_{uuid.uuid4().hex[:16]}"
        self.created.append(name)
        return self.server.create(name)

    def release(self, url: str) -> None:
        if self.server is None:
            return  # tmp_path is cleaned by pytest
        name = make_url(url).database
        if name in self.created:
            self.server.drop(name)
            self.created.remove(name)

    def close(self) -> None:
        if self.server is None:
            return
        for name in list(self.created):
            self.server.drop(name)
        self.server.drop(self.template_name)
