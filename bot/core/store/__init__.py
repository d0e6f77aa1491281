"""The only place with SQL: SQLAlchemy Core over an async engine."""

from bot.core.store.engine import Store

__all__ = ["Store"]
