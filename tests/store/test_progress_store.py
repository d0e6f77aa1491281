"""Progress queries against a real SQLite file: counters, community days, boards."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.activity import store as activity_rows
from bot.core.clock import FakeClock
from bot.core.store import Store
from bot.daily import store as daily_rows
from bot.members import store as member_rows
from bot.members.api import MemberService
from bot.progress import store as rows
from tests.fixtures.activity import log_activity

GUILD, OTHER = 1, 2
DAY = date(2026, 3, 2)


async def _activity(
    store: Store, user: int, day: date, kind: str, minutes: int, guild: int = GUILD
) -> int:
    return await log_activity(store, guild, user, day, kind, minutes)


async def test_bump_community_counts_up_to_the_cap(store: Store, clock: FakeClock) -> None:
    async with store.begin() as conn:
        results = [
            await rows.bump_community(conn, GUILD, 7, DAY, clock.now(), cap=3) for _ in range(5)
        ]
    assert results == [True, True, True, False, False]
    async with store.connect() as conn:
        assert await rows.community_days(conn, GUILD, DAY) == {7: 1}


async def test_community_days_merges_counters_and_community_activity_set_based(
    store: Store, clock: FakeClock
) -> None:
    async with store.begin() as conn:
        await rows.bump_community(conn, GUILD, 1, DAY, clock.now(), cap=20)
        await rows.bump_community(conn, GUILD, 1, DAY + timedelta(days=1), clock.now(), cap=20)
        await rows.bump_community(conn, GUILD, 2, DAY - timedelta(days=10), clock.now(), cap=20)
        await rows.bump_community(conn, OTHER, 3, DAY, clock.now(), cap=20)
    await _activity(store, 1, DAY, "community", 30)  # same day as a message: counted once
    await _activity(store, 1, DAY + timedelta(days=2), "community", 30)
    await _activity(store, 2, DAY, "course", 60)  # not community
    await _activity(store, 4, DAY, "community", 0)
    async with store.connect() as conn:
        assert await rows.community_days(conn, GUILD, DAY) == {1: 3, 4: 1}
        assert await rows.community_days(conn, GUILD, DAY - timedelta(days=14)) == {
            1: 3,
            2: 1,
            4: 1,
        }
        assert await rows.community_days(conn, GUILD, DAY, user_id=1) == {1: 3}
        assert await rows.community_days(conn, OTHER, DAY) == {3: 1}


async def test_community_days_count_a_day_that_began_the_previous_day_in_utc(
    store: Store,
) -> None:
    """The query bounds the activity it reads by instant as well as by local date: a member
    14 hours ahead of UTC (the farthest zone) whose local day began on the previous UTC day
    still counts it, and activity whose local date is before the window never counts."""
    for user, hours_before, local_day in [
        (1, 14, DAY),  # 10:00 UTC the day before: 00:00 on DAY at UTC+14
        (2, 14, DAY - timedelta(days=1)),  # the same instant, dated before the window
    ]:
        async with store.begin() as conn:
            await activity_rows.add(
                conn,
                guild_id=GUILD,
                user_id=user,
                occurred_at=datetime.combine(DAY, time(), UTC) - timedelta(hours=hours_before),
                local_day=local_day,
                kind="community",
                minutes=0,
                source="log",
            )
    async with store.connect() as conn:
        assert await rows.community_days(conn, GUILD, DAY) == {1: 1}


async def test_minutes_board_counts_only_opted_in_members(store: Store, clock: FakeClock) -> None:
    now = clock.now()
    async with store.begin() as conn:
        await member_rows.update_fields(conn, GUILD, 1, now, leaderboard_opt_in=True)
        await member_rows.update_fields(conn, GUILD, 2, now, leaderboard_opt_in=False)
        await member_rows.update_fields(conn, OTHER, 1, now, leaderboard_opt_in=True)
    await _activity(store, 1, DAY, "course", 30)
    await _activity(store, 1, DAY - timedelta(days=20), "coding", 40)
    await _activity(store, 2, DAY, "course", 500)
    await _activity(store, 1, DAY, "course", 7, guild=OTHER)
    async with store.connect() as conn:
        assert await rows.minutes_board(conn, GUILD, DAY - timedelta(days=6)) == {1: 30}
        assert await rows.minutes_board(conn, GUILD, None) == {1: 70}
        assert await rows.opted_in_members(conn, GUILD) == {1}


async def test_streak_board_joins_opt_in_and_timezone(store: Store, clock: FakeClock) -> None:
    now = clock.now()
    async with store.begin() as conn:
        await member_rows.update_fields(
            conn, GUILD, 1, now, leaderboard_opt_in=True, timezone="Asia/Tokyo"
        )
        await member_rows.update_fields(conn, GUILD, 2, now)
        for user in (1, 2):
            await daily_rows.save_streak(
                conn, GUILD, user, now, current=4, best=6, freezes=1, last_day=DAY
            )
    async with store.connect() as conn:
        board = [row async for part in rows.streak_board(conn, GUILD) for row in part]
    assert [(r["user_id"], r["current"], r["timezone"]) for r in board] == [(1, 4, "Asia/Tokyo")]


async def test_board_streaks_are_read_in_slices_each_in_the_members_own_day(
    store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One member per slice here; each live streak is counted in the member's own day: at
    22:00 UTC the day after their last study day, New York and UTC are still on that next day
    (the streak lives on), Kiritimati (UTC+14) is a day further (the streak is broken)."""
    from bot.progress.streaks import board_streaks

    monkeypatch.setattr(rows, "STREAK_PARTITION", 1)
    now = clock.now()
    zones = {1: "America/New_York", 2: "Pacific/Kiritimati", 3: None, 4: "America/New_York"}
    async with store.begin() as conn:
        for user, zone in zones.items():
            await member_rows.update_fields(
                conn, GUILD, user, now, leaderboard_opt_in=True, timezone=zone
            )
            await daily_rows.save_streak(
                conn, GUILD, user, now, current=user, best=9, freezes=0, last_day=DAY
            )
    late = datetime.combine(DAY + timedelta(days=1), time(22), UTC)
    async with store.connect() as conn:
        found = await board_streaks(conn, GUILD, "UTC", late)
    assert found == {1: (1, 9), 2: (0, 9), 3: (3, 9), 4: (4, 9)}


async def test_prefs_defaults_save_and_opt_outs(store: Store, clock: FakeClock) -> None:
    async with store.begin() as conn:
        assert (await rows.prefs(conn, GUILD, 1))["tracking"] is True
        saved = await rows.save_prefs(conn, GUILD, 1, clock.now(), tracking=False)
        assert saved["tracking"] is False and saved["focus_tracks"] == []
        await rows.save_prefs(conn, GUILD, 2, clock.now(), goal_minutes=300)
        assert await rows.tracking_opt_outs(conn, GUILD) == {1}


async def test_roadmap_checks_round_trip(store: Store, clock: FakeClock) -> None:
    async with store.begin() as conn:
        assert await rows.save_check(conn, GUILD, 1, "la", None, clock.now())
        assert not await rows.save_check(conn, GUILD, 1, "la", "https://x.org", clock.now())
        found = await rows.checks(conn, GUILD, 1)
        assert found["la"]["evidence"] == "https://x.org"
        assert await rows.remove_check(conn, GUILD, 1, "la")
        assert not await rows.remove_check(conn, GUILD, 1, "la")


async def test_message_zones_create_no_rows(store: Store, clock: FakeClock) -> None:
    # The community counter reads the zones through MemberService.context (one read).
    context = await MemberService(store, clock).context(GUILD, 99)
    assert (context.profile.timezone, context.guild.raw.get("timezone")) == (None, None)
    async with store.connect() as conn:
        assert await member_rows.get(conn, GUILD, 99) is None
