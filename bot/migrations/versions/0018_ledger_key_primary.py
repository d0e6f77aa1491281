"""delivery ledger: the key is the primary key (no serial id beside it)

Every claim inserted into three indexes of the ledger: the serial id's, the unique key's and
the guild's. Nothing reads a delivery by its id, so the key becomes the primary key and the
id goes: one index and one sequence step fewer per claim. Measured on PostgreSQL, a 10,000-row
tick with 28 days of ledger history, four alternating pairs: 137 / 113 / 89 / 122 ms with the
id, 121 / 90 / 88 / 106 ms without (BENCHMARKS.md, round 8).

Revision ID: 0018_ledger_key_primary
Revises: 0017_occurrence_keys
Create Date: 2026-12-07 05:55:00
"""

from __future__ import annotations

from alembic import op

revision = "0018_ledger_key_primary"
down_revision = "0017_occurrence_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_constraint("pk_deliveries", type_="primary")
        batch.drop_column("id")
        batch.drop_constraint("uq_deliveries_key", type_="unique")
        batch.create_primary_key("pk_deliveries", ["key"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("pk_deliveries", "deliveries", type_="primary")
        op.create_unique_constraint("uq_deliveries_key", "deliveries", ["key"])
        # SERIAL numbers the rows already there.
        op.execute("ALTER TABLE deliveries ADD COLUMN id SERIAL")
        op.create_primary_key("pk_deliveries", "deliveries", ["id"])
        return
    # SQLite: rebuild the table as 0001 and 0008 left it (its reflection cannot name a primary
    # key on a quoted column, so Alembic's batch mode cannot drop this one); an INTEGER
    # PRIMARY KEY left empty takes the next rowid, which numbers the kept rows.
    columns = (
        '"key", guild_id, kind, status, created_at, sent_at, channel_id, message_id, detail, '
        "attempts, owner, lease_until"
    )
    op.execute("ALTER TABLE deliveries RENAME TO deliveries_0018")
    op.execute(
        'CREATE TABLE deliveries (id INTEGER NOT NULL, "key" VARCHAR(200) NOT NULL, '
        "guild_id BIGINT NOT NULL, kind VARCHAR(32) NOT NULL, status VARCHAR(16) NOT NULL, "
        "created_at DATETIME NOT NULL, sent_at DATETIME, channel_id BIGINT, message_id BIGINT, "
        "detail TEXT, attempts INTEGER DEFAULT '0' NOT NULL, owner VARCHAR(64), "
        "lease_until DATETIME, CONSTRAINT pk_deliveries PRIMARY KEY (id), "
        'CONSTRAINT uq_deliveries_key UNIQUE ("key"))'
    )
    op.execute(
        f"INSERT INTO deliveries ({columns}) SELECT {columns} FROM deliveries_0018 "
        "ORDER BY created_at"
    )
    op.execute("DROP TABLE deliveries_0018")
    op.create_index("ix_deliveries_guild_created", "deliveries", ["guild_id", "created_at"])
