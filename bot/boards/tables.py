"""The weekly board's schedule and channel: one row per guild that set it up."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Table

from bot.core.store import columns as col
from bot.core.store.schema import metadata

weekly_board = Table(
    "weekly_board",
    metadata,
    col.guild_key(),
    col.flag("enabled", default=True),
    col.clock("post_time", default="18:00"),
    # One weekday (0 = Monday), as the weekly accountability post keeps it.
    col.counter("weekday", default=0),
    Column("channel_id", BigInteger, nullable=True),
    col.instant("updated_at"),
)
