"""The activity log as other features may use it (their only way in)."""

from __future__ import annotations

from bot.activity.rules import ACTIVITY_KINDS, PRACTICE_KINDS, THEORY_KINDS, kind_for_track
from bot.activity.service import ActivityService
from bot.activity.store import add as add_activity
from bot.activity.tables import activity

__all__ = [
    "ACTIVITY_KINDS",
    "PRACTICE_KINDS",
    "THEORY_KINDS",
    "ActivityService",
    "activity",
    "add_activity",
    "kind_for_track",
]
