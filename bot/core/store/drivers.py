"""Database drivers that are install extras: a clear message when one is missing.

SQLite's driver (aiosqlite) comes with the bot; PostgreSQL's (asyncpg) is the `postgres`
extra. Without this check a `postgresql+asyncpg://` URL dies with a bare ModuleNotFoundError
deep inside SQLAlchemy.
"""

from __future__ import annotations

import importlib.util

from sqlalchemy.engine import make_url

# The async drivers a DATABASE_URL may name that are not installed with the bot itself:
# driver module -> the install extra that brings it.
OPTIONAL_DRIVERS = {"asyncpg": "postgres"}


class MissingDatabaseDriver(RuntimeError):
    """The URL names a driver that is not installed; the message says how to install it."""


def missing_driver(url: str) -> str | None:
    """One paragraph naming the fix when `url` needs a driver that is not installed."""
    try:
        parsed = make_url(url)
    except Exception:
        return None  # a malformed URL is the settings validation's to explain
    driver = parsed.get_driver_name()
    extra = OPTIONAL_DRIVERS.get(driver)
    if extra is None or importlib.util.find_spec(driver) is not None:
        return None
    return (
        f"The database URL uses {parsed.get_backend_name()} through the {driver} driver, "
        f"which is not installed. Install the bot with its {extra} extra: "
        f'pip install -e ".[{extra}]" (in a checkout) or pip install "studybot[{extra}]", '
        "then start it again."
    )
