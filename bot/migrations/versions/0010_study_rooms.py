"""study rooms and focus sessions: marked channels, limits, voice sessions, focus sessions

Revision ID: 0010
Revises: 0002
Create Date: 2026-12-14 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.core.store.types import UTCDateTime

revision = "0010"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "study_rooms",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("channel_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "channel_id", name=op.f("pk_study_rooms")),
    )
    op.create_table(
        "study_room_settings",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("minimum_minutes", sa.Integer(), server_default="5", nullable=False),
        sa.Column("daily_cap_minutes", sa.Integer(), server_default="720", nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", name=op.f("pk_study_room_settings")),
    )
    op.create_table(
        "voice_sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("camera", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("stream", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("minutes", sa.Integer(), server_default="0", nullable=False),
        sa.Column("credited_minutes", sa.Integer(), server_default="0", nullable=False),
        sa.Column("local_date", sa.String(length=10), nullable=True),
        sa.Column("end_reason", sa.String(length=16), nullable=True),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voice_sessions")),
    )
    op.create_index(
        "ix_voice_sessions_member_open",
        "voice_sessions",
        ["guild_id", "user_id", "ended_at"],
        unique=False,
    )
    op.create_index("ix_voice_sessions_open", "voice_sessions", ["ended_at"], unique=False)
    op.create_table(
        "focus_sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("ping_message_id", sa.BigInteger(), nullable=True),
        sa.Column("focus_minutes", sa.Integer(), nullable=False),
        sa.Column("break_minutes", sa.Integer(), nullable=False),
        sa.Column("rounds", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("round", sa.Integer(), server_default="1", nullable=False),
        sa.Column("phase", sa.String(length=8), nullable=False),
        sa.Column("phase_started_at", UTCDateTime(), nullable=False),
        sa.Column("phase_ends_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("end_reason", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_focus_sessions")),
    )
    op.create_index(
        "ix_focus_sessions_channel",
        "focus_sessions",
        ["guild_id", "channel_id", "ended_at"],
        unique=False,
    )
    op.create_index(
        "ix_focus_sessions_due", "focus_sessions", ["ended_at", "phase_ends_at"], unique=False
    )
    op.create_table(
        "focus_participants",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("session_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        sa.Column("left_at", UTCDateTime(), nullable=True),
        sa.Column("pings", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("credited_minutes", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint(
            "guild_id", "session_id", "user_id", name=op.f("pk_focus_participants")
        ),
    )


def downgrade() -> None:
    op.drop_table("focus_participants")
    op.drop_index("ix_focus_sessions_due", table_name="focus_sessions")
    op.drop_index("ix_focus_sessions_channel", table_name="focus_sessions")
    op.drop_table("focus_sessions")
    op.drop_index("ix_voice_sessions_open", table_name="voice_sessions")
    op.drop_index("ix_voice_sessions_member_open", table_name="voice_sessions")
    op.drop_table("voice_sessions")
    op.drop_table("study_room_settings")
    op.drop_table("study_rooms")
