"""The only place with SQL: SQLAlchemy Core over an async engine."""

from bot.core.store.engine import Claimant, Store

__all__ = ["Claimant", "Store"]
