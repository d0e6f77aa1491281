"""E2E fixtures: the real StudyBot, via real discord.py, against the loopback fake Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import pytest

from bot import testing
from bot.core.clock import FakeClock
from bot.core.settings import Settings
from bot.sandbox import FakeDiscord, Sandbox
from bot.studybot import StudyBot


@pytest.fixture
def e2e_clock() -> FakeClock:
    # Monday 2 March 2026, 07:00 UTC (08:00 in Berlin).
    return FakeClock(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))


@pytest.fixture
def e2e_settings(db_url: str) -> Settings:
    return testing.settings(
        database_url=db_url,
        send_rate_per_second=50,
        send_burst=50,
        dm_rate_per_second=10,
    )


@pytest.fixture
def make_bot(e2e_settings: Settings, e2e_clock: FakeClock) -> Callable[[], StudyBot]:
    def factory() -> StudyBot:
        return testing.build_bot(e2e_settings, e2e_clock)

    return factory


@pytest.fixture
async def sb(make_bot: Callable[[], StudyBot]) -> AsyncIterator[Sandbox]:
    async with Sandbox(make_bot) as sandbox:
        yield sandbox
    assert not sandbox.errors, sandbox.errors


def bot_of(sb: Sandbox) -> StudyBot:
    assert isinstance(sb.bot, StudyBot)
    return sb.bot


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A started fake Discord with one server (#general, #daily, #accountability,
    #interview), for clients the test runs itself (the command line, `studybot doctor`)."""
    discord_ = FakeDiscord()
    discord_.add_guild("Study Lab", ("general", "daily", "accountability", "interview"))
    await discord_.start()
    try:
        yield discord_
    finally:
        await discord_.close()
