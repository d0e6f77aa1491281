"""The set-based sweep agrees with evaluating members one at a time, on random data, and
uses a fixed handful of queries however many members a guild has."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, event, insert

from bot.activity.tables import activity
from bot.core.kinds import ACTIVITY_KINDS
from bot.core.store import Store, schema
from bot.pitfalls import store as rows
from bot.pitfalls.rules import PitfallThresholds, evaluate

NOW = datetime(2026, 4, 20, 10, 0, tzinfo=UTC)
GUILD = 1
OTHER_GUILD = 2


def random_rows(rng: random.Random, members: int, count: int) -> list[dict[str, Any]]:
    out = []
    for _ in range(count):
        # Up to 30 days back, a few in the future (not counted), some exactly on a boundary.
        offset = rng.choice(
            [
                timedelta(days=rng.uniform(-1, 30)),
                timedelta(days=rng.choice([14, 21])),
                timedelta(days=rng.choice([14, 21]), seconds=-1),
            ]
        )
        occurred = NOW - offset
        zone_shift = timedelta(hours=rng.choice([-8, 0, 9]))
        out.append(
            {
                "guild_id": rng.choice([GUILD, GUILD, GUILD, OTHER_GUILD]),
                "user_id": rng.randint(1, members),
                "occurred_at": occurred,
                "local_date": (occurred + zone_shift).date().isoformat(),
                "kind": rng.choice(ACTIVITY_KINDS),
                "minutes": rng.choice([0, 5, 30, 60, 90, 240]),
                "source": "log",
            }
        )
    return out


def random_thresholds(rng: random.Random) -> PitfallThresholds:
    return PitfallThresholds(
        tutorial_days=rng.choice([7, 14]),
        tutorial_course_minutes=rng.choice([60, 300]),
        isolation_days=rng.choice([10, 14]),
        isolation_study_days=rng.choice([2, 5]),
        gap_days=rng.choice([14, 21, 28]),
        gap_theory_minutes=rng.choice([60, 240]),
        gap_ratio=rng.choice([1.5, 3.0]),
    )


def random_members(rng: random.Random, members: int) -> list[dict[str, Any]]:
    """Member rows for most members, some first known inside the windows (newcomers)."""
    return [
        {
            "guild_id": GUILD,
            "user_id": user_id,
            "created_at": NOW - timedelta(days=rng.choice([rng.uniform(0, 40), 14, 21])),
            "updated_at": NOW,
        }
        for user_id in range(1, members + 1)
        if rng.random() < 0.8
    ]


async def add_community_counters(store: Store, rng: random.Random, members: int) -> None:
    try:
        from bot.progress.store import bump_community
    except ImportError:
        return
    async with store.begin() as conn:
        for _ in range(members // 2):
            day = NOW.date() - timedelta(days=rng.randint(0, 20))
            await bump_community(conn, GUILD, rng.randint(1, members), day, NOW, cap=50)


@pytest.mark.parametrize("seed", range(8))
async def test_sweep_matches_the_per_member_reference(store: Store, seed: int) -> None:
    rng = random.Random(seed)
    members = rng.randint(5, 40)
    async with store.begin() as conn:
        await conn.execute(insert(activity), random_rows(rng, members, rng.randint(50, 600)))
        await conn.execute(insert(schema.members), random_members(rng, members))
    await add_community_counters(store, rng, members)
    t = random_thresholds(rng)
    async with store.connect() as conn:
        swept = await rows.sweep_guild(conn, GUILD, NOW, t)
        reference = {}
        for user_id in range(1, members + 1):
            one = await rows.member_signals_reference(conn, GUILD, user_id, NOW, t)
            if one is not None:
                reference[user_id] = one
    assert swept == reference
    detections = {u: evaluate(s, None, t) for u, s in swept.items()}
    assert detections == {u: evaluate(s, None, t) for u, s in reference.items()}
    # The random data does exercise the rules, and newcomers' history.
    if seed == 0:
        assert any(detections.values())
        assert any(s.history_days is not None for s in swept.values())


async def test_the_sweep_runs_a_fixed_number_of_queries(store: Store) -> None:
    rng = random.Random(99)
    t = PitfallThresholds()
    counts = []
    for members in (10, 200):
        async with store.begin() as conn:
            await conn.execute(insert(activity), random_rows(rng, members, members * 10))
            known = {row["user_id"] for row in random_members(rng, members)}
            await conn.execute(  # every member new this time: their first activity is read
                delete(schema.members).where(schema.members.c.user_id.in_(known))
            )
            await conn.execute(
                insert(schema.members),
                [
                    {"guild_id": GUILD, "user_id": u, "created_at": NOW, "updated_at": NOW}
                    for u in known
                ],
            )
        statements: list[str] = []

        def count(*args: Any, sink: list[str] = statements) -> None:
            sink.append(str(args[2]))

        event.listen(store.engine.sync_engine, "before_cursor_execute", count)
        try:
            async with store.connect() as conn:
                signals = await rows.sweep_guild(conn, GUILD, NOW, t)
        finally:
            event.remove(store.engine.sync_engine, "before_cursor_execute", count)
        assert len(signals) > members // 2
        counts.append(len(statements))
    # Windows (2 distinct lengths), study days, community counters, and since when the
    # newer members are known (their member rows, then their first activity per 500 ids).
    assert counts[0] == counts[1] <= 6


async def test_window_edges(store: Store) -> None:
    """A row exactly 14 days old is out of the 14-day window; a second younger is in."""
    t = PitfallThresholds()
    base = {"guild_id": GUILD, "user_id": 7, "kind": "course", "source": "log"}
    async with store.begin() as conn:
        await conn.execute(
            insert(activity),
            [
                {
                    **base,
                    "occurred_at": NOW - timedelta(days=14),
                    "local_date": "2026-04-06",
                    "minutes": 100,
                },
                {
                    **base,
                    "occurred_at": NOW - timedelta(days=14) + timedelta(seconds=1),
                    "local_date": "2026-04-06",
                    "minutes": 300,
                },
                {
                    **base,
                    "occurred_at": NOW + timedelta(seconds=1),
                    "local_date": "2026-04-20",
                    "minutes": 1000,
                },
            ],
        )
    async with store.connect() as conn:
        signals = (await rows.sweep_guild(conn, GUILD, NOW, t))[7]
    assert signals.course_minutes == 300
    assert signals.theory_minutes == 400  # both are inside the 21-day window
    assert signals.study_days == 1
    assert rows.community_since(NOW, 14) == date(2026, 4, 7)


async def test_returning_members_are_found_with_their_days_away(store: Store) -> None:
    def row(user_id: int, ago: timedelta) -> dict[str, Any]:
        at = NOW - ago
        return {
            "guild_id": GUILD,
            "user_id": user_id,
            "occurred_at": at,
            "local_date": at.date().isoformat(),
            "kind": "coding",
            "minutes": 30,
            "source": "log",
        }

    async with store.begin() as conn:
        await conn.execute(
            insert(activity),
            [
                row(1, timedelta(days=30)),  # away 29+ days, back today
                row(1, timedelta(hours=2)),
                row(2, timedelta(days=3)),  # a regular
                row(2, timedelta(hours=1)),
                row(3, timedelta(hours=5)),  # a newcomer: nothing earlier
                row(4, timedelta(days=40)),  # still away
            ],
        )
    async with store.connect() as conn:
        found = await rows.returning_members(conn, GUILD, NOW)
    assert found == {1: (29, 0), 2: (2, 0)}


async def test_history_starts_at_the_member_row_or_the_first_activity(store: Store) -> None:
    """Since when the store knows a member: the earlier of their member row and their first
    activity; members known longer than every window are left out (their history covers)."""
    t = PitfallThresholds()  # longest window: 21 days
    row = {"guild_id": GUILD, "updated_at": NOW}
    backdated = {"guild_id": GUILD, "user_id": 2, "kind": "course", "minutes": 30}
    async with store.begin() as conn:
        await conn.execute(
            insert(schema.members),
            [
                {**row, "user_id": 1, "created_at": NOW - timedelta(days=2, hours=3)},
                {**row, "user_id": 2, "created_at": NOW - timedelta(days=1)},
                {**row, "user_id": 3, "created_at": NOW - timedelta(days=40)},
            ],
        )
        await conn.execute(
            insert(activity),
            [
                {
                    **backdated,
                    "occurred_at": NOW - timedelta(days=9),
                    "local_date": "2026-04-11",
                    "source": "log",
                }
            ],
        )
        assert await rows.history_days(conn, GUILD, NOW, t.longest_window()) == {1: 2, 2: 9}
        assert await rows.history_days(conn, OTHER_GUILD, NOW, t.longest_window()) == {}
