"""The PostgreSQL side of the benchmark dataset: the COPY sink, the cached dataset database
and the per-benchmark copies made from it.

The dataset is a database named `<prefix>_<members>_<key>` (the key of `data.cache_key`).
It is loaded as `<name>_loading_<pid>` and renamed when complete, its figures (rows, seconds)
in the database's comment: a half-loaded database never carries the final name, and a
loading database left by a dead process is dropped by the next generation.

A benchmark's copy is `CREATE DATABASE <copy> TEMPLATE <dataset> STRATEGY FILE_COPY` — a
file-level copy, far faster than loading again. (PostgreSQL 15's default strategy, WAL_LOG,
writes the whole copy to the WAL: ~0.5 GB for the 100k dataset, which set off checkpoints
that ran on through the timed runs after it, each modified page's first write then logged
whole. FILE_COPY checkpoints before and after the copy instead, so a benchmark starts with
no backlog of its own making.) PostgreSQL refuses it while anyone else is connected to the
template, so copies are made one at a time, nobody but a copy ever connects to the dataset
after it is renamed, and a copy that meets another process's copy in progress waits and
retries.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.engine import URL, make_url

from benchmarks.data import BULK_TABLES, SEED, DatasetInfo, Phases, cache_key, migrate
from benchmarks.synthetic import batches
from benchmarks.world import Layout

# Copies wait this long for another process's copy of the same template to finish.
COPY_PATIENCE_S = 120.0
CONNECT_TIMEOUT_S = 10.0
MAX_NAME = 63  # PostgreSQL's identifier limit (NAMEDATALEN - 1)


def server_url(raw: str) -> URL:
    """The server URL, always with the asyncpg driver; its database is the one the admin
    connection uses (`postgres` when none is given)."""
    url = make_url(raw)
    if url.get_backend_name() != "postgresql":
        raise ValueError(f"not a PostgreSQL URL: {url.render_as_string(hide_password=True)}")
    return url.set(drivername="postgresql+asyncpg", database=url.database or "postgres")


def database_on(server: URL, name: str) -> str:
    return server.set(database=name).render_as_string(hide_password=False)


def quoted(name: str) -> str:
    """A database name we made (letters, digits, underscores) as an identifier."""
    if len(name) > MAX_NAME or not name.replace("_", "").isalnum():
        raise ValueError(f"unexpected database name {name!r}")
    return f'"{name}"'


@asynccontextmanager
async def connected(server: URL, database: str | None = None) -> AsyncIterator[Any]:
    import asyncpg

    connection = await asyncpg.connect(
        host=server.host or "127.0.0.1",
        port=server.port or 5432,
        user=server.username or "postgres",
        password=server.password,
        database=database or server.database,
        timeout=CONNECT_TIMEOUT_S,
    )
    try:
        yield connection
    finally:
        await connection.close()


async def server_facts(server: URL) -> tuple[str, list[str]]:
    """The server's version and its settings that differ from the built-in defaults (those
    that shape performance; locale, paths and ports left out)."""
    async with connected(server) as admin:
        version = await admin.fetchval("SHOW server_version")
        rows = await admin.fetch(
            "SELECT name, current_setting(name) AS value FROM pg_settings "
            "WHERE source NOT IN ('default', 'override', 'client', 'session') "
            "AND setting IS DISTINCT FROM boot_val AND name NOT LIKE 'lc\\_%' "
            "AND name NOT IN ('DateStyle', 'TimeZone', 'log_timezone', 'port', "
            "'listen_addresses', 'unix_socket_directories', 'default_text_search_config', "
            "'dynamic_shared_memory_type', 'application_name') ORDER BY name"
        )
    return str(version), [f"{row['name']}={row['value']}" for row in rows]


async def _exists(admin: Any, name: str) -> bool:
    found = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
    return found is not None


async def drop(server: URL, name: str) -> None:
    # WITH (FORCE): a benchmark that leaked a connection cannot keep its copy alive.
    async with connected(server) as admin:
        await admin.execute(f"DROP DATABASE IF EXISTS {quoted(name)} WITH (FORCE)")


async def dataset(
    server: URL, layout: Layout, members: int, *, prefix: str, seed: int = SEED
) -> DatasetInfo:
    """The dataset database for (layout, members, seed, schema), generated when missing."""
    name = f"{prefix}_{members}_{cache_key(layout, members, seed)}"
    quoted(name + "_loading_99999999")  # the name (and its loading name) must fit
    async with connected(server) as admin:
        if await _exists(admin, name):
            comment = await admin.fetchval(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1",
                name,
            )
            info = json.loads(comment)
            url = database_on(server, name)
            seconds, rows, phases = info["seconds"], info["rows"], info.get("phases", {})
            return DatasetInfo(
                "postgresql", url, members, seed, seconds, rows, cached=True, phases=phases
            )
        await _drop_abandoned(admin, name)
        loading = f"{name}_loading_{os.getpid()}"
        await admin.execute(f"DROP DATABASE IF EXISTS {quoted(loading)} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {quoted(loading)} TEMPLATE template0")
    clock = Phases()
    try:
        await migrate(database_on(server, loading))
        clock.mark("migrate")
        async with connected(server, loading) as conn:
            rows = await _load(conn, layout, members, seed, clock)
        seconds = clock.total()
        figures = {"seconds": seconds, "rows": rows, "phases": clock.phases}
        comment = json.dumps(figures).replace("'", "''")
        async with connected(server) as admin:
            await admin.execute(f"COMMENT ON DATABASE {quoted(loading)} IS '{comment}'")
            if await _exists(admin, name):  # another run finished the same dataset first
                await admin.execute(f"DROP DATABASE {quoted(loading)} WITH (FORCE)")
            else:
                await admin.execute(f"ALTER DATABASE {quoted(loading)} RENAME TO {quoted(name)}")
    except BaseException:
        await drop(server, loading)
        raise
    url = database_on(server, name)
    return DatasetInfo("postgresql", url, members, seed, seconds, rows, phases=clock.phases)


async def _drop_abandoned(admin: Any, name: str) -> None:
    """Loading databases of `name` left by processes that died (none connected, pid gone)."""
    rows = await admin.fetch(
        "SELECT datname FROM pg_database d WHERE starts_with(datname, $1) AND NOT EXISTS "
        "(SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname)",
        f"{name}_loading_",
    )
    for row in rows:
        pid = row["datname"].rsplit("_", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            await admin.execute(f"DROP DATABASE IF EXISTS {quoted(row['datname'])} WITH (FORCE)")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def _load(
    conn: Any, layout: Layout, members: int, seed: int, clock: Phases
) -> dict[str, int]:
    """The COPY sink: every batch of the row source, then the indexes, then statistics."""
    import asyncpg

    schema: dict[str, dict[str, bool]] = {}
    for row in await conn.fetch(
        "SELECT table_name, column_name, is_nullable = 'NO' AND column_default IS NULL "
        "AND is_identity = 'NO' AS required FROM information_schema.columns "
        "WHERE table_schema = 'public'"
    ):
        schema.setdefault(row["table_name"], {})[row["column_name"]] = row["required"]
    # Secondary indexes only: those behind a primary key or unique constraint stay.
    indexes = await conn.fetch(
        "SELECT indexname, indexdef FROM pg_indexes i WHERE schemaname = 'public' "
        "AND tablename = ANY($1::text[]) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conname = i.indexname)",
        list(BULK_TABLES),
    )
    rows: dict[str, int] = {}
    async with conn.transaction():
        for index in indexes:
            await conn.execute(f'DROP INDEX "{index["indexname"]}"')
        for batch in batches(layout, members, seed, schema):
            status = await conn.copy_records_to_table(
                batch.table, records=batch.rows, columns=batch.columns
            )
            rows[batch.table] = int(status.split()[-1])  # "COPY <n>"
        clock.mark("load")
        for index in indexes:
            await conn.execute(index["indexdef"])
    clock.mark("indexes")
    # VACUUM as well as ANALYZE: it sets the visibility map, as autovacuum soon would on a
    # live database, so index-only scans do not visit the heap for every row.
    await conn.execute("VACUUM ANALYZE")
    clock.mark("VACUUM ANALYZE")
    # The load's ~1 GB of dirty shared buffers, written now rather than by the next timed
    # checkpoint (spread over ~4.5 minutes: the first benchmarks after a fresh dataset, on
    # either backend, ran ~1.3x slower under it).
    try:
        await conn.execute("CHECKPOINT")
    except asyncpg.InsufficientPrivilegeError:
        return rows  # (superuser or pg_checkpoint only) the timed checkpoint does it later
    clock.mark("CHECKPOINT")
    return rows


#: How a copy is made (see the module's docstring); PostgreSQL >= 15, as the project requires.
FILE_COPY = "STRATEGY FILE_COPY"


async def copy(server: URL, template: str, name: str) -> str:
    """`CREATE DATABASE name TEMPLATE template`, waiting out other processes' copies (the
    caller makes this process's copies one at a time)."""
    import asyncpg

    deadline = time.monotonic() + COPY_PATIENCE_S
    async with connected(server) as admin:
        await admin.execute(f"DROP DATABASE IF EXISTS {quoted(name)} WITH (FORCE)")
        while True:
            try:
                await admin.execute(
                    f"CREATE DATABASE {quoted(name)} TEMPLATE {quoted(template)} {FILE_COPY}"
                )
                return database_on(server, name)
            except asyncpg.ObjectInUseError:  # another process is copying the template now
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)


async def create_empty(server: URL, name: str) -> str:
    async with connected(server) as admin:
        await admin.execute(f"DROP DATABASE IF EXISTS {quoted(name)} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {quoted(name)} TEMPLATE template0")
    return database_on(server, name)
