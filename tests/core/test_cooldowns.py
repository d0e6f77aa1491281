"""Per-member command cooldowns count on the bot's clock, not the wall clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.clock import FakeClock
from bot.core.cooldowns import PRUNE_ABOVE, Cooldowns

START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


def test_a_bucket_refuses_after_rate_uses_until_the_fake_clock_moves_past_its_window() -> None:
    clock = FakeClock(START)
    cooldowns = Cooldowns(clock)
    key = ("log", 1, 42)
    assert all(cooldowns.hit(key, 5, 60.0) is None for _ in range(5))
    refusal = cooldowns.hit(key, 5, 60.0)
    assert refusal is not None and refusal.retry_after == 60.0
    clock.advance(timedelta(seconds=45))
    later = cooldowns.hit(key, 5, 60.0)
    assert later is not None and later.retry_after == 15.0
    clock.advance(timedelta(seconds=15, microseconds=1))
    assert cooldowns.hit(key, 5, 60.0) is None


def test_buckets_are_per_key() -> None:
    cooldowns = Cooldowns(FakeClock(START))
    assert cooldowns.hit(("log", 1, 42), 1, 60.0) is None
    assert cooldowns.hit(("log", 1, 42), 1, 60.0) is not None
    assert cooldowns.hit(("log", 1, 43), 1, 60.0) is None  # another member
    assert cooldowns.hit(("goal", 1, 42), 1, 60.0) is None  # another command
    assert cooldowns.hit(("log", 2, 42), 1, 60.0) is None  # another server


def test_a_day_later_after_a_burst_nobody_is_throttled() -> None:
    """The sandbox's bug: after `time +1d` practice was still refused for 60 s."""
    clock = FakeClock(START)
    cooldowns = Cooldowns(clock)
    for _ in range(6):
        cooldowns.hit(("interview practice", 1, 42), 5, 60.0)
    clock.advance(timedelta(days=1))
    assert cooldowns.hit(("interview practice", 1, 42), 5, 60.0) is None


def test_full_buckets_are_forgotten_once_there_are_many() -> None:
    clock = FakeClock(START)
    cooldowns = Cooldowns(clock)
    for user in range(PRUNE_ABOVE + 1):
        cooldowns.hit(("log", 1, user), 5, 60.0)
    clock.advance(timedelta(minutes=2))
    cooldowns.hit(("log", 1, -1), 5, 60.0)  # prunes the expired ones first
    assert len(cooldowns) == 1
