"""The projects feature as other features may use it (their only way in)."""

from __future__ import annotations

from bot.projects.store import perfectionism_facts

__all__ = ["perfectionism_facts"]
