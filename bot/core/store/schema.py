"""The core tables and the shared `metadata` (SQLAlchemy Core).

Each feature defines its own tables on this `metadata` in its `tables.py`; `bot.tables`
imports them all, so `metadata` is complete for Alembic and the schema tests.

Every table is keyed by `guild_id` first: one bot serves many guilds. Discord snowflakes are
BigInteger. All instants are UTC (`UTCDateTime`).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Index,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.schema import SchemaItem

from bot.core.store import columns as col
from bot.core.store.types import UTCDateTime

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)


# The kinds of table the features declare, each spelled once. A helper puts its columns where
# the tables had them by hand (keys first, `updated_at` last), so the schema is unchanged.


def table(name: str, *items: SchemaItem) -> Table:
    """A table on the shared `metadata`."""
    return Table(name, metadata, *items)


def guild_settings(name: str, *columns: SchemaItem) -> Table:
    """One row of settings per guild: `guild_id` is the key, `updated_at` says when."""
    return table(name, col.guild_key(), *columns, col.instant("updated_at"))


def member_settings(name: str, *columns: SchemaItem) -> Table:
    """One row of settings (or cached state) per member, keyed and stamped like the guild's."""
    return table(name, *col.member_key(), *columns, col.instant("updated_at"))


def guild_log(name: str, *items: SchemaItem) -> Table:
    """Rows appended for a guild: a serial `id`, then the guild they belong to."""
    return table(name, col.serial_id(), col.guild_of(), *items)


def member_log(name: str, *items: SchemaItem) -> Table:
    """Rows appended for a member: a serial `id`, then whose they are (export and delete find
    them by `guild_id`, `user_id`)."""
    return table(name, col.serial_id(), *col.member_of(), *items)


guild_config = table(
    "guild_config",
    col.guild_key(),
    Column("timezone", String(64), nullable=False, server_default="UTC"),
    Column("moderator_role_id", BigInteger, nullable=True),
    Column("daily_channel_id", BigInteger, nullable=True),
    Column("accountability_channel_id", BigInteger, nullable=True),
    Column("interview_channel_id", BigInteger, nullable=True),
    # Settings that failed at send time (channel gone, permission lost): {name: reason}.
    Column("broken", JSON, nullable=False, default=dict),
    # Set when the bot was removed from the guild; its data is purged after the retention period.
    col.instant("removed_at", nullable=True),
    *col.timestamps(),
)

#: A member's nudges come with their next command reply unless they chose otherwise.
DEFAULT_NUDGE_MODE = "inbox"

members = table(
    "members",
    *col.member_key(),
    Column("timezone", String(64), nullable=True),
    col.flag("dm_opt_in", default=False),
    # Set when a DM bounced (Forbidden): DMs stop until the member turns them on again.
    col.flag("dm_unreachable", default=False),
    Column("nudge_mode", String(8), nullable=False, server_default=DEFAULT_NUDGE_MODE),
    col.flag("profile_public", default=False),
    col.flag("leaderboard_opt_in", default=False),
    # Set when the member left the guild; their data is purged after the retention period.
    col.instant("left_at", nullable=True),
    *col.timestamps(),
)

deliveries = table(
    "deliveries",
    # The key is the primary key (migration 0018): a serial id beside a unique key cost every
    # claim an index more.
    Column("key", String(200), primary_key=True),
    col.guild_of(),
    Column("kind", String(32), nullable=False),
    # claimed -> sent | failed | skipped
    Column("status", String(16), nullable=False),
    col.instant("created_at"),
    col.instant("sent_at", nullable=True),
    Column("channel_id", BigInteger, nullable=True),
    Column("message_id", BigInteger, nullable=True),
    Column("detail", Text, nullable=True),
    col.counter("attempts"),
    # who holds a claim, and until when (a live claim of another process is never taken)
    Column("owner", String(64), nullable=True),
    col.instant("lease_until", nullable=True),
    Index("ix_deliveries_guild_created", "guild_id", "created_at"),
)

due_reminders = member_log(
    "due_reminders",
    Column("kind", String(32), nullable=False),
    Column("due_at_utc", UTCDateTime, nullable=False),
    Column("payload", JSON, nullable=False, default=dict),
    UniqueConstraint("guild_id", "user_id", "kind"),
    # The tick's order, `due_at_utc, id`, read straight from the index (migration 0014).
    Index("ix_due_reminders_due_at_id", "due_at_utc", "id"),
)

command_sync = table(
    "command_sync",
    Column("scope", String(64), primary_key=True),
    Column("tree_hash", String(64), nullable=False),
    col.instant("synced_at"),
)

# --- 0002: the inbox (what waits for a member's next command) ------------------------

inbox = member_log(
    "inbox",
    Column("kind", String(32), nullable=False),
    Column("title", String(256), nullable=False),
    Column("body", Text, nullable=False),
    Column("payload", JSON, nullable=False, default=dict),
    col.instant("created_at"),
    col.instant("delivered_at", nullable=True),
    Index("ix_inbox_member_pending", "guild_id", "user_id", "delivered_at"),
)

# --- 0012: what one process changed that another must pick up (bot/core/changes.py) -----

change_notices = guild_log(
    "change_notices",
    # "schedule" (channels, timezone, post times, the pitfall sweep) or "content" (packs)
    Column("topic", String(32), nullable=False),
    # INSTANCE_NAME of the process that made the change: it does not act on its own notices
    Column("origin", String(64), nullable=False),
    col.instant("created_at"),
    Index("ix_change_notices_created", "created_at"),
)
