"""The activity log: one row per logged or earned stretch of study (minutes, kind, source)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Text

from bot.core.store.schema import metadata
from bot.core.store.types import UTCDateTime

activity = Table(
    "activity",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("guild_id", BigInteger, nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("local_date", String(10), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("minutes", Integer, nullable=False, server_default="0"),
    Column("source", String(16), nullable=False),  # log, daily, interview, project, message ...
    Column("topic", String(64), nullable=True),
    Column("note", Text, nullable=True),
    Column("ref", String(100), nullable=True),
    Index("ix_activity_member_time_kind", "guild_id", "user_id", "occurred_at", "kind"),
    Index("ix_activity_guild_time", "guild_id", "occurred_at"),
)
