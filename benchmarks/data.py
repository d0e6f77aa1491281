"""The benchmark dataset: the synthetic guild (`benchmarks.synthetic`) in a database, cached.

One row source, two sinks. The schema is always created by the real Alembic migrations
(`Store.migrate()`), so the dataset matches the bot's schema on either backend; then the
rows go in bulk, not through the store functions (which write one member at a time, as the
bot does at runtime): 100k members and ~2M activity rows must take seconds, not minutes.

- SQLite (here): raw `sqlite3` `executemany` in one transaction, instants written in
  exactly the text SQLAlchemy stores (`YYYY-MM-DD HH:MM:SS.ffffff`); the file is cached as
  `guild-<members>-<key>.db`, written under a temporary name and renamed when complete.
- PostgreSQL (`benchmarks.pgdata`): `COPY` through asyncpg; cached as a database named
  from the same key, loaded under a temporary name and renamed when complete.

On both, the big tables' secondary indexes are dropped before loading and built after it
(one sort each instead of row-by-row maintenance), then the planner statistics are gathered.
The cache key covers the generator version, the size, the seed, the layout's ids and the
migrations' text, so a changed migration or generator means a new dataset.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.synthetic import GUILD_ZONE, Batch, batches
from benchmarks.world import Layout

__all__ = [
    "BULK_TABLES",
    "GUILD_ZONE",
    "DatasetInfo",
    "cache_key",
    "copy_dataset",
    "database_url",
    "dataset",
    "generate",
    "sqlite_file",
    "sqlite_instant",
]

GENERATOR_VERSION = 5
SEED = 20260302
# Tables whose secondary indexes are built after the load.
BULK_TABLES = ("activity", "daily_completions", "interview_cards", "due_reminders")
INSTANT_TEXT = "%Y-%m-%d %H:%M:%S.%f"


def sqlite_instant(instant: datetime) -> str:
    """How SQLAlchemy's SQLite DateTime stores a UTC instant (aware, or naive UTC)."""
    if instant.tzinfo is not None:
        instant = instant.astimezone(UTC)
    return instant.strftime(INSTANT_TEXT)


@dataclass
class DatasetInfo:
    """A generated dataset: `url` is the cached original (benchmarks write to copies)."""

    backend: str
    url: str
    members: int
    seed: int
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)
    cached: bool = False
    #: SQLite: the file behind `url`.
    path: Path | None = None
    #: Where the generation time went: migrate, load, indexes, statistics (seconds).
    phases: dict[str, float] = field(default_factory=dict)


class Phases:
    """Seconds per phase of a generation, for the report."""

    def __init__(self) -> None:
        self.began = self.last = time.perf_counter()
        self.phases: dict[str, float] = {}

    def mark(self, phase: str) -> None:
        now = time.perf_counter()
        self.phases[phase] = round(now - self.last, 2)
        self.last = now

    def total(self) -> float:
        return time.perf_counter() - self.began


def _schema_fingerprint() -> str:
    """The migrations' text: a changed migration (not only a new head) means a new dataset."""
    from bot.core.store.engine import MIGRATIONS_DIR

    digest = hashlib.sha256()
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _generator_fingerprint() -> str:
    """The row source's and the sinks' code: editing the generator means a new dataset."""
    digest = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in ("synthetic.py", "data.py", "pgdata.py", "world.py"):
        source = here / name
        if source.exists():
            digest.update(source.read_bytes())
    return digest.hexdigest()


def cache_key(layout: Layout, members: int, seed: int) -> str:
    blob = json.dumps(
        [
            GENERATOR_VERSION,
            members,
            seed,
            _schema_fingerprint(),
            _generator_fingerprint(),
            layout.guild_id,
            list(layout.user_ids(3)),
        ],
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def database_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def dataset(layout: Layout, members: int, *, seed: int = SEED, cache_dir: Path) -> DatasetInfo:
    """The SQLite dataset file for (layout, members, seed, schema), generated when missing."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    key = cache_key(layout, members, seed)
    path = cache_dir / f"guild-{members}-{key}.db"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists():
        info = json.loads(meta.read_text())
        return DatasetInfo(
            "sqlite",
            database_url(path),
            members,
            seed,
            info["seconds"],
            info["rows"],
            cached=True,
            path=path,
            phases=info.get("phases", {}),
        )
    tmp = path.with_suffix(f".{os.getpid()}.tmp")  # concurrent runs each write their own
    for stale in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        stale.unlink(missing_ok=True)
    made = generate(tmp, layout, members, seed=seed)
    meta.write_text(json.dumps({"seconds": made.seconds, "rows": made.rows, "phases": made.phases}))
    tmp.replace(path)  # atomic: a reader sees the whole file or none
    made.path, made.url = path, database_url(path)
    return made


def sqlite_file(url: str) -> Path:
    """The file of a SQLite database URL; a clear error on any other backend (for code that
    still prepares rows with raw `sqlite3`)."""
    prefix = "sqlite+aiosqlite:///"
    if not url.startswith(prefix):
        raise NotImplementedError("this step uses raw sqlite3; port it to SQLAlchemy (Store)")
    return Path(url[len(prefix) :])


def copy_dataset(info: DatasetInfo, target: Path) -> Path:
    """A private copy of a SQLite dataset file (prefer `await ctx.database(name)`, which
    works on every backend)."""
    if info.path is None:
        raise ValueError(f"copy_dataset copies SQLite files; this dataset is {info.backend}")
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(info.path, target)
    # On disk before anything is timed: the copy (~1 GB at 100k members) is otherwise dirty
    # pages that the kernel writes back over the next half minute, under the benchmark's
    # first runs, and the first WAL checkpoint's fsync of the file waits for all of it.
    with open(target, "rb+") as copied:
        os.fsync(copied.fileno())
    return target


async def migrate(url: str) -> None:
    """The schema, by the real Alembic migrations."""
    from bot.core.store import Store

    store = Store(url)
    try:
        await store.migrate()
    finally:
        await store.close()


# --- the SQLite sink ---------------------------------------------------------------------


def generate(path: Path, layout: Layout, members: int, *, seed: int = SEED) -> DatasetInfo:
    """Create the schema with the real migrations, then bulk-insert the synthetic guild."""
    clock = Phases()
    asyncio.run(migrate(database_url(path)))
    clock.mark("migrate")
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA synchronous=OFF")
        con.execute("PRAGMA cache_size=-200000")
        schema, instants = _schema(con)
        rows: dict[str, int] = {}
        with con:
            indexes = _drop_indexes(con, BULK_TABLES)
            for batch in batches(layout, members, seed, schema):
                rows[batch.table] = _insert(con, batch, instants.get(batch.table, set()))
            clock.mark("load")
            for ddl in indexes:
                con.execute(ddl)
        clock.mark("indexes")
        con.execute("ANALYZE")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        clock.mark("ANALYZE")
    finally:
        con.close()
    url = database_url(path)
    seconds, phases = clock.total(), clock.phases
    return DatasetInfo("sqlite", url, members, seed, seconds, rows, path=path, phases=phases)


def _schema(con: sqlite3.Connection) -> tuple[dict[str, dict[str, bool]], dict[str, set[str]]]:
    """{table: {column: required}} and {table: its instant (DATETIME) columns}."""
    schema: dict[str, dict[str, bool]] = {}
    instants: dict[str, set[str]] = {}
    tables = [row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    for table in tables:
        columns = schema[table] = {}
        for _cid, name, kind, notnull, default, pk in con.execute(f'PRAGMA table_info("{table}")'):
            serial = pk and kind.upper() == "INTEGER"
            columns[name] = bool(notnull) and default is None and not serial
            if kind.upper() == "DATETIME":
                instants.setdefault(table, set()).add(name)
    return schema, instants


def _drop_indexes(con: sqlite3.Connection, tables: Sequence[str]) -> list[str]:
    """Drop the explicit indexes of `tables`; returns their CREATE INDEX statements."""
    marks = ", ".join("?" * len(tables))
    found = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks})",
        tuple(tables),
    ).fetchall()
    for name, _sql in found:
        con.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in found]


def _as_text(rows: Iterable[Sequence[Any]], positions: list[int]) -> Iterable[Sequence[Any]]:
    """Instants as SQLAlchemy's SQLite text (the row source hands naive UTC datetimes)."""
    for row in rows:
        values = list(row)
        for index in positions:
            value = values[index]
            if value is not None:
                values[index] = value.strftime(INSTANT_TEXT)
        yield values


def _insert(con: sqlite3.Connection, batch: Batch, instants: set[str]) -> int:
    columns = batch.columns
    positions = [index for index, name in enumerate(columns) if name in instants]
    rows = _as_text(batch.rows, positions) if positions else batch.rows
    marks = ", ".join("?" * len(columns))
    cursor = con.executemany(
        f"INSERT INTO {batch.table} ({', '.join(columns)}) VALUES ({marks})", rows
    )
    return cursor.rowcount
