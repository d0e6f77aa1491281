"""Shared fixtures: a migrated SQLite store in tmp_path and a fake clock.

Every test gets its own database file, copied from one migrated template per test session
(per xdist worker): migrating from scratch takes several times longer than copying.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.clock import FakeClock
from bot.core.store import Store


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file at the latest migration, made once per session."""
    path = tmp_path_factory.mktemp("template") / "studybot.db"

    async def migrate() -> None:
        store = Store(f"sqlite+aiosqlite:///{path}")
        await store.migrate()
        await store.close()  # the last connection closing checkpoints the WAL into the file

    asyncio.run(migrate())
    return path


@pytest.fixture
def db_url(tmp_path: Path, migrated_template: Path) -> str:
    """A fresh, migrated database of this test's own."""
    target = tmp_path / "studybot.db"
    shutil.copyfile(migrated_template, target)
    return f"sqlite+aiosqlite:///{target}"


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    store = Store(db_url)
    await store.migrate()
    yield store
    await store.close()
