"""Tables for the pitfall feature (bot/pitfalls/store/), on the shared metadata (see schema.py).

- `pitfall_settings`: a guild's threshold overrides (JSON of the names in
  `bot.pitfalls.thresholds.PitfallThresholds`; absent names use the documented defaults).
- `pitfall_sweeps`: one row per sweep of a guild (when, how long, how many flagged).
- `pitfall_detections`: what each sweep found, with the evidence in numbers.
- `pitfall_nudges`: every nudge sent (which text, how), and the member's feedback.
- `pitfall_mutes`: "Not for me" — no nudges of that pitfall for that member until then.
"""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, Float, Index, Integer, String, Table

from bot.activity.api import activity
from bot.core.store import columns as col
from bot.core.store.schema import metadata

__all__ = [
    "metadata",
    "pitfall_detections",
    "pitfall_mutes",
    "pitfall_nudges",
    "pitfall_settings",
    "pitfall_sweeps",
]

pitfall_settings = Table(
    "pitfall_settings",
    metadata,
    col.guild_key(),
    col.flag("enabled", default=True),
    Column("overrides", JSON, nullable=False, default=dict),
    col.instant("updated_at"),
)

pitfall_sweeps = Table(
    "pitfall_sweeps",
    metadata,
    col.serial_id(),
    col.guild_of(),
    col.instant("swept_at"),
    Column("seconds", Float, nullable=False),
    Column("members_evaluated", Integer, nullable=False),
    Column("detections", Integer, nullable=False),
    Column("nudges", Integer, nullable=False),
    # False while its detections are being recorded (in slices): readers skip it until then.
    col.flag("completed", default=True),
    Index("ix_pitfall_sweeps_guild_swept", "guild_id", "swept_at"),
)

pitfall_detections = Table(
    "pitfall_detections",
    metadata,
    col.serial_id(),
    col.guild_of(),
    Column("sweep_id", Integer, nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("pitfall", String(32), nullable=False),
    Column("evidence", JSON, nullable=False, default=dict),
    col.instant("detected_at"),
    Index("ix_pitfall_detections_sweep", "guild_id", "sweep_id", "user_id"),
)

pitfall_nudges = Table(
    "pitfall_nudges",
    metadata,
    col.serial_id(),
    *col.member_of(),
    Column("pitfall", String(32), nullable=False),
    Column("nudge_id", String(64), nullable=False),
    Column("detection_id", Integer, nullable=True),
    col.instant("sent_at"),
    # "dm" | "inbox" (where it went), "pending" while being delivered
    Column("channel", String(8), nullable=False),
    # None | "on_it" | "not_for_me"
    Column("feedback", String(16), nullable=True),
    col.instant("feedback_at", nullable=True),
    Index("ix_pitfall_nudges_member_sent", "guild_id", "user_id", "sent_at"),
)

pitfall_mutes = Table(
    "pitfall_mutes",
    metadata,
    *col.member_key(),
    Column("pitfall", String(32), primary_key=True),
    col.instant("muted_until"),
    col.instant("created_at"),
)

# Whole-guild reads of a time window (`/setup stats`, the returning members, the dashboard's
# counts) read only these columns of `activity`: the database answers from the index alone.
ix_activity_pitfall_sweep = Index(
    "ix_activity_pitfall_sweep",
    activity.c.guild_id,
    activity.c.occurred_at,
    activity.c.user_id,
    activity.c.kind,
    activity.c.minutes,
    activity.c.local_date,
)

# The chunked sweep reads one range of members at a time (migration 0013): led by the member,
# a range is one contiguous slice of the index, already in GROUP BY order.
ix_activity_pitfall_members = Index(
    "ix_activity_pitfall_members",
    activity.c.guild_id,
    activity.c.user_id,
    activity.c.occurred_at,
    activity.c.kind,
    activity.c.minutes,
    activity.c.local_date,
)
