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

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, String, Table

from bot.core.store import columns as col
from bot.core.store.schema import metadata

progress_prefs = Table(
    "progress_prefs",
    metadata,
    *col.member_key(),
    col.flag("tracking", default=True),
    col.flag("digest", default=False),
    Column("goal_minutes", Integer, nullable=True),
    Column("focus_tracks", JSON, nullable=False, default=list),
    col.instant("updated_at"),
)

community_days = Table(
    "community_days",
    metadata,
    *col.member_key(),
    col.iso_date("local_date", primary_key=True),
    col.counter("messages"),
    col.instant("updated_at"),
    # The isolation sweep reads a whole guild since a date.
    Index("ix_community_days_guild_date", "guild_id", "local_date", "user_id"),
)

roadmap_checks = Table(
    "roadmap_checks",
    metadata,
    *col.member_key(),
    Column("skill_id", String(64), primary_key=True),
    Column("evidence", String(300), nullable=True),
    col.instant("checked_at"),
)

welcome_config = Table(
    "welcome_config",
    metadata,
    col.guild_key(),
    Column("channel_id", BigInteger, nullable=True),
    col.flag("enabled", default=False),
    col.instant("updated_at"),
)

# --- 0012: the guild's public board on the web dashboard (opted-in members only) -------

public_board = Table(
    "public_board",
    metadata,
    col.guild_key(),
    col.flag("enabled", default=False),
    col.instant("updated_at"),
)

__all__ = [
    "community_days",
    "metadata",
    "progress_prefs",
    "public_board",
    "roadmap_checks",
    "welcome_config",
]
