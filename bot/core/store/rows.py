"""Row helpers the feature stores share: read rows as dicts, and save a settings row.

Settings tables hold one row per guild (schedules) or per member (preferences); a missing
row means "the defaults", so saving makes the row on the first save.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Executable,
    FromClause,
    Insert,
    Row,
    Table,
    and_,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

__all__ = [
    "all_rows",
    "count_rows",
    "first_row",
    "insert_new",
    "inserted_id",
    "of_member",
    "save_guild_row",
    "streamed",
    "update_or_insert",
]


def of_member(rows: FromClause, guild_id: int, user_id: int) -> ColumnElement[bool]:
    """The rows of one member (`guild_id` and `user_id`), the filter most reads start with."""
    return and_(rows.c.guild_id == guild_id, rows.c.user_id == user_id)


async def first_row(conn: AsyncConnection, query: Executable) -> dict[str, Any] | None:
    """The first row as a dict, or None."""
    row = (await conn.execute(query)).first()
    return dict(row._mapping) if row is not None else None


async def all_rows(conn: AsyncConnection, query: Executable) -> list[dict[str, Any]]:
    """Every row as a dict."""
    return [dict(row._mapping) for row in await conn.execute(query)]


#: Rows per partition of a streamed read.
STREAMED_ROWS = 2_000


async def streamed(
    conn: AsyncConnection, query: Executable, partition: int = STREAMED_ROWS
) -> AsyncIterator[Sequence[Row[Any]]]:
    """The rows of a big read, a partition at a time. Each partition is fetched and built on
    its own, so the event loop gets its turn between them: a result of 100k rows built in
    one go held it for tens of milliseconds."""
    result = await conn.stream(query)
    async for rows in result.partitions(partition):
        yield rows


async def count_rows(conn: AsyncConnection, table: Table, *where: ColumnElement[bool]) -> int:
    """How many rows of `table` match all of `where`."""
    query = select(func.count()).select_from(table).where(*where)
    return int((await conn.execute(query)).scalar() or 0)


async def save_guild_row(
    conn: AsyncConnection, table: Table, guild_id: int, now: datetime, **values: Any
) -> dict[str, Any]:
    """Update the guild's row of `table` (made first, with the table's defaults, if missing)
    with `values` and `updated_at`; returns the saved row."""
    of_guild = select(table).where(table.c.guild_id == guild_id)
    if await first_row(conn, of_guild) is None:
        await conn.execute(insert(table).values(guild_id=guild_id, updated_at=now))
    await conn.execute(
        update(table).where(table.c.guild_id == guild_id).values(updated_at=now, **values)
    )
    saved = await first_row(conn, of_guild)
    assert saved is not None
    return saved


async def update_or_insert(
    conn: AsyncConnection,
    table: Table,
    key: Mapping[str, Any],
    values: Mapping[str, Any],
    *,
    insert_values: Mapping[str, Any] | None = None,
) -> None:
    """Update the row at `key` (column name -> value) with `values`; when there is none,
    insert `key` with `insert_values` (by default the same `values`)."""
    at_key = [table.c[name] == value for name, value in key.items()]
    updated = await conn.execute(update(table).where(*at_key).values(**values))
    if updated.rowcount == 0:
        new = values if insert_values is None else insert_values
        await conn.execute(insert(table).values(**key, **new))


async def insert_new(conn: AsyncConnection, table: Table, values: Mapping[str, Any]) -> bool:
    """Run a one-row insert: True when it made the row, False when a unique key said the row
    was already there (inserted earlier or by a concurrent caller).

    ON CONFLICT DO NOTHING (SQLite and PostgreSQL), not a savepoint and a caught
    IntegrityError: on SQLite a failed statement's cursor stays in the exception's reference
    cycle, and the garbage collector later finalizes it on the event loop's thread. That
    needs its connection's mutex, which the connection's own thread holds while it waits
    out a lock that only the loop can release: the whole loop stalled for SQLite's busy
    timeout (5 s) and both transactions failed "database is locked"."""
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    result = await conn.execute(dialect_insert(table).values(**values).on_conflict_do_nothing())
    return bool(result.rowcount)


async def inserted_id(conn: AsyncConnection, statement: Insert) -> int:
    """Run the insert of one row into a table with a serial `id`; returns the new id."""
    key = (await conn.execute(statement)).inserted_primary_key
    assert key is not None
    return int(key[0])
