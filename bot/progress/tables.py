"""Tables of the progress feature, on the shared metadata (see schema.py).

- `progress_prefs`: a member's progress settings (community tracking, digest, weekly goal,
  focus tracks). No row = defaults (tracking on, digest off, no goal).
- `community_days`: one counter row per member per local day with community messages.
  A message is one upsert that bumps `messages` up to the daily cap; nothing of the message
  is stored. It stands in for activity of kind `community`, source `message`, minutes 0,
  so busy channels never multiply activity rows.
- `roadmap_checks`: skills a member checked off, with an optional https evidence link.
- `welcome_config`: the guild's welcome greeting (channel, on/off).
"""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Boolean, Column, Index, Integer, String, Table

from bot.core.store.schema import metadata
from bot.core.store.types import UTCDateTime


def _member_key() -> tuple[Column[int], Column[int]]:
    """(guild_id, user_id): the primary key every per-member table starts with."""
    return (
        Column("guild_id", BigInteger, primary_key=True, autoincrement=False),
        Column("user_id", BigInteger, primary_key=True, autoincrement=False),
    )


progress_prefs = Table(
    "progress_prefs",
    metadata,
    *_member_key(),
    Column("tracking", Boolean, nullable=False, server_default="1"),
    Column("digest", Boolean, nullable=False, server_default="0"),
    Column("goal_minutes", Integer, nullable=True),
    Column("focus_tracks", JSON, nullable=False, default=list),
    Column("updated_at", UTCDateTime, nullable=False),
)

community_days = Table(
    "community_days",
    metadata,
    *_member_key(),
    Column("local_date", String(10), primary_key=True),
    Column("messages", Integer, nullable=False, server_default="0"),
    Column("updated_at", UTCDateTime, nullable=False),
    # The isolation sweep reads a whole guild since a date.
    Index("ix_community_days_guild_date", "guild_id", "local_date", "user_id"),
)

roadmap_checks = Table(
    "roadmap_checks",
    metadata,
    *_member_key(),
    Column("skill_id", String(64), primary_key=True),
    Column("evidence", String(300), nullable=True),
    Column("checked_at", UTCDateTime, nullable=False),
)

welcome_config = Table(
    "welcome_config",
    metadata,
    Column("guild_id", BigInteger, primary_key=True, autoincrement=False),
    Column("channel_id", BigInteger, nullable=True),
    Column("enabled", Boolean, nullable=False, server_default="0"),
    Column("updated_at", UTCDateTime, nullable=False),
)

__all__ = ["community_days", "metadata", "progress_prefs", "roadmap_checks", "welcome_config"]
