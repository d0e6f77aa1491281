"""Role rewards: thresholds mapped to roles, the grants made, and the scan's watermark.

- `role_rewards`: per guild, a role given at a threshold of one kind (streak days, study
  hours in total or this month, projects shipped). `broken` holds why the bot cannot give it
  (no Manage Roles, the role above the bot's): such a reward is left alone until a moderator
  changes the rewards or `/setup health` finds it fixed. `swept_at` is empty until every
  member was checked against it (a new or re-armed reward).
- `role_reward_grants`: who got which reward, once (`period` "" for good; the local month
  "2026-03" for a monthly reward, removed at the month's end).
- `reward_scan`: how far the scan for changed members has read the study log and streaks.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from bot.core.store import columns as col
from bot.core.store.schema import metadata

role_rewards = Table(
    "role_rewards",
    metadata,
    col.serial_id(),
    col.guild_of(),
    Column("kind", String(16), nullable=False),
    Column("threshold", Integer, nullable=False),
    Column("role_id", BigInteger, nullable=False),
    Column("broken", Text, nullable=True),
    col.instant("swept_at", nullable=True),
    *col.timestamps(),
    UniqueConstraint("guild_id", "kind", "threshold"),
    UniqueConstraint("guild_id", "role_id"),
)

role_reward_grants = Table(
    "role_reward_grants",
    metadata,
    col.serial_id(),
    *col.member_of(),
    Column("reward_id", Integer, ForeignKey("role_rewards.id", ondelete="CASCADE"), nullable=False),
    Column("period", String(7), nullable=False, server_default=""),
    col.instant("granted_at"),
    col.instant("removed_at", nullable=True),
    UniqueConstraint("reward_id", "user_id", "period"),
    Index("ix_role_reward_grants_guild_period", "guild_id", "period"),
)

reward_scan = Table(
    "reward_scan",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("activity_id", Integer, nullable=False, server_default="0"),
    col.instant("scanned_at"),
)
