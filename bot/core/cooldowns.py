"""Per-member command cooldowns on the bot's own clock.

discord.py's `app_commands.checks.cooldown` reads the wall clock (`time.time()`), so in the
sandbox or a test on a `FakeClock` a member stayed throttled after `time +1d`, and buckets
lived in the decorator, shared by every bot in the process. Here the buckets belong to one
bot (`StudyBot.cooldowns`) and time comes from its clock: the fake clock governs them.
"""

from __future__ import annotations

from collections.abc import Hashable

from discord import app_commands

from bot.core.clock import Clock

#: Above this many buckets, the ones whose window has passed are dropped on the next use.
PRUNE_ABOVE = 2048


class Cooldowns:
    """Token buckets (discord.py's `Cooldown`: `rate` uses per `per` seconds) by key."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._buckets: dict[Hashable, app_commands.Cooldown] = {}

    def hit(self, key: Hashable, rate: int, per: float) -> app_commands.CommandOnCooldown | None:
        """Use one token of `key`'s bucket; the refusal (with its retry time) when none is
        left, else None."""
        current = self.clock.now().timestamp()
        if len(self._buckets) > PRUNE_ABOVE:
            self._prune(current)
        bucket = self._buckets.get(key)
        if bucket is None or (bucket.rate, bucket.per) != (rate, per):
            bucket = self._buckets[key] = app_commands.Cooldown(rate, per)
        retry_after = bucket.update_rate_limit(current)
        if retry_after is None:
            return None
        # A wall clock set back would otherwise ask for more than one window.
        return app_commands.CommandOnCooldown(bucket, min(retry_after, per))

    def __len__(self) -> int:
        return len(self._buckets)

    def _prune(self, current: float) -> None:
        """Forget buckets that are full again: their window has passed."""
        self._buckets = {
            key: bucket
            for key, bucket in self._buckets.items()
            if bucket.get_tokens(current) < bucket.rate
        }
