"""pitfall sweep: a sweep's detections are visible once all of them are recorded

A big guild's sweep records its detections in short transactions (100k rows in one held
SQLite's write lock ~2 s, and every member's /log waited behind it). Readers take the latest
*completed* sweep, so they never see half of one. Sweeps recorded before this are complete.

Revision ID: 0016_sweep_completed
Revises: 0007
Create Date: 2026-12-06 15:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_sweep_completed"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pitfall_sweeps") as batch:
        batch.add_column(sa.Column("completed", sa.Boolean(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("pitfall_sweeps") as batch:
        batch.drop_column("completed")
