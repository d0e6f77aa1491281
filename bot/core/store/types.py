"""Column types shared by the schema and the migrations, and instants as key text in SQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, String, type_coerce
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import TypeDecorator, TypeEngine

# Both spellings below are `bot.core.time.INSTANT_KEY_FORMAT` ("%Y-%m-%d %H:%M:%S.%f");
# tests/store/test_instant_keys.py checks that SQL and Python agree on every backend.

# How SQLite stores an instant (text; SQLAlchemy's default, written down here because ledger
# keys are built from it in SQL).
SQLITE_INSTANT_STORAGE = (
    "%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d"
)
# INSTANT_KEY_FORMAT in PostgreSQL's to_char pattern language.
POSTGRESQL_INSTANT_KEY = "YYYY-MM-DD HH24:MI:SS.US"


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, hands back aware UTC: portable across SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            stored = sqlite.DATETIME(storage_format=SQLITE_INSTANT_STORAGE)  # type: ignore[no-untyped-call]
            return dialect.type_descriptor(stored)
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("refusing to store a naive datetime; pass an aware UTC instant")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return utc_instant(value)


def utc_instant(value: Any) -> datetime | None:
    """An instant as a driver returns it (SQLite: text; PostgreSQL: a naive datetime) as an
    aware UTC datetime: `UTCDateTime`'s decoding, for rows read undecoded (`raw_instant`) and
    decoded later, e.g. in a worker process."""
    if value is None:
        return None
    instant: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


def raw_instant(column: Any) -> Any:
    """`column` (a `UTCDateTime`) read as the driver returns it, without SQLAlchemy's decoding
    per row: for bulk reads whose instants are decoded elsewhere (`utc_instant`)."""
    return type_coerce(column, _Undecoded())


class _Undecoded(TypeDecorator[Any]):
    """A column type whose results are handed back exactly as the driver returns them."""

    impl = String
    cache_ok = True

    def result_processor(self, dialect: Dialect, coltype: object) -> None:
        return None


class instant_key_sql(FunctionElement[str]):  # lower case: used like a SQL function
    """`bot.core.time.instant_key(column)` computed in SQL, for keys built set-based (one
    INSERT .. SELECT for a batch). Not `CAST(column AS text)`: PostgreSQL prints a timestamp
    its own way (no microseconds when they are zero), so the same occurrence would get a
    different key on each backend."""

    type = String()
    name = "instant_key"
    inherit_cache = True


@compiles(instant_key_sql)
def _instant_key_unknown(element: instant_key_sql, compiler: SQLCompiler, **kw: Any) -> str:
    raise CompileError(f"no instant key text for the {compiler.dialect.name} dialect")


@compiles(instant_key_sql, "sqlite")
def _instant_key_sqlite(element: instant_key_sql, compiler: SQLCompiler, **kw: Any) -> str:
    # The stored text already is INSTANT_KEY_FORMAT (SQLITE_INSTANT_STORAGE).
    return f"CAST({compiler.process(element.clauses, **kw)} AS TEXT)"


@compiles(instant_key_sql, "postgresql")
def _instant_key_postgresql(element: instant_key_sql, compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, '{POSTGRESQL_INSTANT_KEY}')"
