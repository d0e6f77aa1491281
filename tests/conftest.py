"""Shared fixtures: a fresh migrated database per test, a fake clock, and the backend report.

SQLite by default: every test gets its own database file, copied from one migrated template
per test session (per xdist worker): migrating from scratch takes several times longer than
copying. `STUDYBOT_TEST_DATABASE_URL=postgresql+asyncpg://…` runs every test that touches a
database on PostgreSQL instead (see tests/backends.py). Any fixture that makes a database
depends on `databases`; the summary counts the tests whose fixtures reach it.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.clock import FakeClock
from bot.core.store import Store
from tests.backends import (
    BACKEND,
    ENV_VAR,
    ON_POSTGRES,
    SERVER_URL,
    Databases,
    check_environment,
    sqlite_only_reason,
)

DATABASE_PROPERTY = "database"


# Filled from the test reports (in the xdist controller too: reports travel with their
# user_properties), printed by the terminal summary.
_COUNTS = {"passed": 0, "database": 0, "sqlite_only_skipped": 0}


def pytest_configure(config: pytest.Config) -> None:
    check_environment()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not ON_POSTGRES:
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            item.add_marker(
                pytest.mark.skip(reason=sqlite_only_reason(marker.kwargs.get("reason")))
            )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    """Fresh databases on the selected backend, from a template migrated once per session."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    made = Databases(tmp_path_factory.mktemp("template"), worker)
    made.migrate_template()
    yield made
    made.close()


@pytest.fixture(autouse=True)
def _note_database_use(request: pytest.FixtureRequest) -> None:
    """Tag the test's report when any of its fixtures makes a database, or it is about SQLite
    itself (for the summary)."""
    marked = request.node.get_closest_marker("sqlite_only") is not None
    if "databases" in request.fixturenames or marked:
        request.node.user_properties.append((DATABASE_PROPERTY, BACKEND))


@pytest.fixture
def db_url(tmp_path: Path, databases: Databases) -> Iterator[str]:
    """A fresh, migrated database of this test's own."""
    url = databases.fresh(tmp_path)
    yield url
    databases.release(url)


@pytest.fixture
def empty_db_url(tmp_path: Path, databases: Databases) -> Iterator[str]:
    """A database with no tables (not migrated)."""
    url = databases.empty(tmp_path)
    yield url
    databases.release(url)


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[Store]:
    store = Store(db_url)
    await store.migrate()
    yield store
    await store.close()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    counts = _COUNTS
    if report.when == "call" and report.passed:
        counts["passed"] += 1
        if (DATABASE_PROPERTY, BACKEND) in report.user_properties:
            counts["database"] += 1
    elif report.when == "setup" and report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
        if "SQLite-only:" in str(reason):
            counts["sqlite_only_skipped"] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if hasattr(terminalreporter.config, "workerinput"):
        return  # an xdist worker: the controller reports
    counts = _COUNTS
    where = (
        SERVER_URL.render_as_string(hide_password=True)
        if ON_POSTGRES and SERVER_URL is not None
        else f"SQLite files in tmp_path (set {ENV_VAR} for PostgreSQL)"
    )
    terminalreporter.write_sep("=", f"database backend: {BACKEND}")
    terminalreporter.write_line(f"backend: {BACKEND} — {where}")
    terminalreporter.write_line(
        f"{counts['passed']} tests passed, {counts['database']} of them on a {BACKEND} "
        f"database; {counts['sqlite_only_skipped']} SQLite-only tests skipped"
    )
    # One machine-readable line for .ci/run.
    terminalreporter.write_line(
        f"STUDYBOT-TESTS backend={BACKEND} passed={counts['passed']} "
        f"database={counts['database']} sqlite_only_skipped={counts['sqlite_only_skipped']}"
    )
