"""Column builders for the columns every feature's tables repeat.

Each call returns new `Column` objects (a column belongs to one table). They spell exactly
what the tables spelled by hand, so the schema (and the migrations that match it) is
unchanged: guild and member keys, the serial `id`, the guild or member a row belongs to, UTC
instants, on/off flags, counters and the `HH:MM` time of a scheduled post.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, Integer, String

from bot.core.store.types import UTCDateTime

__all__ = [
    "clock",
    "counter",
    "flag",
    "guild_key",
    "guild_of",
    "instant",
    "iso_date",
    "member_key",
    "member_of",
    "serial_id",
    "timestamps",
    "weekly_post_schedule",
]


def guild_key() -> Column[int]:
    """`guild_id` as (the first part of) the primary key: every table starts with the guild."""
    return Column("guild_id", BigInteger, primary_key=True, autoincrement=False)


def member_key() -> tuple[Column[int], Column[int]]:
    """(guild_id, user_id): the primary key every per-member table starts with."""
    return guild_key(), Column("user_id", BigInteger, primary_key=True, autoincrement=False)


def serial_id() -> Column[int]:
    """The autoincrement `id` primary key of an append-only table."""
    return Column("id", Integer, primary_key=True, autoincrement=True)


def guild_of() -> Column[int]:
    """`guild_id`, not part of the key: the guild a row of an append-only table belongs to."""
    return Column("guild_id", BigInteger, nullable=False)


def member_of() -> tuple[Column[int], Column[int]]:
    """(guild_id, user_id), not part of the key: whose row this is (export and delete find it)."""
    return guild_of(), Column("user_id", BigInteger, nullable=False)


def instant(name: str, *, nullable: bool = False) -> Column[datetime]:
    """A UTC instant (`UTCDateTime`); required unless `nullable`."""
    return Column(name, UTCDateTime, nullable=nullable)


def iso_date(name: str, *, primary_key: bool = False, nullable: bool = False) -> Column[str]:
    """A local calendar day as its ISO text, `YYYY-MM-DD` (the guild's or the member's day)."""
    if primary_key:
        return Column(name, String(10), primary_key=True)
    return Column(name, String(10), nullable=nullable)


def timestamps() -> tuple[Column[datetime], Column[datetime]]:
    """`created_at` and `updated_at`, both required."""
    return instant("created_at"), instant("updated_at")


def flag(name: str, *, default: bool) -> Column[bool]:
    """A required on/off setting with its database default."""
    return Column(name, Boolean, nullable=False, server_default="1" if default else "0")


def counter(name: str, *, default: int = 0) -> Column[int]:
    """A required integer with its database default (counts, positions, scheduled weekdays)."""
    return Column(name, Integer, nullable=False, server_default=str(default))


def clock(name: str, *, default: str) -> Column[str]:
    """A required guild-local time of day, `HH:MM`, with its database default."""
    return Column(name, String(5), nullable=False, server_default=default)


def weekly_post_schedule(*, post_time: str, weekdays: int) -> tuple[Column[Any], ...]:
    """A guild's schedule of a post on chosen weekdays: the whole row of such a table (on,
    the time, the weekdays as bits with bit 0 = Monday, when it was last changed)."""
    return (
        guild_key(),
        flag("enabled", default=True),
        clock("post_time", default=post_time),
        counter("weekdays", default=weekdays),
        instant("updated_at"),
    )
