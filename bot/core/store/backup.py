"""Online backup of the SQLite database (safe while the bot runs: sqlite3's backup API)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


def backup_sqlite(database_url: str, target: Path) -> None:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        raise ValueError("db backup works for SQLite; for PostgreSQL use pg_dump")
    source_path = Path(url.database)
    if not source_path.exists():
        raise ValueError(f"no database at {source_path}")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(source_path)
    try:
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()
