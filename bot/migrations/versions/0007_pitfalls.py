"""pitfall detection: settings, sweeps, detections, nudges, mutes; covering sweep index

Revision ID: 0007
Revises: 0002
Create Date: 2026-11-26 13:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.core.store.types import UTCDateTime

revision = "0007"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pitfall_settings",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("overrides", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", name=op.f("pk_pitfall_settings")),
    )
    op.create_table(
        "pitfall_sweeps",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("swept_at", UTCDateTime(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("members_evaluated", sa.Integer(), nullable=False),
        sa.Column("detections", sa.Integer(), nullable=False),
        sa.Column("nudges", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pitfall_sweeps")),
    )
    op.create_index(
        "ix_pitfall_sweeps_guild_swept", "pitfall_sweeps", ["guild_id", "swept_at"], unique=False
    )
    op.create_table(
        "pitfall_detections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("sweep_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("pitfall", sa.String(length=32), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("detected_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pitfall_detections")),
    )
    op.create_index(
        "ix_pitfall_detections_sweep",
        "pitfall_detections",
        ["guild_id", "sweep_id", "user_id"],
        unique=False,
    )
    op.create_table(
        "pitfall_nudges",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("pitfall", sa.String(length=32), nullable=False),
        sa.Column("nudge_id", sa.String(length=64), nullable=False),
        sa.Column("detection_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("feedback", sa.String(length=16), nullable=True),
        sa.Column("feedback_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pitfall_nudges")),
    )
    op.create_index(
        "ix_pitfall_nudges_member_sent",
        "pitfall_nudges",
        ["guild_id", "user_id", "sent_at"],
        unique=False,
    )
    op.create_table(
        "pitfall_mutes",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("pitfall", sa.String(length=32), nullable=False),
        sa.Column("muted_until", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "user_id", "pitfall", name=op.f("pk_pitfall_mutes")),
    )
    op.create_index(
        "ix_activity_pitfall_sweep",
        "activity",
        ["guild_id", "occurred_at", "user_id", "kind", "minutes", "local_date"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_activity_pitfall_sweep", table_name="activity")
    op.drop_table("pitfall_mutes")
    op.drop_index("ix_pitfall_nudges_member_sent", table_name="pitfall_nudges")
    op.drop_table("pitfall_nudges")
    op.drop_index("ix_pitfall_detections_sweep", table_name="pitfall_detections")
    op.drop_table("pitfall_detections")
    op.drop_index("ix_pitfall_sweeps_guild_swept", table_name="pitfall_sweeps")
    op.drop_table("pitfall_sweeps")
    op.drop_table("pitfall_settings")
