"""The daily feature as other features may use it (their only way in)."""

from __future__ import annotations

from bot.daily.rules.streaks import StreakState
from bot.daily.service import DailyService
from bot.daily.store import reminder_prefs, save_reminder_prefs
from bot.daily.study import record_study, refresh_streak
from bot.daily.tables import member_reminders, streaks

__all__ = [
    "DailyService",
    "StreakState",
    "member_reminders",
    "record_study",
    "refresh_streak",
    "reminder_prefs",
    "save_reminder_prefs",
    "streaks",
]
