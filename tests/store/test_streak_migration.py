"""Migration 0009: streaks count study days; the cached streaks are recounted from what is
stored (completions and the activity log), and downgrading keeps the data usable."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, inspect, select

from bot.activity.tables import activity
from bot.core.store import Store
from bot.daily.tables import daily_completions, streaks

GUILD, OTHER = 1, 2
MONDAY = date(2026, 3, 2)
AT = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def completion(user_id: int, offset: int, guild_id: int = GUILD) -> dict[str, Any]:
    day = (MONDAY + timedelta(days=offset)).isoformat()
    return {
        "guild_id": guild_id,
        "user_id": user_id,
        "prompt_date": day,
        "local_date": day,
        "completed_at": AT + timedelta(days=offset),
    }


def logged(user_id: int, offset: int, minutes: int, guild_id: int = GUILD) -> dict[str, Any]:
    return {
        "guild_id": guild_id,
        "user_id": user_id,
        "occurred_at": AT + timedelta(days=offset),
        "local_date": (MONDAY + timedelta(days=offset)).isoformat(),
        "kind": "course",
        "minutes": minutes,
        "source": "log",
    }


async def _cache(store: Store) -> dict[tuple[int, int], tuple[int, int, str | None]]:
    async with store.connect() as conn:
        rows = await conn.execute(
            select(
                streaks.c.guild_id,
                streaks.c.user_id,
                streaks.c.current,
                streaks.c.best,
                streaks.c.last_day,
            )
        )
        return {(r.guild_id, r.user_id): (r.current, r.best, r.last_day) for r in rows}


async def _tables(store: Store) -> set[str]:
    async with store.connect() as conn:
        return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_upgrade_recounts_streaks_from_completions_and_logged_study(store: Store) -> None:
    await store.downgrade("0009@-1")
    assert "streak_settings" not in await _tables(store)
    async with store.begin() as conn:
        await conn.execute(
            insert(daily_completions),
            [completion(1, 0), completion(1, 2), completion(2, 0), completion(5, 0, OTHER)],
        )
        await conn.execute(
            insert(activity),
            [
                logged(1, 1, 20),  # the day between member 1's two Dones: now it counts
                logged(3, 0, 10),  # below 15 minutes...
                logged(3, 0, 10),  # ...but a day's entries add up
                logged(3, 1, 30),
                logged(4, 0, 14),  # never enough: no streak row
                logged(5, 1, 60, OTHER),
            ],
        )
        # The old cache: only Done counted, so member 1's streak was broken.
        await conn.execute(
            insert(streaks),
            [
                {
                    "guild_id": GUILD,
                    "user_id": 1,
                    "current": 1,
                    "best": 1,
                    "freezes": 0,
                    "last_day": "2026-03-04",
                    "updated_at": AT,
                },
            ],
        )
    await store.migrate()
    assert "streak_settings" in await _tables(store)
    assert await _cache(store) == {
        (GUILD, 1): (3, 3, "2026-03-04"),
        (GUILD, 2): (1, 1, "2026-03-02"),
        (GUILD, 3): (2, 2, "2026-03-03"),
        (OTHER, 5): (2, 2, "2026-03-03"),
    }
    # Downgrading drops the setting and keeps the recounted cache (valid for the old code).
    await store.downgrade("0009@-1")
    assert "streak_settings" not in await _tables(store)
    assert (GUILD, 1) in await _cache(store)
    await store.migrate()
