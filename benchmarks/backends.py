"""The database backends the suite runs every benchmark on: SQLite and PostgreSQL.

A backend makes (or finds cached) the dataset, hands each benchmark private writable copies
of it as database URLs, drops them afterwards, and describes itself for the report. The
harness (`Context.database`) is the only caller; benchmark modules see URLs.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from sqlalchemy.engine import URL, make_url

from benchmarks import data, pgdata
from benchmarks.world import Layout

ENV_SERVER = "STUDYBOT_BENCH_POSTGRES_URL"
ENV_PREFIX = "STUDYBOT_BENCH_DB_PREFIX"
DEFAULT_PREFIX = "studybot_bench"
LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class Backend(Protocol):
    name: str

    def dataset(self, layout: Layout, members: int) -> data.DatasetInfo: ...

    async def copy(self, dataset: data.DatasetInfo, name: str, *, empty: bool) -> str: ...

    async def drop(self, url: str) -> None: ...

    def describe(self) -> str: ...


@dataclass(frozen=True)
class NotRun:
    """A backend that was asked for but cannot run, and why (one line for the report).
    `failed`: a server was given and does not work (the run fails); not giving one is not
    an error."""

    name: str
    reason: str
    failed: bool = False


def _shown(raw_url: str) -> str:
    try:
        return make_url(raw_url).render_as_string(hide_password=True)
    except Exception:
        return "the server URL given"


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9_]", "_", name.lower())


class SqliteBackend:
    name = "sqlite"

    def __init__(self, cache_dir: Path, work: Path) -> None:
        self.cache_dir = cache_dir
        self.work = work

    def dataset(self, layout: Layout, members: int) -> data.DatasetInfo:
        return data.dataset(layout, members, cache_dir=self.cache_dir)

    async def copy(self, dataset: data.DatasetInfo, name: str, *, empty: bool) -> str:
        target = self.work / "sqlite" / f"{_slug(name)}.db"
        for stale in target.parent.glob(f"{target.name}*"):
            stale.unlink()
        if empty:
            target.parent.mkdir(parents=True, exist_ok=True)
            return data.database_url(target)
        return data.database_url(data.copy_dataset(dataset, target))

    async def drop(self, url: str) -> None:
        path = make_url(url).database or ""
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{path}{suffix}")

    def describe(self) -> str:
        return f"SQLite {sqlite3.sqlite_version} (aiosqlite, WAL, synchronous=NORMAL)"


class PostgresBackend:
    name = "postgresql"

    def __init__(self, server: URL, prefix: str, version: str, settings: list[str]) -> None:
        self.server = server
        self.prefix = prefix
        self.version = version
        self.settings = settings
        self.made = 0

    @classmethod
    def connect(cls, raw_url: str, prefix: str) -> PostgresBackend | NotRun:
        """The backend when the server answers; otherwise why not, in one line."""
        try:
            server = pgdata.server_url(raw_url)
            import asyncpg  # noqa: F401  (the postgres extra)

            version, settings = asyncio.run(pgdata.server_facts(server))
        except ModuleNotFoundError:
            missing = 'not run: the asyncpg driver is missing (pip install -e ".[postgres]")'
            return NotRun("postgresql", missing, failed=True)
        except Exception as error:
            why = (str(error).strip().splitlines() or [type(error).__name__])[0]
            reason = f"not run: cannot reach {_shown(raw_url)}: {why}"
            return NotRun("postgresql", reason, failed=True)
        return cls(server, prefix, version, settings)

    def dataset(self, layout: Layout, members: int) -> data.DatasetInfo:
        return asyncio.run(pgdata.dataset(self.server, layout, members, prefix=self.prefix))

    async def copy(self, dataset: data.DatasetInfo, name: str, *, empty: bool) -> str:
        self.made += 1
        copy = f"{self.prefix}_{os.getpid()}_{self.made}_{_slug(name)}"[: pgdata.MAX_NAME]
        if empty:
            return await pgdata.create_empty(self.server, copy)
        template = make_url(dataset.url).database or ""
        return await pgdata.copy(self.server, template, copy)

    async def drop(self, url: str) -> None:
        await pgdata.drop(self.server, make_url(url).database or "")

    def describe(self) -> str:
        settings = ", ".join(self.settings) or "none"
        return f"PostgreSQL {self.version} (asyncpg); non-default settings: {settings}"


def choose(
    wanted: list[str], *, server: str | None, prefix: str, cache_dir: Path, work: Path
) -> list[Backend | NotRun]:
    """The backends asked for, in order; PostgreSQL needs a server URL (flag or env)."""
    chosen: list[Backend | NotRun] = []
    for name in wanted:
        if name == "sqlite":
            chosen.append(SqliteBackend(cache_dir, work))
        elif name == "postgresql":
            if not server:
                chosen.append(
                    NotRun(
                        name,
                        f"not run: no server given (--postgres URL or {ENV_SERVER})",
                    )
                )
            else:
                chosen.append(PostgresBackend.connect(server, prefix))
        else:
            raise ValueError(f"unknown backend {name!r} (sqlite, postgresql)")
    return chosen
