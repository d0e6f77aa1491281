"""/help: a short overview (one line per group) and a menu that shows one group's commands;
moderator groups only for moderators, also when a value is forged."""

from __future__ import annotations

from bot.core.help import MENU_PLACEHOLDER, HelpMenu
from bot.sandbox import Sandbox
from bot.sandbox.driver import Reply
from bot.sandbox.models import FakeMember

GROUPS = [
    "/daily",
    "/focus",
    "/interview",
    "/privacy",
    "/project",
    "/remind",
    "/roadmap",
    "/settings",
]


def menu_labels(reply: Reply) -> list[str]:
    menu = reply.find_component(MENU_PLACEHOLDER, (3,))
    return [option["label"] for option in menu["options"]]


async def test_help_is_an_overview_with_one_line_per_group(sb: Sandbox) -> None:
    reply = await sb.slash(sb.member("bob"), "help")
    assert reply.ephemeral
    description = reply.embeds[0]["description"]
    for group in GROUPS:
        assert sum(line.startswith(f"**{group}**") for line in description.splitlines()) == 1
    assert "`/start`" in description and "`/log`" in description  # the basics, one line
    assert len(description.splitlines()) <= 12  # was ~50 lines in one message
    assert "/settings timezone" not in reply.text  # the commands are one choice away
    assert "/setup" not in reply.text and "/content" not in reply.text
    assert menu_labels(reply) == ["Overview", "Basics", *GROUPS]


async def test_the_menu_switches_the_message_to_a_group_and_back(sb: Sandbox) -> None:
    bob = sb.member("bob")
    reply = await sb.slash(bob, "help")
    group = await sb.select(bob, reply, MENU_PLACEHOLDER, ["/settings"])
    assert group.response_type == 7 and group.message_id == reply.message_id  # in place
    assert group.embeds[0]["title"] == "/settings"
    assert "`/settings timezone zone` — " in group.text
    assert "`/daily" not in group.text
    basics = await sb.select(bob, group, MENU_PLACEHOLDER, ["Basics"])
    assert "`/log minutes kind [topic] [note]` — Log a study session." in basics.text
    assert basics.text.index("`/start`") < basics.text.index("`/log ")  # start first
    back = await sb.select(bob, basics, MENU_PLACEHOLDER, ["Overview"])
    assert back.embeds[0]["title"] == "studybot — what I can do"


async def test_moderators_also_see_their_groups(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    reply = await sb.slash(mod, "help")
    assert "**For moderators**" in reply.text
    assert menu_labels(reply)[-2:] == ["/content", "/setup"]
    setup = await sb.select(mod, reply, MENU_PLACEHOLDER, ["/setup"])
    assert setup.embeds[0]["title"] == "/setup (moderators)"
    assert "`/setup channels [daily] [accountability] [interview]`" in setup.text
    daily = await sb.select(mod, setup, MENU_PLACEHOLDER, ["/daily"])
    assert "`/daily post-now` — " in daily.text and "*(moderators)*" in daily.text
    member_daily = await sb.select(
        sb.member("bob"), await sb.slash(sb.member("bob"), "help"), MENU_PLACEHOLDER, ["/daily"]
    )
    assert "post-now" not in member_daily.text


async def choose(sb: Sandbox, member: FakeMember, reply: Reply, value: str) -> Reply:
    """Send a menu choice the member's menu does not offer (a forged or stale value)."""
    assert reply.message is not None
    data = {
        "custom_id": HelpMenu.custom_id_for(),
        "component_type": 3,
        "values": [value],
    }
    channel = sb.fake.channels[reply.message.channel_id]
    rec = await sb._dispatch_interaction(member, 3, data, channel, message=reply.message)
    return await sb._answer(rec, f"a forged help choice {value!r}")


async def test_a_member_cannot_open_a_moderator_group_by_forging_the_value(
    sb: Sandbox,
) -> None:
    bob = sb.member("bob")
    reply = await sb.slash(bob, "help")
    refused = await choose(sb, bob, reply, "setup")
    assert refused.ephemeral and "only for moderators" in refused.text
    assert "/setup channels" not in refused.text


async def test_the_menu_keeps_working_after_a_restart(sb: Sandbox) -> None:
    bob = sb.member("bob")
    reply = await sb.slash(bob, "help")
    await sb.restart_bot()
    shown = await sb.select(bob, reply, MENU_PLACEHOLDER, ["/interview"])
    assert "`/interview practice [category] [difficulty]`" in shown.text
