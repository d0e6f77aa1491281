"""What is stored about a member, found by walking the schema — so nothing is forgotten.

Every table is classified exactly once (a test enforces it, so a new table without a
decision fails the suite):
- member tables: they have both `guild_id` and `user_id`; a member's rows are theirs;
- `OTHER_MEMBER_COLUMNS`: tables that name members in other columns (e.g. a pairing's
  partner); those rows are exported and deleted for each member they name;
- `NOT_MEMBER_DATA`: guild-level or operational tables with no personal data. The delivery
  ledger keys name members (`streak:{guild}:{user}:{day}`), so the member's ledger keys are
  removed by pattern on delete.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.store.schema import deliveries, metadata

# table name -> columns (besides user_id) that hold a member id.
OTHER_MEMBER_COLUMNS: dict[str, tuple[str, ...]] = {
    "interview_pairs": ("interviewer_id", "candidate_id"),
}

NOT_MEMBER_DATA: frozenset[str] = frozenset(
    {
        "guild_config",
        "deliveries",
        "command_sync",
        "daily_schedule",
        "daily_posts",
        # The guild's streak rule (minutes of logged study that make a day count).
        "streak_settings",
        # Guild content: uploaded_by/updated_by only record which moderator acted, and a
        # moderator deleting their data must not delete the guild's packs.
        "content_packs",
        "content_pack_versions",
        "content_builtin_disabled",
        # The guild's question-of-the-day schedule and posts.
        "interview_qotd",
        "interview_qotd_posts",
        # The guild's weekly accountability schedule and its posts; the welcome setting.
        "accountability_schedule",
        "accountability_weeks",
        "welcome_config",
        # Guild-level pitfall thresholds and sweep timings.
        "pitfall_settings",
        "pitfall_sweeps",
        # Guild role rewards (thresholds and roles), the scan's watermark, the weekly board.
        "role_rewards",
        "reward_scan",
        "weekly_board",
        # Whether the guild shows its public board on the web dashboard.
        "public_board",
        # Which guild a process changed (schedules, packs), for the other processes.
        "change_notices",
        # The guild's study rooms, focus channels and their limits.
        "study_rooms",
        "study_room_settings",
    }
)


def member_columns(table: Table) -> tuple[str, ...]:
    """The columns of `table` that identify a member (empty for non-member tables)."""
    names: list[str] = []
    if "user_id" in table.c:
        names.append("user_id")
    names.extend(OTHER_MEMBER_COLUMNS.get(table.name, ()))
    return tuple(names)


def member_tables() -> list[Table]:
    """Every table that holds member data, parents before children."""
    return [
        table
        for table in metadata.sorted_tables
        if "guild_id" in table.c and member_columns(table) and table.name not in NOT_MEMBER_DATA
    ]


def unclassified_tables() -> list[str]:
    """Tables with no privacy decision: neither member data nor declared non-member data."""
    return sorted(
        table.name
        for table in metadata.sorted_tables
        if table.name not in NOT_MEMBER_DATA
        and not ("guild_id" in table.c and member_columns(table))
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _member_filter(table: Table, guild_id: int, user_ids: Iterable[int]) -> ColumnElement[bool]:
    ids = list(user_ids)
    return (table.c.guild_id == guild_id) & or_(
        *(table.c[column].in_(ids) for column in member_columns(table))
    )


async def export_member(
    conn: AsyncConnection, guild_id: int, user_id: int
) -> dict[str, list[dict[str, Any]]]:
    """Every row about a member in a guild, by table name, with JSON-ready values; each
    table's rows in primary-key order (sorted here, not by the database: without an ORDER BY
    rows come in storage order, which PostgreSQL changes on UPDATE, and text keys would
    follow the server's collation)."""
    data: dict[str, list[dict[str, Any]]] = {}
    for table in member_tables():
        rows = await conn.execute(select(table).where(_member_filter(table, guild_id, [user_id])))
        key = [column.name for column in table.primary_key.columns]
        ordered = sorted((dict(row._mapping) for row in rows), key=lambda r: [r[k] for k in key])
        data[table.name] = [{k: _jsonable(value) for k, value in row.items()} for row in ordered]
    return data


async def delete_members(conn: AsyncConnection, guild_id: int, user_ids: Iterable[int]) -> int:
    """Delete every row about these members in this guild; returns rows removed."""
    ids = list(user_ids)
    if not ids:
        return 0
    removed = 0
    # Children before parents: reverse dependency order keeps foreign keys satisfied.
    for table in reversed(member_tables()):
        result = await conn.execute(delete(table).where(_member_filter(table, guild_id, ids)))
        removed += result.rowcount or 0
    for user_id in ids:
        result = await conn.execute(
            delete(deliveries).where(
                deliveries.c.guild_id == guild_id,
                or_(
                    deliveries.c.key.like(f"%:{guild_id}:{user_id}:%"),
                    # a reminder's occurrence key ends with its member (`occurrence_key`)
                    deliveries.c.key.like(f"%:{guild_id}:{user_id}"),
                ),
            )
        )
        removed += result.rowcount or 0
    return removed


async def delete_guild(conn: AsyncConnection, guild_id: int) -> int:
    """Delete every row of a guild in every table; returns rows removed."""
    removed = 0
    for table in reversed(metadata.sorted_tables):
        if "guild_id" in table.c:
            result = await conn.execute(delete(table).where(table.c.guild_id == guild_id))
            removed += result.rowcount or 0
    return removed
