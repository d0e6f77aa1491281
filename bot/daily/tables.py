"""Daily tables: the schedule, posts, completions, streaks and reminder settings."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table

from bot.core.store.columns import clock, counter, flag, guild_key, instant, member_key
from bot.core.store.schema import metadata

daily_schedule = Table(
    "daily_schedule",
    metadata,
    guild_key(),
    flag("enabled", default=True),
    clock("post_time", default="09:00"),
    counter("weekdays", default=127),  # bit 0 = Monday
    instant("updated_at"),
)

daily_posts = Table(
    "daily_posts",
    metadata,
    guild_key(),
    Column("prompt_date", String(10), primary_key=True),  # guild-local ISO date
    Column("prompt_id", String(64), nullable=False),
    Column("cycle", Integer, nullable=False),
    instant("created_at"),
    instant("posted_at", nullable=True),
    Column("channel_id", BigInteger, nullable=True),
    Column("message_id", BigInteger, nullable=True),
    Column("thread_id", BigInteger, nullable=True),
)

daily_completions = Table(
    "daily_completions",
    metadata,
    *member_key(),
    Column("prompt_date", String(10), primary_key=True),
    Column("local_date", String(10), nullable=False),  # the member's own day
    instant("completed_at"),
    Index("ix_daily_completions_member_day", "guild_id", "user_id", "local_date"),
)

streaks = Table(
    "streaks",
    metadata,
    *member_key(),
    counter("current"),
    counter("best"),
    counter("freezes"),
    Column("last_day", String(10), nullable=True),
    instant("updated_at"),
)

member_reminders = Table(
    "member_reminders",
    metadata,
    *member_key(),
    flag("streak", default=False),
    counter("streak_hours_before", default=4),
    flag("reviews", default=False),
    clock("review_time", default="18:00"),
    instant("updated_at"),
)
