"""Discord misbehaving on purpose: the bot keeps serving, scheduled posts land exactly once."""

from __future__ import annotations

import asyncio
import types
from collections.abc import Callable
from datetime import UTC, datetime

import discord.http
import pytest

from bot import testing
from bot.sandbox import Sandbox
from bot.studybot import StudyBot
from tests.e2e.conftest import bot_of

GUILDS = 4


def _daily_posts(sb: Sandbox, channel_id: int) -> int:
    return sum(1 for m in sb.channel(channel_id).messages if m.embeds)


async def _configure(sb: Sandbox, guild_ids: list[int], channel_ids: list[int]) -> None:
    services = bot_of(sb).services
    for guild_id, channel_id in zip(guild_ids, channel_ids, strict=True):
        await services.guilds.set_timezone(guild_id, "Europe/Berlin")
        await services.guilds.set_channels(guild_id, {"daily": channel_id})


async def test_5xx_and_global_429_are_retried_and_each_post_lands_once(
    make_bot: Callable[[], StudyBot], monkeypatch: pytest.MonkeyPatch
) -> None:
    # discord.py backs off 1 + 2*tries seconds after a 5xx; keep its logic, shrink the wait.
    real_sleep = asyncio.sleep

    async def short_sleep(delay: float, result: object = None) -> object:
        return await real_sleep(min(delay, 0.01), result)

    shim = types.SimpleNamespace(**{**vars(asyncio), "sleep": short_sleep})
    monkeypatch.setattr(discord.http, "asyncio", shim)
    sandbox = Sandbox(make_bot)
    guilds = [sandbox.add_guild(f"G{i}", ("general", "daily")) for i in range(GUILDS)]
    channels = [next(c.id for c in g.channels.values() if c.name == "daily") for g in guilds]
    async with sandbox as sb:
        await _configure(sb, [g.id for g in guilds], channels)
        sb.fail_next("POST /channels/*/messages", status=500)
        sb.fail_next("POST /channels/*/messages", status=429, global_=True, retry_after=0.01)
        sb.fail_next("POST /channels/*/messages", status=502)
        await testing.advance_to(bot_of(sb), datetime(2026, 3, 2, 8, 1, tzinfo=UTC))
        await sb.wait_idle()
        assert [_daily_posts(sb, c) for c in channels] == [1] * GUILDS
        # Still serving commands.
        assert "Your settings" in (await sb.slash(sb.member("alice"), "settings show")).text


async def test_gateway_drop_in_the_middle_of_a_round_of_posts(
    make_bot: Callable[[], StudyBot],
) -> None:
    sandbox = Sandbox(make_bot)
    guilds = [sandbox.add_guild(f"G{i}", ("general", "daily")) for i in range(GUILDS)]
    channels = [next(c.id for c in g.channels.values() if c.name == "daily") for g in guilds]
    async with sandbox as sb:
        await _configure(sb, [g.id for g in guilds], channels)
        services = bot_of(sb).services
        # Drop the gateway right after the second guild's post went out.
        original = services.daily.poster.post
        posted = 0

        async def post_then_drop(guild_id: int, **kwargs: object) -> object:
            nonlocal posted
            result = await original(guild_id, **kwargs)  # type: ignore[arg-type]
            posted += 1
            if posted == 2:
                await sb.drop_gateway()
            return result

        services.daily.poster.post = post_then_drop  # type: ignore[method-assign]
        await testing.advance_to(bot_of(sb), datetime(2026, 3, 2, 8, 1, tzinfo=UTC))
        await sb.wait_idle()
        assert [_daily_posts(sb, c) for c in channels] == [1] * GUILDS
        resumes = [op for op, _ in sb.fake.gateway_ops if op == 6]
        assert resumes, "the client should have resumed"
        assert "Your settings" in (await sb.slash(sb.member("alice"), "settings show")).text


async def test_forbidden_dm_falls_back_to_the_inbox_and_marks_the_member(sb: Sandbox) -> None:
    closed = sb.member("closed", dms_open=False)
    await sb.slash(closed, "settings dms", enabled=True)
    services = bot_of(sb).services
    from bot.core import embeds

    where = await services.notifier.to_member(
        sb.guild.id, closed.id, key="test:dm:1", kind="test", embed=embeds.info("Hello", "x")
    )
    assert where == "inbox"
    assert not (await services.members.profile(sb.guild.id, closed.id)).can_dm
    # The kept message arrives with the member's next command.
    reply = await sb.slash(closed, "settings show")
    await sb.wait_idle()
    assert any("Hello" in f.text for f in reply.followups)
    # Delivered exactly once: the same key again is a duplicate.
    again = await services.notifier.to_member(
        sb.guild.id, closed.id, key="test:dm:1", kind="test", embed=embeds.info("Hello", "x")
    )
    assert again == "duplicate"


async def test_reconnect_with_resume_in_the_middle_of_a_test(sb: Sandbox) -> None:
    alice = sb.member("alice")
    await sb.slash(alice, "settings timezone", zone="Asia/Tokyo")
    await sb.reconnect()
    assert any(op == 6 for op, _ in sb.fake.gateway_ops)
    assert "Asia/Tokyo" in (await sb.slash(alice, "settings show")).text
