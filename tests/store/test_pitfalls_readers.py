"""The sweep reads several ranges at once on several connections: the chunks still come in id
order, add up to the one-reader answer, and the extra connections are given back."""

from __future__ import annotations

import os
import pickle
import random
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import insert

from bot.activity.tables import activity
from bot.core.store import Store, schema
from bot.core.workers import CpuWorkers
from bot.pitfalls import assess
from bot.pitfalls import store as rows
from bot.pitfalls.assess import assess_guild, guild_ranges, read_chunks
from bot.pitfalls.rules import evaluate_members
from bot.pitfalls.thresholds import PitfallThresholds
from bot.projects import store as projects_store
from bot.projects.api import perfectionism_facts
from tests.core.test_workers import where
from tests.store.test_pitfalls_sweep import GUILD, NOW, random_members, random_rows


async def _seed(store: Store, seed: int) -> int:
    rng = random.Random(seed)
    members = rng.randint(20, 60)
    async with store.begin() as conn:
        await conn.execute(insert(activity), random_rows(rng, members, rng.randint(200, 600)))
        await conn.execute(insert(schema.members), random_members(rng, members))
    return members


@pytest.mark.parametrize(("seed", "size", "readers"), [(0, 3, 2), (1, 5, 3), (2, 1, 2), (3, 50, 2)])
async def test_concurrent_readers_match_one_reader(
    store: Store, seed: int, size: int, readers: int
) -> None:
    await _seed(store, seed)
    t = PitfallThresholds()
    async with store.connect() as conn:
        one = await assess_guild(conn, GUILD, NOW, t, size=size, readers=1)
        many = await assess_guild(conn, GUILD, NOW, t, size=size, readers=readers)
        ranges = await guild_ranges(conn, GUILD, size)
        chunks = [c async for c in read_chunks(conn, GUILD, NOW, t, ranges, readers)]
        alone = [c async for c in rows.sweep_chunks(conn, GUILD, NOW, t, size=size)]
    assert (many.evaluated, many.found, many.departed) == (one.evaluated, one.found, one.departed)
    assert one.found
    assert chunks == alone  # the same chunks, in id order
    # Every connection the sweep opened went back to the pool.
    assert store.engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_a_failed_read_stops_the_others_and_gives_connections_back(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _seed(store, 4)
    calls = 0
    real = rows.read_chunk

    async def flaky(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("the database went away")
        return await real(*args)

    monkeypatch.setattr(assess.rows, "read_chunk", flaky)
    async with store.connect() as conn:
        with pytest.raises(RuntimeError, match="went away"):
            await assess_guild(conn, GUILD, NOW, PitfallThresholds(), size=2, readers=2)
    assert store.engine.pool.checkedout() == 0  # type: ignore[attr-defined]


@pytest.mark.parametrize("slice_size", [1, 2, 7])
async def test_rules_in_slices_find_what_one_pass_finds(store: Store, slice_size: int) -> None:
    """The rules run a slice of members per turn of the event loop: however the chunk is
    sliced, the findings (in id order) and the count are those of one pass over it."""
    await _seed(store, 5)
    t = PitfallThresholds()
    async with store.connect() as conn:
        chunks = [c async for c in rows.sweep_chunks(conn, GUILD, NOW, t, size=1000)]
    sliced = assess.Assessment()
    for chunk in chunks:
        await assess.evaluate_chunk(chunk, t, sliced, slice_size=slice_size)
    whole = [evaluate_members(chunk.members(), t) for chunk in chunks]
    assert sliced.evaluated == sum(evaluated for evaluated, _ in whole) > slice_size
    assert sliced.found == [finding for _, found in whole for finding in found]


async def test_failed_rules_give_the_readers_connections_back(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _seed(store, 6)

    async def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a rule failed")

    monkeypatch.setattr(assess, "evaluate_chunk", broken)
    async with store.connect() as conn:
        with pytest.raises(RuntimeError, match="a rule failed"):
            await assess_guild(conn, GUILD, NOW, PitfallThresholds(), size=2, readers=2)
        # Still inside the caller's connection: the extra reader is back already (the
        # caller's own may be too, when a cancelled read invalidated it).
        assert store.engine.pool.checkedout() <= 1  # type: ignore[attr-defined]


async def test_rules_in_a_worker_process_find_what_the_loop_finds(store: Store) -> None:
    await _seed(store, 7)
    t = PitfallThresholds()
    workers = CpuWorkers(1)
    try:
        async with store.connect() as conn:
            on_loop = await assess_guild(conn, GUILD, NOW, t, size=4)
            offloaded = await assess_guild(conn, GUILD, NOW, t, size=4, workers=workers)
        pid, _thread = await workers.run(where)
    finally:
        workers.close()
    assert on_loop.found
    assert (offloaded.evaluated, offloaded.found, offloaded.departed) == (
        on_loop.evaluated,
        on_loop.found,
        on_loop.departed,
    )
    assert pid != os.getpid()  # the rules had a process of their own


async def test_failed_rules_in_a_worker_cancel_the_rest_and_give_connections_back(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _seed(store, 8)
    workers = CpuWorkers(1)

    async def failing(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("the rules failed")

    monkeypatch.setattr(workers, "run", failing)
    try:
        async with store.connect() as conn:
            with pytest.raises(RuntimeError, match="the rules failed"):
                await assess_guild(conn, GUILD, NOW, PitfallThresholds(), size=3, workers=workers)
    finally:
        workers.close()
    assert store.engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_chunks_carry_projects_undecoded_and_the_rules_get_the_projects_facts(
    store: Store,
) -> None:
    """A chunk holds the range's active projects as the driver returned them (what a worker
    process is handed, through pickle); the facts the rules get from it are the projects
    feature's own (`perfectionism_facts`), most stuck project per member included."""
    async with store.begin() as conn:
        for user_id, days in [(1, 3), (2, 30), (2, 40), (3, 16), (5, 25)]:
            started = NOW - timedelta(days=days, hours=user_id)
            await projects_store.create(
                conn,
                target_date=started.date() + timedelta(days=10),
                milestones=[],
                now=started,
                guild_id=GUILD,
                user_id=user_id,
                title=f"project {user_id} ({days} days) — «ünïcode»",
                domain="nlp",
                goal="ship it",
                link=None,
                idea_id=None,
            )
    t = PitfallThresholds()
    async with store.connect() as conn:
        chunks = [c async for c in rows.sweep_chunks(conn, GUILD, NOW, t, size=2)]
        facts = await perfectionism_facts(conn, GUILD, NOW)
    handed = [pickle.loads(pickle.dumps(chunk)) for chunk in chunks]
    assert handed == chunks
    from_chunks = {
        user_id: project
        for chunk in handed
        for user_id, _signals, project in chunk.members()
        if project is not None
    }
    assert from_chunks == facts
    assert sorted(facts) == [1, 2, 3, 5]
    assert facts[2].project_age_days == 40  # the older, longer silent of member 2's two
