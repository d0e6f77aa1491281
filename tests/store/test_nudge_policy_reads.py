"""What the sweep's delivery reads for the nudge policy, for all flagged members at once:
nudge modes, nudges already delivered, running mutes. Each is one statement with the ids
as one bound value (`bot.core.store.idlists`), so these tests list more members than one
`IN (...)` of the old chunks held, and members outside the list or the guild."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from bot.core.store import Store
from bot.core.store.idlists import listed
from bot.core.store.rows import streamed
from bot.core.store.schema import members
from bot.pitfalls import store as rows
from bot.pitfalls.rules import SentNudge

GUILD = 1
OTHER_GUILD = 2
NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
MANY = 1_234  # more than one old chunk of 500 ids


def _member(guild_id: int, user_id: int, mode: str) -> dict[str, object]:
    return {
        "guild_id": guild_id,
        "user_id": user_id,
        "nudge_mode": mode,
        "created_at": NOW,
        "updated_at": NOW,
    }


async def test_nudge_modes_are_the_listed_members_who_chose_other_than_the_inbox(
    store: Store,
) -> None:
    modes = ("inbox", "dm", "off")
    async with store.begin() as conn:
        await conn.execute(
            insert(members), [_member(GUILD, u, modes[u % 3]) for u in range(1, MANY + 1)]
        )
        await conn.execute(insert(members), [_member(OTHER_GUILD, 4, "off")])
    listed_ids = list(range(2, MANY + 1))  # member 1 (a dm member) is not listed
    async with store.connect() as conn:
        found = await rows.nudge_modes(conn, GUILD, listed_ids)
    expected = {u: modes[u % 3] for u in listed_ids if modes[u % 3] != "inbox"}
    assert found == expected
    assert found[4] == "dm"  # not the other guild's row of the same member


async def test_sent_nudges_are_the_delivered_ones_since_oldest_first(store: Store) -> None:
    since = NOW - timedelta(days=30)
    async with store.begin() as conn:
        for user_id in range(1, MANY + 1):
            late = await rows.add_nudge(
                conn, GUILD, user_id, "tutorial_hell", "t2", None, NOW - timedelta(days=1)
            )
            await rows.set_nudge_channel(conn, late, "dm")
            early = await rows.add_nudge(
                conn, GUILD, user_id, "isolation", "i1", None, NOW - timedelta(days=3)
            )
            await rows.set_nudge_channel(conn, early, "inbox")
        # still pending (being delivered), too old, not listed, another guild: none counts
        await rows.add_nudge(conn, GUILD, 1, "perfectionism", "p1", None, NOW)
        old = await rows.add_nudge(conn, GUILD, 1, "isolation", "i0", None, since)
        await rows.set_nudge_channel(conn, old, "dm")
        other = await rows.add_nudge(conn, GUILD, MANY + 5, "isolation", "i0", None, NOW)
        await rows.set_nudge_channel(conn, other, "dm")
        elsewhere = await rows.add_nudge(conn, OTHER_GUILD, 1, "isolation", "i0", None, NOW)
        await rows.set_nudge_channel(conn, elsewhere, "dm")
    async with store.connect() as conn:
        history = await rows.sent_nudges(conn, GUILD, list(range(1, MANY + 1)), since)
    assert sorted(history) == list(range(1, MANY + 1))
    for past in history.values():
        assert past == [
            SentNudge("isolation", "i1", NOW - timedelta(days=3)),
            SentNudge("tutorial_hell", "t2", NOW - timedelta(days=1)),
        ]


async def test_active_mutes_are_the_running_ones_of_the_listed_members(store: Store) -> None:
    async with store.begin() as conn:
        for user_id in range(1, MANY + 1):
            await rows.mute(conn, GUILD, user_id, "isolation", NOW + timedelta(days=9), NOW)
        await rows.mute(conn, GUILD, 1, "perfectionism", NOW - timedelta(seconds=1), NOW)
        await rows.mute(conn, GUILD, MANY + 5, "isolation", NOW + timedelta(days=9), NOW)
    async with store.connect() as conn:
        mutes = await rows.active_mutes(conn, GUILD, list(range(1, MANY + 1)), NOW)
    assert mutes == {u: {"isolation": NOW + timedelta(days=9)} for u in range(1, MANY + 1)}


async def test_streamed_reads_every_row_in_partitions(store: Store) -> None:
    async with store.begin() as conn:
        await conn.execute(insert(members), [_member(GUILD, u, "dm") for u in range(1, 101)])
    wanted = [3, 50, 99, 1000]
    query = members.select().where(listed(store.engine.dialect.name, members.c.user_id, wanted))
    sizes: list[int] = []
    seen: list[int] = []
    async with store.connect() as conn:
        async for partition in streamed(conn, query.order_by(members.c.user_id), partition=2):
            sizes.append(len(partition))
            seen += [row.user_id for row in partition]
    assert seen == [3, 50, 99]
    assert sizes == [2, 1]
