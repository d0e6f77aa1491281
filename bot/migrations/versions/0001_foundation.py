"""Foundation: guild config, members, delivery ledger, due reminders, command sync.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.core.store.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guild_config",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("timezone", sa.String(64), server_default="UTC", nullable=False),
        sa.Column("moderator_role_id", sa.BigInteger(), nullable=True),
        sa.Column("daily_channel_id", sa.BigInteger(), nullable=True),
        sa.Column("accountability_channel_id", sa.BigInteger(), nullable=True),
        sa.Column("interview_channel_id", sa.BigInteger(), nullable=True),
        sa.Column("broken", sa.JSON(), nullable=False),
        sa.Column("removed_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", name="pk_guild_config"),
    )
    op.create_table(
        "members",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("timezone", sa.String(64), nullable=True),
        sa.Column("dm_opt_in", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("dm_unreachable", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("nudge_mode", sa.String(8), server_default="inbox", nullable=False),
        sa.Column("profile_public", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("leaderboard_opt_in", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("left_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "user_id", name="pk_members"),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("channel_id", sa.BigInteger(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
        sa.UniqueConstraint("key", name="uq_deliveries_key"),
    )
    op.create_index("ix_deliveries_guild_created", "deliveries", ["guild_id", "created_at"])
    op.create_table(
        "due_reminders",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("due_at_utc", UTCDateTime(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_due_reminders"),
        sa.UniqueConstraint(
            "guild_id", "user_id", "kind", name="uq_due_reminders_guild_id_user_id_kind"
        ),
    )
    op.create_index("ix_due_reminders_due_at_utc", "due_reminders", ["due_at_utc"])
    op.create_table(
        "command_sync",
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("tree_hash", sa.String(64), nullable=False),
        sa.Column("synced_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("scope", name="pk_command_sync"),
    )


def downgrade() -> None:
    op.drop_table("command_sync")
    op.drop_index("ix_due_reminders_due_at_utc", table_name="due_reminders")
    op.drop_table("due_reminders")
    op.drop_index("ix_deliveries_guild_created", table_name="deliveries")
    op.drop_table("deliveries")
    op.drop_table("members")
    op.drop_table("guild_config")
