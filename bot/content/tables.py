"""Tables of the content feature (bot/content/service), on the shared metadata.

A guild's uploaded pack is two things:
- ``content_pack_versions``: every version ever uploaded (one row each, never rewritten),
  with the exact YAML text, its sha256, who uploaded it and when;
- ``content_packs``: one row per (guild, pack id) naming the *current* version and whether
  the pack is enabled. Upload and rollback move ``current_version``; the primary key makes
  "exactly one current version" structural rather than a convention.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKeyConstraint, String, Text

from bot.content.rules import FILENAME_MAX, VERSION_MAX
from bot.core.store import columns as col
from bot.core.store.schema import metadata, table

__all__ = ["content_builtin_disabled", "content_pack_versions", "content_packs", "metadata"]


def _pack_key() -> tuple[Column[int], Column[str]]:
    """Every content table's primary key starts with the guild and the pack id."""
    return (
        col.guild_key(),
        Column("pack_id", String(64), primary_key=True),
    )


content_pack_versions = table(
    "content_pack_versions",
    *_pack_key(),
    Column("version", String(VERSION_MAX), primary_key=True),
    Column("name", String(100), nullable=False),  # the header's name, for listings
    Column("filename", String(FILENAME_MAX), nullable=False),  # as uploaded, for export
    Column("source", Text, nullable=False),  # the YAML text exactly as uploaded
    Column("checksum", String(64), nullable=False),  # sha256 hex of the uploaded bytes
    Column("uploaded_by", BigInteger, nullable=False),
    col.instant("uploaded_at"),
)

content_packs = table(
    "content_packs",
    *_pack_key(),
    Column("current_version", String(VERSION_MAX), nullable=False),
    col.flag("enabled", default=True),
    Column("updated_by", BigInteger, nullable=False),
    col.instant("updated_at"),
    ForeignKeyConstraint(
        ["guild_id", "pack_id", "current_version"],
        [
            "content_pack_versions.guild_id",
            "content_pack_versions.pack_id",
            "content_pack_versions.version",
        ],
    ),
)

content_builtin_disabled = table(
    "content_builtin_disabled",
    # Built-in packs a guild's moderators switched off (built-ins are split by kind and track
    # so parts can be disabled per server).
    *_pack_key(),
    Column("disabled_by", BigInteger, nullable=False),
    col.instant("disabled_at"),
)
