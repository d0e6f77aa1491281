"""/setup health through the fake Discord."""

from __future__ import annotations

from bot.sandbox import Sandbox


async def test_health_shows_jobs_deliveries_and_broken_settings(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    await sb.slash(mod, "setup channels", daily="daily")
    await sb.slash(mod, "daily post-now")
    report = await sb.slash(mod, "setup health")
    assert report.ephemeral
    assert f"daily:{sb.guild.id}" in report.text
    assert "dispatcher-tick" in report.text
    assert "1 sent" in report.text
    assert "Broken settings: none" in report.text
    await sb.delete_channel("daily")
    await sb.slash(mod, "setup channels", interview="interview")
    sb.fail_next("POST /channels/*/messages", status=403, code=50013)
    await sb.slash(mod, "setup daily", time="10:00")
    assert "Only moderators" in (await sb.slash(sb.member("bob"), "setup health")).text


async def test_health_checks_each_configured_channel_with_its_fix(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    report = await sb.slash(mod, "setup health")
    assert "Channels: none configured yet" in report.text
    await sb.slash(mod, "setup channels", daily="daily", interview="interview")
    await sb.slash(mod, "setup welcome", channel="general")
    report = await sb.slash(mod, "setup health")
    for setting, name in (("daily", "daily"), ("interview", "interview"), ("welcome", "general")):
        assert f"✅ {setting}: <#{sb.channel(name).raw.id}>" in report.text
    assert "⚠" not in report.text

    sb.set_bot_permissions("interview", send_messages=False, embed_links=False)
    await sb.wait_idle()
    report = await sb.slash(mod, "setup health")
    assert (
        "⚠ interview: I am missing Send Messages, Embed Links in #interview. Fix: allow Send "
        "Messages, Embed Links for the StudyBot role in #interview (Edit Channel → "
        "Permissions), or pick another channel with `/setup channels interview:#channel`."
    ) in report.text

    daily_id = sb.channel("daily").raw.id
    await sb.delete_channel("daily")
    report = await sb.slash(mod, "setup health")
    assert (
        f"⚠ daily: channel {daily_id} no longer exists. Fix: pick a text channel with "
        "`/setup channels daily:#channel`."
    ) in report.text
    assert "✅ welcome" in report.text


async def test_start_marks_an_unusable_channel_and_clears_it_once_fixed(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    await sb.slash(mod, "setup channels", accountability="accountability")
    sb.set_bot_permissions("accountability", create_public_threads=False)
    await sb.restart_bot()
    shown = await sb.slash(mod, "setup show")
    assert "accountability: I am missing Create Public Threads in #accountability" in shown.text

    sb.set_bot_permissions("accountability", create_public_threads=None)
    await sb.restart_bot()
    shown = await sb.slash(mod, "setup show")
    assert "Create Public Threads" not in shown.text
