"""role rewards and their grants, personal reminders, the weekly board

Revision ID: 0011
Revises: 0001
Create Date: 2026-12-10 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.core.store.types import UTCDateTime

revision = "0011"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "role_rewards",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.BigInteger(), nullable=False),
        sa.Column("broken", sa.Text(), nullable=True),
        sa.Column("swept_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_rewards")),
        sa.UniqueConstraint(
            "guild_id", "kind", "threshold", name=op.f("uq_role_rewards_guild_id_kind_threshold")
        ),
        sa.UniqueConstraint("guild_id", "role_id", name=op.f("uq_role_rewards_guild_id_role_id")),
    )
    op.create_table(
        "role_reward_grants",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("reward_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), server_default="", nullable=False),
        sa.Column("granted_at", UTCDateTime(), nullable=False),
        sa.Column("removed_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["reward_id"],
            ["role_rewards.id"],
            name=op.f("fk_role_reward_grants_reward_id_role_rewards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_reward_grants")),
        sa.UniqueConstraint(
            "reward_id",
            "user_id",
            "period",
            name=op.f("uq_role_reward_grants_reward_id_user_id_period"),
        ),
    )
    op.create_index(
        "ix_role_reward_grants_guild_period",
        "role_reward_grants",
        ["guild_id", "period"],
        unique=False,
    )
    op.create_table(
        "reward_scan",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("activity_id", sa.Integer(), server_default="0", nullable=False),
        sa.Column("scanned_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_reward_scan")),
    )
    op.create_table(
        "personal_reminders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("due_at_utc", UTCDateTime(), nullable=False),
        sa.Column("repeat_time", sa.String(length=5), nullable=True),
        sa.Column("repeat_days", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_reminders")),
    )
    op.create_index(
        "ix_personal_reminders_member",
        "personal_reminders",
        ["guild_id", "user_id", "due_at_utc"],
        unique=False,
    )
    op.create_table(
        "weekly_board",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("post_time", sa.String(length=5), server_default="18:00", nullable=False),
        sa.Column("weekday", sa.Integer(), server_default="0", nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", name=op.f("pk_weekly_board")),
    )


def downgrade() -> None:
    op.drop_table("weekly_board")
    op.drop_index("ix_personal_reminders_member", table_name="personal_reminders")
    op.drop_table("personal_reminders")
    op.drop_table("reward_scan")
    op.drop_index("ix_role_reward_grants_guild_period", table_name="role_reward_grants")
    op.drop_table("role_reward_grants")
    op.drop_table("role_rewards")
