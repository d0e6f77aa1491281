"""Uploaded content packs: stored versions and the current (enabled or not) one per pack."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict, Unpack, cast

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.content.tables import content_builtin_disabled, content_pack_versions, content_packs
from bot.core.store.rows import all_rows, first_row

_V = content_pack_versions
_P = content_packs


class VersionMeta(TypedDict):
    """One stored version without its YAML text (what listings need)."""

    guild_id: int
    pack_id: str
    version: str
    name: str
    filename: str
    checksum: str
    uploaded_by: int
    uploaded_at: datetime


class VersionRow(VersionMeta):
    """One stored version with the YAML text exactly as uploaded."""

    source: str


class PackHead(TypedDict):
    """A guild's pack: which stored version is current, and whether it is enabled."""

    guild_id: int
    pack_id: str
    current_version: str
    enabled: bool
    updated_by: int
    updated_at: datetime


class PackListing(TypedDict):
    """A guild's pack with its current version's details (``/content list``)."""

    pack_id: str
    current_version: str
    enabled: bool
    updated_at: datetime
    name: str
    filename: str
    checksum: str
    uploaded_by: int
    uploaded_at: datetime


class EnabledSource(TypedDict):
    """The text of an enabled pack's current version, for loading it at start."""

    guild_id: int
    pack_id: str
    version: str
    source: str
    checksum: str


#: Version columns without the YAML text: what listings need.
_VERSION_META = (
    _V.c.guild_id,
    _V.c.pack_id,
    _V.c.version,
    _V.c.name,
    _V.c.filename,
    _V.c.checksum,
    _V.c.uploaded_by,
    _V.c.uploaded_at,
)


async def add_version(conn: AsyncConnection, **row: Unpack[VersionRow]) -> None:
    """Store one uploaded version (an existing version raises IntegrityError)."""
    await conn.execute(insert(_V).values(**row))


async def version(
    conn: AsyncConnection, guild_id: int, pack_id: str, version: str
) -> VersionRow | None:
    """One stored version, with its YAML text."""
    query = select(_V).where(
        _V.c.guild_id == guild_id, _V.c.pack_id == pack_id, _V.c.version == version
    )
    return cast(VersionRow | None, await first_row(conn, query))


async def versions(conn: AsyncConnection, guild_id: int, pack_id: str) -> list[VersionMeta]:
    """Every stored version of a pack (without the text), oldest upload first."""
    query = (
        select(*_VERSION_META)
        .where(_V.c.guild_id == guild_id, _V.c.pack_id == pack_id)
        .order_by(_V.c.uploaded_at, _V.c.version)
    )
    return cast(list[VersionMeta], await all_rows(conn, query))


async def head(conn: AsyncConnection, guild_id: int, pack_id: str) -> PackHead | None:
    """The pack's state: ``current_version``, ``enabled``; None if never uploaded here."""
    query = select(_P).where(_P.c.guild_id == guild_id, _P.c.pack_id == pack_id)
    return cast(PackHead | None, await first_row(conn, query))


# Pack ids are sorted here rather than by ORDER BY: a PostgreSQL server sorts text by its
# collation (glibc's en_US ignores hyphens: "mlb" before "ml-ops"), SQLite by code point, and
# listings and the load order must not depend on the server.


async def heads(conn: AsyncConnection, guild_id: int) -> list[PackListing]:
    """Every uploaded pack of a guild with its current version's details, by pack id."""
    query = (
        select(
            _P.c.pack_id,
            _P.c.current_version,
            _P.c.enabled,
            _P.c.updated_at,
            _V.c.name,
            _V.c.filename,
            _V.c.checksum,
            _V.c.uploaded_by,
            _V.c.uploaded_at,
        )
        .join(
            _V,
            (_V.c.guild_id == _P.c.guild_id)
            & (_V.c.pack_id == _P.c.pack_id)
            & (_V.c.version == _P.c.current_version),
        )
        .where(_P.c.guild_id == guild_id)
    )
    listings = cast(list[PackListing], await all_rows(conn, query))
    return sorted(listings, key=lambda row: row["pack_id"])


async def pack_ids(conn: AsyncConnection, guild_id: int) -> list[str]:
    """The ids of a guild's uploaded packs, sorted."""
    rows = await conn.execute(select(_P.c.pack_id).where(_P.c.guild_id == guild_id))
    return sorted(str(r[0]) for r in rows)


async def enabled_current(
    conn: AsyncConnection, guild_id: int | None = None
) -> list[EnabledSource]:
    """The current version (with text) of every enabled pack: of all guilds, or of one.

    Ordered by guild, then pack id, so a guild's packs load in the same order everywhere.
    """
    query = (
        select(_P.c.guild_id, _P.c.pack_id, _V.c.version, _V.c.source, _V.c.checksum)
        .join(
            _V,
            (_V.c.guild_id == _P.c.guild_id)
            & (_V.c.pack_id == _P.c.pack_id)
            & (_V.c.version == _P.c.current_version),
        )
        .where(_P.c.enabled.is_(True))
    )
    if guild_id is not None:
        query = query.where(_P.c.guild_id == guild_id)
    found = cast(list[EnabledSource], await all_rows(conn, query))
    return sorted(found, key=lambda row: (row["guild_id"], row["pack_id"]))


async def set_current(
    conn: AsyncConnection,
    guild_id: int,
    pack_id: str,
    version: str,
    *,
    enabled: bool,
    user_id: int,
    now: datetime,
) -> None:
    """Make ``version`` (already stored) the pack's current version (insert or update)."""
    values = {
        "current_version": version,
        "enabled": enabled,
        "updated_by": user_id,
        "updated_at": now,
    }
    result = await conn.execute(
        update(_P).where(_P.c.guild_id == guild_id, _P.c.pack_id == pack_id).values(**values)
    )
    if result.rowcount == 0:
        await conn.execute(insert(_P).values(guild_id=guild_id, pack_id=pack_id, **values))


async def set_enabled(
    conn: AsyncConnection,
    guild_id: int,
    pack_id: str,
    *,
    enabled: bool,
    user_id: int,
    now: datetime,
) -> bool:
    """Enable or disable a stored pack; False if the guild has no such pack."""
    result = await conn.execute(
        update(_P)
        .where(_P.c.guild_id == guild_id, _P.c.pack_id == pack_id)
        .values(enabled=enabled, updated_by=user_id, updated_at=now)
    )
    return bool(result.rowcount)


async def forget_guild(conn: AsyncConnection, guild_id: int) -> None:
    """Delete every pack and version of a guild (heads first: they reference versions)."""
    await conn.execute(delete(_P).where(_P.c.guild_id == guild_id))
    await conn.execute(delete(_V).where(_V.c.guild_id == guild_id))


async def disabled_builtins(conn: AsyncConnection) -> dict[int, set[str]]:
    """Every guild's switched-off built-in pack ids."""
    rows = await conn.execute(
        select(content_builtin_disabled.c.guild_id, content_builtin_disabled.c.pack_id)
    )
    found: dict[int, set[str]] = {}
    for guild_id, pack_id in rows:
        found.setdefault(int(guild_id), set()).add(str(pack_id))
    return found


async def set_builtin_disabled(
    conn: AsyncConnection,
    guild_id: int,
    pack_id: str,
    *,
    disabled: bool,
    user_id: int,
    now: datetime,
) -> None:
    """Switch a built-in pack off (a row) or back on (no row) for one guild."""
    table = content_builtin_disabled
    where = (table.c.guild_id == guild_id) & (table.c.pack_id == pack_id)
    await conn.execute(delete(table).where(where))
    if disabled:
        await conn.execute(
            insert(table).values(
                guild_id=guild_id, pack_id=pack_id, disabled_by=user_id, disabled_at=now
            )
        )
