"""Fixtures for the sandbox tests: a Sandbox running the small SampleBot."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from samplebot import SampleBot

from bot.sandbox import Sandbox


@pytest.fixture
async def sb() -> AsyncIterator[Sandbox]:
    async with Sandbox(SampleBot) as sandbox:
        yield sandbox
    assert sandbox.errors == [], sandbox.errors
