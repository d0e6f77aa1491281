"""A list of ids as ONE bound value: `column IN ids` without a parameter per id.

An `IN (...)` of Python values builds, names and binds a parameter per id each time the
statement is made: for a sweep's 100k members that was ~1 s of event-loop time in
statement construction alone. With the ids as one value (a PostgreSQL array, a JSON list
SQLite reads with `json_each`), the statement text is the same for every call (compiled
once, prepared once).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    BindParameter,
    ColumnElement,
    Integer,
    String,
    any_,
    bindparam,
    func,
    select,
    type_coerce,
)
from sqlalchemy.dialects import postgresql


def ids_in(dialect: str, column: Any, ids: BindParameter[Any]) -> ColumnElement[bool]:
    """`column IN ids`, `ids` bound by `ids_param`."""
    if dialect == "postgresql":
        return column == any_(ids)  # type: ignore[no-any-return]
    listed = func.json_each(ids).table_valued("value")
    return column.in_(select(type_coerce(listed.c.value, Integer)))  # type: ignore[no-any-return]


def ids_value(dialect: str, ids: Sequence[int]) -> Any:
    """The ids as `ids_in` binds them. On PostgreSQL a list, which asyncpg sends as an array:
    not a text literal cast to BIGINT[] in SQL, which is cheaper to bind but which PostgreSQL
    cannot fold (its array input is not immutable). Where the list filters rows rather than
    feeding an index, the literal was parsed again for every row: minutes, not milliseconds,
    for a 100k-member guild."""
    return list(ids) if dialect == "postgresql" else "[" + ",".join(map(str, ids)) + "]"


def ids_param(dialect: str, value: Any = None) -> BindParameter[Any]:
    """The bound ids (`value`: `ids_value`, or None to bind at execution as `ids`)."""
    type_: Any = postgresql.ARRAY(BigInteger) if dialect == "postgresql" else String()
    if value is None:
        return bindparam("ids", type_=type_)
    return bindparam(None, value, type_=type_)


def listed(dialect: str, column: Any, ids: Sequence[int]) -> ColumnElement[bool]:
    """`column IN ids` with the ids bound now, as one value."""
    return ids_in(dialect, column, ids_param(dialect, ids_value(dialect, ids)))
