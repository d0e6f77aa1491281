"""The activity log: one row per logged or earned stretch of study (minutes, kind, source)."""

from __future__ import annotations

from sqlalchemy import Column, Index, String, Text

from bot.core.store import columns as col
from bot.core.store.schema import member_log

activity = member_log(
    "activity",
    col.instant("occurred_at"),
    col.iso_date("local_date"),
    Column("kind", String(16), nullable=False),
    col.counter("minutes"),
    Column("source", String(16), nullable=False),  # log, daily, interview, project, message ...
    Column("topic", String(64), nullable=True),
    Column("note", Text, nullable=True),
    Column("ref", String(100), nullable=True),
    Index("ix_activity_member_time_kind", "guild_id", "user_id", "occurred_at", "kind"),
    Index("ix_activity_guild_time", "guild_id", "occurred_at"),
)
