"""The only place with SQL: SQLAlchemy Core over an async engine."""

from bot.store.engine import Store

__all__ = ["Store"]
