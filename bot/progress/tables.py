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

from sqlalchemy import JSON, BigInteger, Column, Index, Integer, String

from bot.core.store import columns as col
from bot.core.store.schema import guild_settings, member_settings, metadata, table

progress_prefs = member_settings(
    "progress_prefs",
    col.flag("tracking", default=True),
    col.flag("digest", default=False),
    Column("goal_minutes", Integer, nullable=True),
    Column("focus_tracks", JSON, nullable=False, default=list),
)

community_days = table(
    "community_days",
    *col.member_key(),
    col.iso_date("local_date", primary_key=True),
    col.counter("messages"),
    col.instant("updated_at"),
    # The isolation sweep reads a whole guild since a date.
    Index("ix_community_days_guild_date", "guild_id", "local_date", "user_id"),
)

roadmap_checks = table(
    "roadmap_checks",
    *col.member_key(),
    Column("skill_id", String(64), primary_key=True),
    Column("evidence", String(300), nullable=True),
    col.instant("checked_at"),
)

welcome_config = guild_settings(
    "welcome_config",
    Column("channel_id", BigInteger, nullable=True),
    col.flag("enabled", default=False),
)

# --- 0012: the guild's public board on the web dashboard (opted-in members only) -------

public_board = guild_settings("public_board", col.flag("enabled", default=False))

__all__ = [
    "community_days",
    "metadata",
    "progress_prefs",
    "public_board",
    "roadmap_checks",
    "welcome_config",
]
