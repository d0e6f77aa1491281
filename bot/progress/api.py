"""The progress feature as other features may use it (their only way in)."""

from __future__ import annotations

from bot.progress.rules import cached_live_streak, format_minutes, live_streak
from bot.progress.store import (
    Welcome,
    community_days,
    focus_tracks,
    minutes_board,
    opted_in_members,
)
from bot.progress.store import all_welcomes as all_welcome_greetings
from bot.progress.store import welcome as welcome_greeting
from bot.progress.streaks import board_streaks, days_by_zone

__all__ = [
    "Welcome",
    "all_welcome_greetings",
    "board_streaks",
    "cached_live_streak",
    "community_days",
    "days_by_zone",
    "focus_tracks",
    "format_minutes",
    "live_streak",
    "minutes_board",
    "opted_in_members",
    "welcome_greeting",
]
