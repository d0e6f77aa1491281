"""Is the database reachable, and where is it in its migrations? (`studybot doctor`, start-up)

Read-only: a SQLite file that does not exist yet is reported, not created, and nothing is
migrated (`studybot run` and `studybot db upgrade` do that).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Literal

from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from bot.core.records import frozen
from bot.core.settings import Settings, sqlite_path
from bot.core.store import Store
from bot.core.store.engine import alembic_config, head_revision

CONNECT_TIMEOUT_SECONDS = 15.0

DatabaseStatus = Literal["ok", "missing", "behind", "ahead", "unreachable"]


@frozen
class DatabaseState:
    """What `inspect_database` found: a status, a one-line description and, for a problem,
    its fix."""

    status: DatabaseStatus
    detail: str
    fix: str = ""

    @property
    def usable_by_run(self) -> bool:
        """`studybot run` creates a missing database and migrates one that is behind."""
        return self.status in ("ok", "missing", "behind")


def display_url(database_url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(database_url).render_as_string(hide_password=True)


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def _unreachable_fix(settings: Settings) -> str:
    if sqlite_path(settings.database_url) is not None:
        return (
            "check that the file and its folder are readable and writable by this user, and "
            "that no other studybot process uses it"
        )
    return (
        "check that the database server is running and that DATABASE_URL's host, port, "
        "user, password and database name are right"
    )


async def inspect_database(settings: Settings) -> DatabaseState:
    """Reachability and migration state of `settings.database_url`, without changing it."""
    shown = display_url(settings.database_url)
    path = sqlite_path(settings.database_url)
    if path is not None and path.exists() and not path.is_file():
        return DatabaseState(
            "unreachable", f"{path} is not a file", _unreachable_fix(settings) + f" ({path})"
        )
    if path is not None and not path.exists():
        folder = _nearest_existing(path.parent)
        if not os.access(folder, os.W_OK):
            return DatabaseState(
                "unreachable",
                f"{path} does not exist and {folder} is not writable",
                f"make {folder} writable by this user, or point DATABASE_URL elsewhere",
            )
        return DatabaseState(
            "missing",
            f"{path} does not exist yet: `studybot run` (or `studybot db upgrade`) creates it",
        )
    store = Store(settings.database_url)
    try:
        current = await asyncio.wait_for(store.current_revision(), CONNECT_TIMEOUT_SECONDS)
    except Exception as error:  # any driver error means the same to the operator
        return DatabaseState(
            "unreachable", f"cannot open {shown}: {_first_line(error)}", _unreachable_fix(settings)
        )
    finally:
        await store.close()
    head = head_revision()
    applied = set(current.split(",")) if current else set()
    known = {
        script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()
    }
    if applied - known:
        return DatabaseState(
            "ahead",
            f"{shown} is at revision {current}, which this version of studybot does not know "
            f"(its newest is {head}): a newer studybot upgraded it",
            "run the newer studybot again, or restore a backup taken before that upgrade",
        )
    if current != head:
        return DatabaseState(
            "behind",
            f"{shown} is at revision {current or 'none (empty)'}, the newest is {head}",
            "run `studybot db upgrade` (`studybot run` also migrates at start)",
        )
    return DatabaseState("ok", f"{shown} at revision {head} (the newest)")
