"""dispatcher tick: order due reminders by (due time, id) straight from one index

The tick reads due reminders a batch at a time, `ORDER BY due_at_utc, id LIMIT n`. With the
index on the due time alone, PostgreSQL read every due row of the same instant and sorted them
for each batch (10,000 rows due at 09:00: 10,000 read to keep 1,000, ten times over); with
the id in the index the batch is the first n entries. (SQLite's index already ended with the
rowid, which is `id`; the new one reads the same there.) Same number of indexes: the old one
is replaced, so the writes of every advance cost what they did.

Revision ID: 0014_tick_indexes
Revises: 0013_sweep_index
Create Date: 2026-12-06 15:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0014_tick_indexes"
down_revision = "0013_sweep_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_due_reminders_due_at_id", "due_reminders", ["due_at_utc", "id"])
    op.drop_index("ix_due_reminders_due_at_utc", table_name="due_reminders")


def downgrade() -> None:
    op.create_index("ix_due_reminders_due_at_utc", "due_reminders", ["due_at_utc"])
    op.drop_index("ix_due_reminders_due_at_id", table_name="due_reminders")
