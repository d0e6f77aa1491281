"""The foundation commands through the fake Discord: /settings, /setup, /help, errors."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.app import create_bot
from bot.core.clock import FakeClock
from bot.core.settings import Settings
from bot.sandbox import Sandbox
from bot.sandbox.models import FakeRole
from bot.studybot import StudyBot
from tests.e2e.conftest import bot_of


async def test_bot_reaches_ready_and_syncs_once(sb: Sandbox) -> None:
    # Reached ready; how fast is a benchmark figure (benchmarks/), not a test.
    assert sb.startup_seconds is not None
    assert bot_of(sb).synced == "global"
    names = {command["name"] for command in sb.commands}
    assert {"settings", "setup", "help", "daily"} <= names
    # An unchanged tree is not synced again after a restart.
    syncs = len(sb.requests_to("PUT /applications/*/commands"))
    await sb.restart_bot()
    assert bot_of(sb).synced == "unchanged"
    assert len(sb.requests_to("PUT /applications/*/commands")) == syncs


async def test_settings_timezone_saves_and_shows(sb: Sandbox) -> None:
    alice = sb.member("alice")
    reply = await sb.slash(alice, "settings timezone", zone="europe/berlin")
    assert reply.ephemeral
    assert "Europe/Berlin" in reply.text
    shown = await sb.slash(alice, "settings show")
    assert shown.ephemeral and "Europe/Berlin" in shown.text


async def test_unknown_timezone_is_refused_with_suggestions(sb: Sandbox) -> None:
    alice = sb.member("alice")
    reply = await sb.slash(alice, "settings timezone", zone="Europe/Berln")
    assert reply.ephemeral
    assert "not a timezone I know" in reply.text and "Europe/Berlin" in reply.text


async def test_timezone_autocomplete_is_partial_and_case_insensitive(sb: Sandbox) -> None:
    alice = sb.member("alice")
    choices = await sb.autocomplete(alice, "settings timezone", "zone", "berl")
    assert choices[0]["value"] == "Europe/Berlin"
    assert len(choices) <= 25


async def test_settings_dms_toggle(sb: Sandbox) -> None:
    alice = sb.member("alice")
    reply = await sb.slash(alice, "settings dms", enabled=True)
    assert "DMs on" in reply.text
    shown = await sb.slash(alice, "settings show")
    assert "Direct messages" in shown.text


async def test_setup_channels_by_moderator_and_refusal_for_members(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    bob = sb.member("bob")
    refused = await sb.slash(bob, "setup channels", daily="daily")
    assert refused.ephemeral and "Only moderators" in refused.text
    saved = await sb.slash(mod, "setup channels", daily="daily", interview="interview")
    assert saved.ephemeral
    assert f"<#{sb.channel('daily').id}>" in saved.text
    shown = await sb.slash(mod, "setup show")
    assert f"<#{sb.channel('interview').id}>" in shown.text


async def test_setup_channels_refuses_a_channel_the_bot_cannot_post_in(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    sb.set_bot_permissions("daily", send_messages=False)
    reply = await sb.slash(mod, "setup channels", daily="daily")
    assert "Send Messages" in reply.text and "missing" in reply.text


async def test_moderator_role_grants_moderator_commands(
    make_bot: Callable[[], StudyBot],
) -> None:
    sandbox = Sandbox(make_bot)
    role = FakeRole(sandbox.fake.ids.next(), "Study Helpers", 0, 1)
    sandbox.guild.roles[role.id] = role
    helper = sandbox.member("hana")
    helper.roles.append(role.id)
    mod = sandbox.member("morgan", moderator=True)
    async with sandbox as sb:
        assert "Only moderators" in (await sb.slash(helper, "setup show")).text
        saved = await sb.slash(mod, "setup moderator-role", role="Study Helpers")
        assert f"<@&{role.id}>" in saved.text
        assert "Server setup" in (await sb.slash(helper, "setup show")).text
        cleared = await sb.slash(mod, "setup moderator-role")
        assert "Manage Server" in cleared.text
        assert "Only moderators" in (await sb.slash(helper, "setup show")).text


async def test_setup_timezone(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    reply = await sb.slash(mod, "setup timezone", zone="America/New_York")
    assert "America/New_York" in reply.text


async def test_help_lists_groups_from_the_tree(sb: Sandbox) -> None:
    # /help is an overview now: one line per group, a group's commands one choice away
    # (tests/e2e/test_help.py covers the menu).
    bob = sb.member("bob")
    reply = await sb.slash(bob, "help")
    assert "**/settings**" in reply.text and "**/daily**" in reply.text
    assert "/setup" not in reply.text  # moderator groups hidden from members
    mod = sb.member("morgan", moderator=True)
    assert "**/setup**" in (await sb.slash(mod, "help")).text


async def test_dev_guild_gets_commands_instantly(
    e2e_settings: Settings, e2e_clock: FakeClock
) -> None:
    holder: dict[str, Settings] = {}
    sandbox = Sandbox(lambda: create_bot(holder["settings"], clock=e2e_clock))
    holder["settings"] = e2e_settings.model_copy(update={"dev_guild_id": sandbox.guild.id})
    async with sandbox as sb:
        assert bot_of(sb).synced == "guild"
        assert sb.requests_to("PUT /applications/*/guilds/*/commands")
        assert not sb.requests_to("PUT /applications/*/commands")
        reply = await sb.slash(sb.member("alice"), "settings show")
        assert "Your settings" in reply.text


async def test_an_unexpected_error_shows_an_error_id_not_the_exception(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = bot_of(sb).services

    async def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internals: password=hunter2")

    # /settings show reads the member's context first (it now shows every setting)
    monkeypatch.setattr(services.members, "context", explode)
    reply = await sb.slash(sb.member("alice"), "settings show")
    assert reply.ephemeral
    assert "error id" in reply.text
    assert "hunter2" not in reply.text and "RuntimeError" not in reply.text
    assert any("hunter2" in line for line in sb.errors)  # the log has the traceback
    sb.errors.clear()
