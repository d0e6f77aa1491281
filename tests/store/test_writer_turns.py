"""A bulk write leaves SQLite to the other writers between its transactions
(`Store.let_writers_in`), and never waits on PostgreSQL."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from bot.core.store import Store


async def test_a_bulk_writer_waits_for_the_open_transaction(store: Store) -> None:
    inside = asyncio.Event()
    release = asyncio.Event()

    async def member_write() -> None:
        async with store.begin() as conn:
            await conn.execute(text("SELECT 1"))
            inside.set()
            await release.wait()

    member = asyncio.create_task(member_write())
    await inside.wait()
    turn = asyncio.create_task(store.let_writers_in(within=3600))
    for _ in range(5):
        await asyncio.sleep(0)
    if store.is_sqlite:
        assert not turn.done()  # the member's transaction goes first
    else:
        assert turn.done()  # PostgreSQL's writers do not queue behind each other
    release.set()
    await member
    await turn
    assert store._open == 0


async def test_the_wait_is_bounded(store: Store) -> None:
    release = asyncio.Event()
    inside = asyncio.Event()

    async def left_open() -> None:
        async with store.begin():
            inside.set()
            await release.wait()

    holder = asyncio.create_task(left_open())
    await inside.wait()
    await store.let_writers_in(within=0)  # returns although a transaction stays open
    release.set()
    await holder


async def test_no_wait_when_nothing_is_open(store: Store) -> None:
    await store.let_writers_in(within=0)
    async with store.begin() as conn:
        await conn.execute(text("SELECT 1"))
    assert store._open == 0
