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
