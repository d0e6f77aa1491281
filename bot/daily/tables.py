"""Daily tables: the schedule, posts, completions, streaks, the streak rule and reminder
settings.

`streaks` is a cache: each member's state as of their last study day, recomputed from
`daily_completions` and the activity log whenever either changes (so leaderboards read every
member at once). `streak_settings` holds a guild's study-day threshold (no row: the default).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String

from bot.core.store import columns as col
from bot.core.store.schema import guild_settings, member_settings, table
from bot.daily.rules.study import DEFAULT_STUDY_MINUTES

daily_schedule = table("daily_schedule", *col.weekly_post_schedule(post_time="09:00", weekdays=127))

daily_posts = table(
    "daily_posts",
    col.guild_key(),
    col.iso_date("prompt_date", primary_key=True),  # guild-local ISO date
    Column("prompt_id", String(64), nullable=False),
    Column("cycle", Integer, nullable=False),
    col.instant("created_at"),
    col.instant("posted_at", nullable=True),
    Column("channel_id", BigInteger, nullable=True),
    Column("message_id", BigInteger, nullable=True),
    Column("thread_id", BigInteger, nullable=True),
)

daily_completions = table(
    "daily_completions",
    *col.member_key(),
    col.iso_date("prompt_date", primary_key=True),
    col.iso_date("local_date"),  # the member's own day
    col.instant("completed_at"),
    Index("ix_daily_completions_member_day", "guild_id", "user_id", "local_date"),
)

streaks = member_settings(
    "streaks",
    col.counter("current"),
    col.counter("best"),
    col.counter("freezes"),
    col.iso_date("last_day", nullable=True),
)

streak_settings = guild_settings(
    "streak_settings",
    # Logged minutes on a member's local day that make it a study day (Done always does).
    col.counter("study_minutes", default=DEFAULT_STUDY_MINUTES),
)

member_reminders = member_settings(
    "member_reminders",
    col.flag("streak", default=False),
    col.counter("streak_hours_before", default=4),
    col.flag("reviews", default=False),
    col.clock("review_time", default="18:00"),
)
