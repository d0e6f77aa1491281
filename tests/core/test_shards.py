"""Shards: which guilds a process serves, and the locks that keep two processes off one shard.

`ShardPlan` is Discord's formula, `(guild_id >> 22) % count`, in Python and in SQL (the two
must agree on both backends). The advisory locks are PostgreSQL's; on SQLite the file lock of
`bot.ops.instance_lock` keeps a second process out instead, so the shard locks are a no-op.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from bot.core.clock import FakeClock
from bot.core.scheduling.dispatcher import Dispatcher
from bot.core.settings import load_settings
from bot.core.shards import UNSHARDED, ShardPlan, shard_of
from bot.core.store import Store
from bot.core.store import reminders as reminder_rows
from bot.core.store.locks import ShardsTaken
from bot.core.store.schema import due_reminders
from bot.ops.exits import EXIT_RUNNING
from bot.ops.explain import explain

#: Guild ids whose shard (of 2) is their index's parity: the time part of the snowflake.
GUILDS = [(index + 1) << 22 | 7 for index in range(6)]


def test_discords_formula_puts_consecutive_time_parts_on_alternate_shards() -> None:
    assert [shard_of(guild, 2) for guild in GUILDS] == [1, 0, 1, 0, 1, 0]
    assert [shard_of(guild, 3) for guild in GUILDS] == [1, 2, 0, 1, 2, 0]


def test_a_plan_owns_only_its_shards_and_unsharded_owns_everything() -> None:
    second = ShardPlan.of(2, [1])
    assert [second.owns(guild) for guild in GUILDS] == [True, False] * 3
    assert all(UNSHARDED.owns(guild) for guild in GUILDS)
    assert ShardPlan.of(2, None).ids == (0, 1)  # every shard of the count
    assert (second.share, ShardPlan.of(4, [0, 3]).share, UNSHARDED.share) == (0.5, 0.5, 1.0)
    assert second.describe() == "shards 1 of 2" and UNSHARDED.describe() == "unsharded"


def test_settings_read_shards_from_the_environment_and_refuse_what_cannot_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHARD_COUNT", "4")
    monkeypatch.setenv("SHARD_IDS", "3, 1")
    settings = load_settings(_env_file=None)
    assert settings.shards == ShardPlan(4, (1, 3))
    assert settings.process_send_rate == settings.send_rate_per_second / 2
    behind_proxy = load_settings(_env_file=None, discord_api_base="http://proxy:8080/api/v10")
    assert behind_proxy.process_send_rate == behind_proxy.send_rate_per_second
    for wrong, said in (("4", "out of range"), ("", None)):
        monkeypatch.setenv("SHARD_IDS", wrong)
        if said is None:
            assert load_settings(_env_file=None).shards.ids == (0, 1, 2, 3)
        else:
            with pytest.raises(ValueError, match=said):
                load_settings(_env_file=None)
    monkeypatch.delenv("SHARD_COUNT")
    monkeypatch.setenv("SHARD_IDS", "0")
    with pytest.raises(ValueError, match="SHARD_IDS needs SHARD_COUNT"):
        load_settings(_env_file=None)


async def test_the_sql_form_agrees_with_python_on_this_backend(
    store: Store, clock: FakeClock
) -> None:
    due = clock.now() - timedelta(minutes=1)
    async with store.begin() as conn:
        for index, guild in enumerate(GUILDS):
            await conn.execute(
                insert(due_reminders).values(
                    guild_id=guild, user_id=index + 1, kind="streak", due_at_utc=due
                )
            )
    for plan in (ShardPlan.of(2, [0]), ShardPlan.of(2, [1]), ShardPlan.of(3, [2]), UNSHARDED):
        async with store.connect() as conn:
            rows = await conn.execute(
                select(due_reminders.c.guild_id).where(plan.owns_column(due_reminders.c.guild_id))
            )
            chosen = sorted(row[0] for row in rows)
            served = await reminder_rows.due(conn, clock.now(), 100, plan)
            count, _ = await reminder_rows.backlog(conn, clock.now(), plan)
        expected = sorted(guild for guild in GUILDS if plan.owns(guild))
        assert chosen == expected
        assert sorted(row["guild_id"] for row in served) == expected
        assert count == len(expected)


async def test_a_sharded_dispatcher_serves_only_its_guilds_reminders(
    store: Store, clock: FakeClock
) -> None:
    due = clock.now() - timedelta(minutes=1)
    async with store.begin() as conn:
        for index, guild in enumerate(GUILDS):
            await conn.execute(
                insert(due_reminders).values(
                    guild_id=guild, user_id=index + 1, kind="ping", due_at_utc=due
                )
            )
    served: list[int] = []

    async def handler(row: dict[str, object], now: object) -> None:
        served.append(int(str(row["guild_id"])))
        return None  # one-off: the row is removed

    dispatcher = Dispatcher(store, clock, shards=ShardPlan.of(2, [0]))
    dispatcher.register("ping", handler)  # type: ignore[arg-type]
    assert await dispatcher.tick() == 3
    assert sorted(served) == [guild for guild in GUILDS if shard_of(guild, 2) == 0]
    async with store.connect() as conn:
        left = sorted(row[0] for row in await conn.execute(select(due_reminders.c.guild_id)))
    assert left == [guild for guild in GUILDS if shard_of(guild, 2) == 1]


@pytest.fixture
async def two_stores(db_url: str) -> AsyncIterator[tuple[Store, Store]]:
    first, second = Store(db_url), Store(db_url)
    yield first, second
    await first.close()
    await second.close()


async def test_a_running_shard_is_refused_to_a_second_process_and_freed_when_it_stops(
    two_stores: tuple[Store, Store],
) -> None:
    first, second = two_stores
    await first.locks.hold_shards([0, 1], 4)
    if not first.locks.enabled:
        # SQLite: one process per file (bot.ops.instance_lock); shard locks do not apply.
        assert first.engine.dialect.name == "sqlite"
        await second.locks.hold_shards([1, 2], 4)
        assert await first.locks.lead() and await second.locks.lead()
        return
    with pytest.raises(ShardsTaken) as refused:
        await second.locks.hold_shards([1, 2], 4)
    assert refused.value.shards == [1]
    assert "Shard 1 of 4 is already run by another studybot process" in str(refused.value)
    await second.locks.hold_shards([2, 3], 4)  # the free ones are fine (nothing held on refusal)
    failure = explain(refused.value, load_settings(_env_file=None))
    assert failure is not None and failure.exit_code == EXIT_RUNNING
    assert "Fix: give each process its own SHARD_IDS" in failure.message
    await first.locks.close()  # the process stopped: its shards are free again
    await second.locks.close()
    await second.locks.hold_shards([0, 1], 4)


async def test_one_process_leads_and_leadership_moves_on_when_it_stops(
    two_stores: tuple[Store, Store],
) -> None:
    first, second = two_stores
    assert await first.locks.lead()
    if not first.locks.enabled:
        assert await second.locks.lead()  # SQLite: the only process leads
        return
    assert not await second.locks.lead()
    assert await first.locks.lead()  # still the leader (asking again changes nothing)
    await first.locks.close()
    assert await second.locks.lead()


def test_each_set_of_shards_keeps_its_own_reward_scan_watermark() -> None:
    from bot.rewards.store import SCAN, scan_name

    names = {scan_name(plan) for plan in (ShardPlan.of(2, [0]), ShardPlan.of(2, [1]))}
    assert len(names) == 2 and all(len(name) <= 32 for name in names)  # the column's width
    assert scan_name(UNSHARDED) == scan_name(ShardPlan.of(2, None)) == SCAN
