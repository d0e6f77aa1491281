"""Tables for bot/services/content.py, on the shared metadata (see schema.py)."""

from __future__ import annotations

from bot.store.schema import metadata

__all__ = ["metadata"]
