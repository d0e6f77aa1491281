"""Tables of the study rooms and focus sessions, on the shared metadata (see schema.py).

- `study_rooms`: the channels a moderator marked: voice channels whose time counts (`room`),
  and text channels where focus sessions may run besides the rooms' own chats (`focus`);
- `study_room_settings`: the guild's minimum session and daily cap (no row: the defaults);
- `voice_sessions`: one row per stretch a member spent in study rooms. An open session has no
  `ended_at`; `last_seen_at` is the last instant the bot knew the member was there (moved on
  by every event and by the periodic checkpoint), which is where a session the bot lost sight
  of (a crash, a long outage) is closed. `activity_id` is the study-log entry it became;
- `focus_sessions` (`user_id`: who started it) and `focus_participants`.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table

from bot.core.store import columns as col
from bot.core.store.schema import metadata

study_rooms = Table(
    "study_rooms",
    metadata,
    col.guild_key(),
    Column("channel_id", BigInteger, primary_key=True, autoincrement=False),
    Column("kind", String(8), nullable=False),  # room | focus
    col.instant("added_at"),
)

study_room_settings = Table(
    "study_room_settings",
    metadata,
    col.guild_key(),
    col.counter("minimum_minutes", default=5),
    col.counter("daily_cap_minutes", default=720),
    col.instant("updated_at"),
)

voice_sessions = Table(
    "voice_sessions",
    metadata,
    col.serial_id(),
    *col.member_of(),
    # The room the session started in (a move between rooms continues the same session).
    Column("channel_id", BigInteger, nullable=False),
    col.instant("started_at"),
    col.instant("last_seen_at"),
    col.instant("ended_at", nullable=True),
    col.flag("camera", default=False),  # camera on at some point of the session
    col.flag("stream", default=False),  # screen shared at some point of the session
    col.counter("minutes"),  # its length, once ended
    col.counter("credited_minutes"),  # what reached the study log (0: short or capped)
    col.iso_date("local_date", nullable=True),  # the member's day it was credited to
    Column("end_reason", String(16), nullable=True),  # left | afk | lost | shutdown ...
    Column("activity_id", Integer, nullable=True),
    Index("ix_voice_sessions_member_open", "guild_id", "user_id", "ended_at"),
    Index("ix_voice_sessions_open", "ended_at"),
)

focus_sessions = Table(
    "focus_sessions",
    metadata,
    col.serial_id(),
    *col.member_of(),
    Column("channel_id", BigInteger, nullable=False),
    Column("message_id", BigInteger, nullable=True),  # the board, edited in place
    Column("ping_message_id", BigInteger, nullable=True),  # the latest ping (replaced)
    Column("focus_minutes", Integer, nullable=False),
    Column("break_minutes", Integer, nullable=False),
    Column("rounds", Integer, nullable=False),
    col.instant("started_at"),
    col.counter("round", default=1),
    Column("phase", String(8), nullable=False),  # focus | break | ended
    col.instant("phase_started_at"),
    col.instant("phase_ends_at"),
    col.instant("ended_at", nullable=True),
    Column("end_reason", String(16), nullable=True),  # done | stopped | missed | gone
    Index("ix_focus_sessions_channel", "guild_id", "channel_id", "ended_at"),
    Index("ix_focus_sessions_due", "ended_at", "phase_ends_at"),
)

focus_participants = Table(
    "focus_participants",
    metadata,
    col.guild_key(),
    Column("session_id", Integer, primary_key=True, autoincrement=False),
    Column("user_id", BigInteger, primary_key=True, autoincrement=False),
    col.instant("joined_at"),
    col.instant("left_at", nullable=True),
    col.flag("pings", default=False),
    col.counter("credited_minutes"),
)

__all__ = [
    "focus_participants",
    "focus_sessions",
    "metadata",
    "study_room_settings",
    "study_rooms",
    "voice_sessions",
]
