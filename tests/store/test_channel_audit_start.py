"""The start-up channel audit reads every guild at once, and a failed read does not stop the
bot's start (the audit is advisory)."""

from __future__ import annotations

import logging

import pytest

from bot.core.clock import FakeClock
from bot.core.store import Store
from bot.health.channels import ChannelAudit
from bot.members.service.guilds import GuildService, GuildSettings


class UnreadableGuilds(GuildService):
    async def all_settings(self) -> dict[int, GuildSettings]:
        raise RuntimeError("a row the model cannot read")


async def test_a_failed_read_is_logged_and_the_start_goes_on(
    store: Store, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    audit = ChannelAudit(store, UnreadableGuilds(store, clock))
    with caplog.at_level(logging.ERROR, logger="bot.health.channels"):
        lines = await audit.audit_at_start([])
    assert lines == []
    assert "could not read the guilds' channel settings" in caplog.text


async def test_no_guilds_means_no_lines(store: Store, clock: FakeClock) -> None:
    audit = ChannelAudit(store, GuildService(store, clock))
    assert await audit.audit_at_start([]) == []
