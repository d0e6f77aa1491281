"""progress: prefs, community day counters, roadmap checks, welcome config

Revision ID: 0006
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.core.store.types import UTCDateTime

revision = "0006"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "progress_prefs",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("tracking", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("digest", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("goal_minutes", sa.Integer(), nullable=True),
        sa.Column("focus_tracks", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "user_id", name=op.f("pk_progress_prefs")),
    )
    op.create_table(
        "community_days",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("local_date", sa.String(length=10), nullable=False),
        sa.Column("messages", sa.Integer(), server_default="0", nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint(
            "guild_id", "user_id", "local_date", name=op.f("pk_community_days")
        ),
    )
    op.create_index(
        "ix_community_days_guild_date",
        "community_days",
        ["guild_id", "local_date", "user_id"],
        unique=False,
    )
    op.create_table(
        "roadmap_checks",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("skill_id", sa.String(length=64), nullable=False),
        sa.Column("evidence", sa.String(length=300), nullable=True),
        sa.Column("checked_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "user_id", "skill_id", name=op.f("pk_roadmap_checks")),
    )
    op.create_table(
        "welcome_config",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=True),
        sa.Column("enabled", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", name=op.f("pk_welcome_config")),
    )


def downgrade() -> None:
    op.drop_table("welcome_config")
    op.drop_table("roadmap_checks")
    op.drop_index("ix_community_days_guild_date", table_name="community_days")
    op.drop_table("community_days")
    op.drop_table("progress_prefs")
