"""pitfall sweep: a covering index on activity led by the member, for the chunked sweep

The sweep reads a guild's activity one range of members at a time and aggregates each
member in one pass (`bot/pitfalls/store/sweep.py`). With the member right after the guild,
a range of members is one contiguous slice of this index, already in GROUP BY order, and
every column the pass reads is in it: no table lookups, no sort.

Revision ID: 0013_sweep_index
Revises: 0012
Create Date: 2026-12-06 12:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0013_sweep_index"
down_revision = "0012"
branch_labels = None
depends_on = None

COLUMNS = ["guild_id", "user_id", "occurred_at", "kind", "minutes", "local_date"]


def upgrade() -> None:
    op.create_index("ix_activity_pitfall_members", "activity", COLUMNS, unique=False)


def downgrade() -> None:
    op.drop_index("ix_activity_pitfall_members", table_name="activity")
