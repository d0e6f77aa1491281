"""Snowflake ids for the fake's world, and the shard a guild's id puts it on.

Separate from :mod:`bot.sandbox.models` (which re-exports both names) so the rule that
decides sharding is in one small place.
"""

from __future__ import annotations

from datetime import UTC, datetime

import discord

#: When the fake's world was made: the time part of its ids, and its timestamps.
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
#: Guild ids' time parts start at a multiple of every shard count up to 16 (lcm(1..16)).
_SHARD_ALIGNMENT = 720720
#: Ids per millisecond before the time part moves on (the snowflake's low 22 bits).
_PER_MS = 1 << 22


def shard_of(guild_id: int, count: int) -> int:
    """The shard a guild's events go to: ``(guild_id >> 22) % count``, as Discord documents."""
    return (guild_id >> 22) % count


class Snowflakes:
    """Deterministic, increasing ids that look like real snowflakes.

    Every id carries the current time part (milliseconds since Discord's epoch, early 2026)
    and a counter. Each guild (:meth:`next_guild`) moves the time part on by one millisecond
    first, and the first guild's time part is a multiple of every count up to 16, so the
    k-th guild created (from 0) is on shard ``k % n`` for any ``n <= 16``: consecutive guilds
    alternate shards for ``n = 2``. Other ids keep the time part of the newest guild."""

    def __init__(self) -> None:
        start = int(EPOCH.timestamp() * 1000) - discord.utils.DISCORD_EPOCH
        first_guild = -(-start // _SHARD_ALIGNMENT) * _SHARD_ALIGNMENT
        self._ms = first_guild - 1
        self._counter = 0

    def next(self) -> int:
        self._counter += 1
        if self._counter >= _PER_MS:
            self._ms, self._counter = self._ms + 1, 1
        return (self._ms << 22) | self._counter

    def next_guild(self) -> int:
        """A guild id in the next millisecond (its shard is the next one round)."""
        self._ms += 1
        return self.next()
