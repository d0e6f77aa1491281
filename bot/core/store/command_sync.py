"""The hash of the last command tree synced to Discord, per scope."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.store.schema import command_sync


async def get_hash(conn: AsyncConnection, scope: str) -> str | None:
    row = (
        await conn.execute(select(command_sync.c.tree_hash).where(command_sync.c.scope == scope))
    ).first()
    return row[0] if row else None


async def set_hash(conn: AsyncConnection, scope: str, tree_hash: str, now: datetime) -> None:
    updated = await conn.execute(
        update(command_sync)
        .where(command_sync.c.scope == scope)
        .values(tree_hash=tree_hash, synced_at=now)
    )
    if updated.rowcount == 0:
        await conn.execute(
            insert(command_sync).values(scope=scope, tree_hash=tree_hash, synced_at=now)
        )
