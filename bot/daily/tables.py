"""Daily tables: the schedule, posts, completions, streaks and reminder settings."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, String, Table

from bot.core.store.schema import metadata
from bot.core.store.types import UTCDateTime

daily_schedule = Table(
    "daily_schedule",
    metadata,
    Column("guild_id", BigInteger, primary_key=True, autoincrement=False),
    Column("enabled", Boolean, nullable=False, server_default="1"),
    Column("post_time", String(5), nullable=False, server_default="09:00"),
    Column("weekdays", Integer, nullable=False, server_default="127"),  # bit 0 = Monday
    Column("updated_at", UTCDateTime, nullable=False),
)

daily_posts = Table(
    "daily_posts",
    metadata,
    Column("guild_id", BigInteger, primary_key=True, autoincrement=False),
    Column("prompt_date", String(10), primary_key=True),  # guild-local ISO date
    Column("prompt_id", String(64), nullable=False),
    Column("cycle", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("posted_at", UTCDateTime, nullable=True),
    Column("channel_id", BigInteger, nullable=True),
    Column("message_id", BigInteger, nullable=True),
    Column("thread_id", BigInteger, nullable=True),
)

daily_completions = Table(
    "daily_completions",
    metadata,
    Column("guild_id", BigInteger, primary_key=True, autoincrement=False),
    Column("user_id", BigInteger, primary_key=True, autoincrement=False),
    Column("prompt_date", String(10), primary_key=True),
    Column("local_date", String(10), nullable=False),  # the member's own day
    Column("completed_at", UTCDateTime, nullable=False),
    Index("ix_daily_completions_member_day", "guild_id", "user_id", "local_date"),
)

streaks = Table(
    "streaks",
    metadata,
    Column("guild_id", BigInteger, primary_key=True, autoincrement=False),
    Column("user_id", BigInteger, primary_key=True, autoincrement=False),
    Column("current", Integer, nullable=False, server_default="0"),
    Column("best", Integer, nullable=False, server_default="0"),
    Column("freezes", Integer, nullable=False, server_default="0"),
    Column("last_day", String(10), nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
)

member_reminders = Table(
    "member_reminders",
    metadata,
    Column("guild_id", BigInteger, primary_key=True, autoincrement=False),
    Column("user_id", BigInteger, primary_key=True, autoincrement=False),
    Column("streak", Boolean, nullable=False, server_default="0"),
    Column("streak_hours_before", Integer, nullable=False, server_default="4"),
    Column("reviews", Boolean, nullable=False, server_default="0"),
    Column("review_time", String(5), nullable=False, server_default="18:00"),
    Column("updated_at", UTCDateTime, nullable=False),
)
