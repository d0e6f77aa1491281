"""A guild changed in one process reaches the process that serves it (PostgreSQL NOTIFY).

On SQLite there is one process, which made the change itself: nothing is sent or heard.
"""

from __future__ import annotations

import pytest

from bot.core.store import Store
from bot.core.store.changes import ChangeListener, announce
from tests.backends import ON_POSTGRES

GUILD = 4242


async def test_an_announced_guild_is_heard_after_commit_and_a_rollback_says_nothing(
    db_url: str,
) -> None:
    heard: list[int] = []

    async def record(guild_id: int) -> None:
        heard.append(guild_id)

    listening, writing = Store(db_url), Store(db_url)
    listener = ChangeListener(listening.engine, record)
    try:
        await listener.start()
        assert listener.listening == ON_POSTGRES
        with pytest.raises(RuntimeError):
            async with writing.begin() as conn:
                await announce(conn, GUILD + 1)
                raise RuntimeError("the change failed: nothing is announced")
        async with writing.begin() as conn:
            await announce(conn, GUILD)
        if ON_POSTGRES:
            await listener.wait_applied(1, within=30)
            assert heard == [GUILD]  # in commit order; the rolled-back one never arrives
        else:
            await listener.drain()
            assert heard == []
    finally:
        await listener.close()
        await listening.close()
        await writing.close()
