"""The progress feature as other features may use it (their only way in)."""

from __future__ import annotations

from bot.progress.rules import format_minutes
from bot.progress.store import community_days, focus_tracks
from bot.progress.store import welcome as welcome_greeting

__all__ = ["community_days", "focus_tracks", "format_minutes", "welcome_greeting"]
