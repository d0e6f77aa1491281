from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import inspect, text

from bot.core.store import Store
from bot.core.store.engine import head_revision
from bot.tables import metadata


async def _tables(store: Store) -> set[str]:
    async with store.connect() as conn:
        names = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
    return set(names) - {"alembic_version"}


async def test_empty_database_migrates_to_head_with_every_table(empty_db_url: str) -> None:
    store = Store(empty_db_url)  # on SQLite, in a folder that does not exist yet
    try:
        assert await store.current_revision() is None
        await store.migrate()
        assert await store.current_revision() == head_revision()
        assert await _tables(store) == set(metadata.tables)
    finally:
        await store.close()


async def test_downgrade_to_base_and_upgrade_again_round_trips(store: Store) -> None:
    await store.downgrade("base")
    assert await _tables(store) == set()
    await store.migrate()
    assert await _tables(store) == set(metadata.tables)


async def test_migrations_match_the_schema_columns(store: Store) -> None:
    async with store.connect() as conn:
        for table in metadata.sorted_tables:
            columns = await conn.run_sync(
                lambda sync, name=table.name: {c["name"] for c in inspect(sync).get_columns(name)}
            )
            assert columns == {c.name for c in table.columns}, table.name


async def test_migrations_build_the_declared_schema_types_and_all(store: Store) -> None:
    """Alembic's own comparison, types included: a migration that made a Discord id column
    INTEGER where the table says BigInteger would overflow on PostgreSQL (SQLite's integers
    are 64-bit whatever the declaration says)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    async with store.connect() as conn:
        drift = await conn.run_sync(
            lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": True}), metadata
            )
        )
    assert drift == []


@pytest.mark.sqlite_only
async def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(store: Store) -> None:
    async with store.connect() as conn:
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 5000


async def test_processes_starting_together_migrate_a_fresh_database_once(
    empty_db_url: str,
) -> None:
    """Shard processes start together on PostgreSQL: one migrates, the others wait for it
    (an advisory lock) and find the database at head, instead of failing on duplicate keys.
    SQLite allows one process per file, so there the migrations run one after another."""
    stores = [Store(empty_db_url) for _ in range(3)]
    try:
        if stores[0].is_sqlite:
            for store in stores:
                await store.migrate()
        else:
            await asyncio.gather(*(store.migrate() for store in stores))
        revisions = {await store.current_revision() for store in stores}
    finally:
        for store in stores:
            await store.close()
    assert revisions == {head_revision()}
