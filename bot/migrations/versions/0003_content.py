"""content packs uploaded by moderators: versions and the current one per pack

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 13:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.core.store.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "content_pack_versions",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("pack_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by", sa.BigInteger(), nullable=False),
        sa.Column("uploaded_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint(
            "guild_id", "pack_id", "version", name=op.f("pk_content_pack_versions")
        ),
    )
    op.create_table(
        "content_packs",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("pack_id", sa.String(length=64), nullable=False),
        sa.Column("current_version", sa.String(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("updated_by", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["guild_id", "pack_id", "current_version"],
            [
                "content_pack_versions.guild_id",
                "content_pack_versions.pack_id",
                "content_pack_versions.version",
            ],
            name=op.f("fk_content_packs_guild_id_content_pack_versions"),
        ),
        sa.PrimaryKeyConstraint("guild_id", "pack_id", name=op.f("pk_content_packs")),
    )

    op.create_table(
        "content_builtin_disabled",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("pack_id", sa.String(64), nullable=False),
        sa.Column("disabled_by", sa.BigInteger(), nullable=False),
        sa.Column("disabled_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "pack_id", name="pk_content_builtin_disabled"),
    )


def downgrade() -> None:
    op.drop_table("content_builtin_disabled")
    op.drop_table("content_packs")
    op.drop_table("content_pack_versions")
