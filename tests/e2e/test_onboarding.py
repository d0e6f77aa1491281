"""/start onboarding and the welcome greeting through the fake Discord."""

from __future__ import annotations

from bot.sandbox import Sandbox
from tests.e2e.conftest import bot_of


async def test_start_saves_each_choice_as_it_is_made(sb: Sandbox) -> None:
    alice = sb.member("alice")
    reply = await sb.slash(alice, "start")
    assert reply.ephemeral
    assert "let's set you up" in reply.text
    assert "/settings timezone" in reply.text
    placeholders = {s.get("placeholder") for s in reply.selects}
    assert placeholders == {
        "Your timezone",
        "Focus tracks",
        "Weekly study goal",
        "Direct messages",
        "Pitfall nudges",
    }
    step = await sb.select(alice, reply, "Your timezone", ["Europe/Berlin"])
    assert "Saved — Timezone: Europe/Berlin" in step.text
    step = await sb.select(alice, step, "Focus tracks", ["math", "portfolio"])
    assert "Math foundations, Portfolio" in step.text
    step = await sb.select(alice, step, "Weekly study goal", ["5"])
    assert "5 h a week" in step.text
    step = await sb.select(alice, step, "Direct messages", ["on"])
    await sb.restart_bot()  # the selects are persistent: they still work
    step = await sb.select(alice, step, "Pitfall nudges", ["dm"])
    assert "Nudges: by DM" in step.text  # the mode in words, never the stored value
    services = bot_of(sb).services
    profile = await services.members.profile(sb.guild.id, alice.id)
    assert profile.timezone == "Europe/Berlin"
    assert profile.dm_opt_in and profile.nudge_mode == "dm"
    prefs = await services.progress.prefs.get(sb.guild.id, alice.id)
    assert prefs["focus_tracks"] == ["math", "portfolio"]
    assert prefs["goal_minutes"] == 300
    # The focus shapes the suggestion: the first unchecked skill of a focus track.
    view = await sb.slash(alice, "roadmap view")
    assert "Suggested next: Linear algebra" in view.text


async def test_welcome_greets_new_members_in_the_channel_with_get_started(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    saved = await sb.slash(mod, "setup welcome", channel="general")
    assert "greeted in" in saved.text
    shown = await sb.slash(mod, "setup show")
    assert "Welcome greeting" in shown.text and "on, in" in shown.text
    newbie = sb.member("newbie")  # joins now: GUILD_MEMBER_ADD
    await sb.wait_idle()
    greeting = sb.channel("general").last
    assert greeting is not None
    assert f"<@{newbie.id}>" in greeting.text
    assert "Get started" in greeting.buttons
    assert greeting.allowed_mentions is not None
    assert [int(u) for u in greeting.allowed_mentions.get("users", [])] == [newbie.id]
    assert not sb.dms(newbie)  # never by DM
    opened = await sb.click(newbie, greeting, "Get started")
    assert opened.ephemeral and "let's set you up" in opened.text
    # Anyone can press it later, for themselves — also after a restart.
    await sb.restart_bot()
    other = sb.member("alice")
    again = await sb.click(other, greeting, "Get started")
    assert again.ephemeral and "Your timezone" in {s.get("placeholder") for s in again.selects}


async def test_welcome_off_means_no_greeting_and_members_cannot_configure_it(
    sb: Sandbox,
) -> None:
    mod = sb.member("morgan", moderator=True)
    alice = sb.member("alice")
    refused = await sb.slash(alice, "setup welcome", channel="general")
    assert "Only moderators" in refused.text
    no_channel = await sb.slash(mod, "setup welcome", enabled=True)
    assert "Pick a channel" in no_channel.text
    await sb.slash(mod, "setup welcome", channel="general")
    off = await sb.slash(mod, "setup welcome", enabled=False)
    assert "not greeted" in off.text
    before = len(sb.channel("general").messages)
    sb.member("quiet")
    await sb.wait_idle()
    assert len(sb.channel("general").messages) == before
    status = await sb.slash(mod, "setup welcome")
    assert "not greeted" in status.text


async def test_welcome_channel_without_permission_is_refused(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    sb.set_bot_permissions("general", send_messages=False)
    refused = await sb.slash(mod, "setup welcome", channel="general")
    assert "I cannot greet in" in refused.text
