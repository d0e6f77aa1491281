"""Personal reminders (`/remind`): one row per reminder, at its next occurrence.

A member's reminders are served by the due-reminder dispatcher through one `due_reminders`
row per member (kind `remind`) at the earliest of them, so the dispatcher's table stays one
row per member and kind whatever the number of reminders.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String

from bot.core.store import columns as col
from bot.core.store.schema import member_log

personal_reminders = member_log(
    "personal_reminders",
    Column("text", String(300), nullable=False),
    # The next occurrence (UTC); a one-off reminder is deleted once delivered.
    col.instant("due_at_utc"),
    # Repeating reminders: the local time "HH:MM" and the weekdays (bit 0 = Monday).
    Column("repeat_time", String(5), nullable=True),
    Column("repeat_days", Integer, nullable=True),
    col.instant("created_at"),
    Index("ix_personal_reminders_member", "guild_id", "user_id", "due_at_utc"),
)
