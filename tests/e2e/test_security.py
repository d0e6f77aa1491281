"""Walk the whole command tree: moderator commands are hidden AND enforced."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from discord import app_commands

from bot import testing
from bot.core.checks import requires_moderator
from bot.core.commands_info import walk_commands
from bot.sandbox import Sandbox
from tests.e2e.conftest import bot_of


def _all_commands(tree: app_commands.CommandTree[Any]) -> list[app_commands.Command[Any, ..., Any]]:
    found: list[app_commands.Command[Any, ..., Any]] = []
    for top in tree.get_commands():
        if isinstance(top, app_commands.Group):
            found.extend(c for c in top.walk_commands() if isinstance(c, app_commands.Command))
        elif isinstance(top, app_commands.Command):
            found.append(top)
    return found


def _root(command: app_commands.Command[Any, ..., Any]) -> Any:
    node: Any = command
    while node.parent is not None:
        node = node.parent
    return node


def _sample_value(option_type: str, sb: Sandbox) -> Any:
    return {
        "string": "x",
        "integer": 1,
        "number": 1.0,
        "boolean": True,
        "user": sb.member("victim"),
        "channel": "general",
        "role": "Moderator",
        "attachment": ("pack.yaml", b"pack: {}\n"),
    }[option_type]


async def test_every_moderator_command_has_default_permission_and_runtime_check(
    sb: Sandbox,
) -> None:
    tree = bot_of(sb).tree
    moderator_commands = [c for c in _all_commands(tree) if requires_moderator(c)]
    assert {c.qualified_name for c in moderator_commands} >= {
        "setup show",
        "setup channels",
        "setup daily",
        "daily post-now",
        "setup health",
    }
    for command in moderator_commands:
        perms = command.default_permissions or _root(command).default_permissions
        assert perms is not None and perms.manage_guild, command.qualified_name


def _leaves(top: Any) -> list[app_commands.Command[Any, ..., Any]]:
    if isinstance(top, app_commands.Group):
        return [c for c in top.walk_commands() if isinstance(c, app_commands.Command)]
    return [top]


async def test_every_moderator_only_group_is_hidden_from_members(sb: Sandbox) -> None:
    """Discord applies default permissions to top-level commands only: every top-level
    command whose subcommands are all moderator-only carries Manage Server in what was
    synced (members do not see it), and every other one carries none (members see it)."""
    tree = bot_of(sb).tree
    synced = {c["name"]: c for c in sb.commands}
    manage_guild = str(1 << 5)
    hidden = set()
    for top in tree.get_commands():
        leaves = _leaves(top)
        payload = synced[top.name]
        if all(requires_moderator(c) for c in leaves):
            hidden.add(top.name)
            assert payload.get("default_member_permissions") == manage_guild, top.name
        else:
            assert payload.get("default_member_permissions") is None, top.name
    assert {"setup", "content"} <= hidden


async def test_a_member_is_refused_by_every_moderator_command(sb: Sandbox) -> None:
    member = sb.member("mallory")
    infos = [info for info in walk_commands(bot_of(sb).tree) if info.moderator]
    assert infos
    for info in infos:
        options = {o.name: _sample_value(o.type, sb) for o in info.options if o.required}
        reply = await sb.slash(member, info.name, **options)
        assert reply.ephemeral, info.name
        assert "Only moderators" in reply.text, (info.name, reply.text)


async def test_every_moderator_command_answers_the_moderator_privately(sb: Sandbox) -> None:
    """Server configuration is never announced in the channel it was typed in."""
    mod = sb.member("morgan", moderator=True)
    valid = {"zone": "Europe/Berlin"}  # so `/setup timezone` succeeds rather than refuses
    infos = [info for info in walk_commands(bot_of(sb).tree) if info.moderator]
    for info in infos:
        options = {
            o.name: valid.get(o.name, _sample_value(o.type, sb)) for o in info.options if o.required
        }
        reply = await sb.slash(mod, info.name, **options)
        assert reply.ephemeral, (info.name, reply.text)


async def test_write_commands_have_a_per_member_cooldown(sb: Sandbox) -> None:
    alice = sb.member("alice")
    for _ in range(5):
        reply = await sb.slash(alice, "settings timezone", zone="Europe/Berlin")
        assert "Timezone saved" in reply.text
    throttled = await sb.slash(alice, "settings timezone", zone="Europe/Berlin")
    assert throttled.ephemeral and "Easy there" in throttled.text
    # Another member is not affected.
    assert (
        "Timezone saved"
        in (await sb.slash(sb.member("bob"), "settings timezone", zone="Europe/Berlin")).text
    )


async def test_cooldowns_follow_the_bots_clock_not_the_wall_clock(sb: Sandbox) -> None:
    """In the sandbox `time +1m` (or a test's FakeClock) lifts a cooldown; the wall clock,
    which barely moves during this test, does not keep the member waiting."""
    alice = sb.member("alice")
    for _ in range(5):
        assert (
            "Timezone saved"
            in (await sb.slash(alice, "settings timezone", zone="Europe/Berlin")).text
        )
    throttled = await sb.slash(alice, "settings timezone", zone="Europe/Berlin")
    assert "Easy there" in throttled.text and "60 s" in throttled.text
    await testing.advance(bot_of(sb), timedelta(seconds=30))
    still = await sb.slash(alice, "settings timezone", zone="Europe/Berlin")
    assert "Easy there" in still.text and "30 s" in still.text  # counted on the fake clock
    await testing.advance(bot_of(sb), timedelta(seconds=31))
    again = await sb.slash(alice, "settings timezone", zone="Europe/Berlin")
    assert "Timezone saved" in again.text


async def test_a_day_later_practice_is_not_throttled(sb: Sandbox) -> None:
    """The sandbox tour's bug: after `time +1d`, practice said "use this again in 60 s"."""
    alice = sb.member("alice")
    for _ in range(5):
        await sb.slash(alice, "interview practice")
    assert "Easy there" in (await sb.slash(alice, "interview practice")).text
    await testing.advance(bot_of(sb), timedelta(days=1))
    reply = await sb.slash(alice, "interview practice")
    assert "Easy there" not in reply.text and reply.embeds
