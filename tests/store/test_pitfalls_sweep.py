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
from bot.core.store.ranges import MemberRange
from bot.pitfalls import store as rows
from bot.pitfalls.assess import assess_guild
from bot.pitfalls.rules import MemberSignals, evaluate
from bot.pitfalls.thresholds import PitfallThresholds
from bot.projects import store as projects_store

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
                # away exactly 14 days: the gap is from the LAST earlier activity
                row(5, timedelta(days=20)),
                row(5, timedelta(days=14, hours=2)),
                row(5, timedelta(hours=2)),
                row(5, timedelta(hours=1)),
                row(6, timedelta(days=14, hours=1)),  # 13 days 23 hours: not yet
                row(6, timedelta(hours=2)),
            ],
        )
    async with store.connect() as conn:
        found = await rows.returning_members(conn, GUILD, NOW)
        # What the sweep asks: only those away long enough to be welcomed back.
        welcomed = await rows.returning_members(conn, GUILD, NOW, min_days_away=14)
    assert found == {1: (29, 0), 2: (2, 0), 5: (14, 0), 6: (13, 0)}
    assert welcomed == {1: (29, 0), 5: (14, 0)}


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


# --- chunks: the guild a range of members at a time ----------------------------------------


def test_member_ranges_cover_every_id_once() -> None:
    ranges = MemberRange.split([20, 40])
    assert ranges == [MemberRange(None, 20), MemberRange(20, 40), MemberRange(40, None)]
    for user_id in (-5, 0, 19, 20, 21, 39, 40, 41, 10**18):
        assert sum(user_id in r for r in ranges) == 1
    assert 20 in ranges[0] and 21 in ranges[1] and 40 in ranges[1] and 41 in ranges[2]
    assert MemberRange.split([]) == [MemberRange()]


async def oracle(
    conn: Any, members: int, t: PitfallThresholds
) -> tuple[dict[int, MemberSignals], list[tuple[int, str]]]:
    """The member-by-member reference for ids 1..members, and what its rules find (with the
    whole guild's project facts, departed members left out)."""
    projects = await rows.project_facts(conn, GUILD, NOW)
    gone = await rows.departed(conn, GUILD)
    reference: dict[int, MemberSignals] = {}
    for user_id in range(1, members + 1):
        one = await rows.member_signals_reference(conn, GUILD, user_id, NOW, t)
        if one is not None:
            reference[user_id] = one
    found = [
        (user_id, d.pitfall)
        for user_id in sorted((reference.keys() | projects.keys()) - gone)
        for d in evaluate(reference.get(user_id, MemberSignals()), projects.get(user_id), t)
    ]
    return reference, found


@pytest.mark.parametrize(("seed", "size"), [(0, 1), (1, 2), (2, 3), (3, 7), (4, 500)])
async def test_chunked_sweep_matches_the_reference(store: Store, seed: int, size: int) -> None:
    """Whatever the chunk size, the chunks add up to the member-by-member oracle: signals,
    findings (in member order) and who is evaluated; departed members are left out."""
    rng = random.Random(seed)
    members = rng.randint(8, 30)
    async with store.begin() as conn:
        await conn.execute(insert(activity), random_rows(rng, members, rng.randint(50, 400)))
        member_rows = random_members(rng, members)
        for index, row in enumerate(member_rows):
            row["left_at"] = NOW - timedelta(days=1) if index % 5 == 0 else None
        await conn.execute(insert(schema.members), member_rows)
        for user_id in rng.sample(range(1, members + 1), 4):  # some with a project only
            started = NOW - timedelta(days=rng.choice([3, 30]))
            await projects_store.create(
                conn,
                target_date=started.date() + timedelta(days=10),
                milestones=[],
                now=started,
                guild_id=GUILD,
                user_id=user_id,
                title=f"project {user_id}",
                domain="nlp",
                goal="ship it",
                link=None,
                idea_id=None,
            )
    await add_community_counters(store, rng, members)
    t = random_thresholds(rng)
    async with store.begin() as conn:
        reference, expected = await oracle(conn, members, t)
        assert await rows.sweep_guild(conn, GUILD, NOW, t, size=size) == reference
        assessed = await assess_guild(conn, GUILD, NOW, t, size=size)
    assert [(user_id, pitfall) for user_id, pitfall, _ in assessed.found] == expected
    assert assessed.departed == {row["user_id"] for row in member_rows if row["left_at"]}
    projects = await _project_members(store)
    assert assessed.evaluated == len((reference.keys() | projects) - assessed.departed)
    if seed == 0:
        assert any(pitfall == "perfectionism" for _, pitfall in expected)
        assert assessed.departed


async def _project_members(store: Store) -> set[int]:
    async with store.connect() as conn:
        return set(await rows.project_facts(conn, GUILD, NOW))


async def test_members_on_both_sides_of_a_chunk_edge_and_empty_chunks(store: Store) -> None:
    """Members 10..80 in chunks of two: the edges fall on 20, 40, 60 and 80. Activity at an
    edge counts in the range it ends, one id later in the next; ids without a member row (5,
    21, 99) fall in the ranges around them; the range of 70 and 80 (members, no activity)
    is an empty chunk."""
    t = PitfallThresholds()
    ids = [10, 20, 30, 40, 50, 60, 70, 80]
    active = [5, 20, 21, 50, 99]
    async with store.begin() as conn:
        await conn.execute(
            insert(schema.members),
            [
                {"guild_id": GUILD, "user_id": u, "created_at": NOW - timedelta(days=60)}
                | {"updated_at": NOW}
                for u in ids
            ],
        )
        await conn.execute(
            insert(activity),
            [
                {
                    "guild_id": GUILD,
                    "user_id": u,
                    "occurred_at": NOW - timedelta(days=day),
                    "local_date": (NOW - timedelta(days=day)).date().isoformat(),
                    "kind": "course",
                    "minutes": 60,
                    "source": "log",
                }
                for u in active
                for day in range(1, 8)
            ],
        )
    async with store.connect() as conn:
        assert await rows.member_edges(conn, GUILD, 2) == [20, 40, 60, 80]
        chunks = [c async for c in rows.sweep_chunks(conn, GUILD, NOW, t, size=2)]
        reference, expected = await oracle(conn, 100, t)
        assessed = await assess_guild(conn, GUILD, NOW, t, size=2)
    assert [sorted(c.signals()) for c in chunks] == [[5, 20], [21], [50], [], [99]]
    assert [c.users for c in chunks] == MemberRange.split([20, 40, 60, 80])
    assert {u: s for c in chunks for u, s in c.signals().items()} == reference
    assert sorted(reference) == active
    assert [(u, p) for u, p, _ in assessed.found] == expected
    assert {u for u, _ in expected} == set(active)  # 7 days of courses: tutorial hell for all


async def test_an_empty_guild_is_one_empty_chunk(store: Store) -> None:
    t = PitfallThresholds()
    async with store.connect() as conn:
        chunks = [c async for c in rows.sweep_chunks(conn, OTHER_GUILD, NOW, t, size=3)]
        assessed = await assess_guild(conn, OTHER_GUILD, NOW, t)
    assert [(c.users, c.totals, c.projects) for c in chunks] == [(MemberRange(), [], [])]
    assert (assessed.evaluated, assessed.found) == (0, [])


async def test_recorded_detections_are_found_by_member_and_pitfall(store: Store) -> None:
    found = [(7, "isolation", '{"days": 14, "study_days": 6, "community_events": 0}')]
    async with store.begin() as conn:
        sweep_id = await rows.record_sweep(conn, GUILD, NOW, 1, found)
        flags = await rows.detections_of(conn, GUILD, sweep_id, 7)
        latest = await rows.latest_sweep(conn, GUILD)
        found_id = await rows.detection_id(conn, GUILD, sweep_id, 7, "isolation")
        missing = await rows.detection_id(conn, GUILD, sweep_id, 7, "perfectionism")
        elsewhere = await rows.detection_id(conn, GUILD, sweep_id + 1, 7, "isolation")
    assert found_id is not None and (missing, elsewhere) == (None, None)
    assert [(f.pitfall, f.evidence) for f in flags] == [
        ("isolation", {"days": 14, "study_days": 6, "community_events": 0})
    ]
    assert latest is not None and (latest.id, latest.members_evaluated) == (sweep_id, 1)


async def test_a_sweep_being_recorded_is_invisible_until_complete(store: Store) -> None:
    found = [(7, "isolation", '{"days": 14, "study_days": 6, "community_events": 0}')]
    async with store.begin() as conn:
        before = await rows.record_sweep(conn, GUILD, NOW - timedelta(days=1), 1, found)
    async with store.begin() as conn:
        sweep_id = await rows.start_sweep(conn, GUILD, NOW, 1, len(found))
        await rows.record_detections(conn, GUILD, sweep_id, NOW, found)
    async with store.connect() as conn:
        latest = await rows.latest_sweep(conn, GUILD)
    assert latest is not None and latest.id == before  # yesterday's, whole
    async with store.begin() as conn:
        await rows.complete_sweep(conn, sweep_id)
        latest = await rows.latest_sweep(conn, GUILD)
    assert latest is not None and latest.id == sweep_id
