"""Retention (pure): when a departed member's or a removed server's data may go."""

from __future__ import annotations

from datetime import datetime, timedelta

#: How often the retention purge runs in production.
PURGE_INTERVAL = timedelta(hours=6)


def retention_cutoff(now: datetime, retention_days: int) -> datetime:
    """Members who left, and servers that removed the bot, before this instant are purged."""
    return now - timedelta(days=retention_days)
