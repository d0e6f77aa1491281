"""Settings from the dashboard (the `/setup` operations, reaching the bot's scheduler through
the change feed), the public board, and a member's own progress and exports."""

from __future__ import annotations

import csv
import io
import json

from tests.web.conftest import WebRig


async def test_a_schedule_saved_on_the_dashboard_reschedules_the_bots_job(web: WebRig) -> None:
    await web.login(web.sb.member("morgan"))
    g = web.guild_id
    settings_page = f"/g/{g}/settings"
    channels = web.sb.channel("daily")
    saved = await web.post(
        f"{settings_page}/channels", {"daily": str(channels.id)}, page=settings_page
    )
    assert saved.status_code == 303
    moved = await web.post(
        f"{settings_page}/daily",
        {"time": "06:30", "days": "mon-fri", "enabled": "on"},
        page=settings_page,
    )
    assert moved.status_code == 303
    page = await web.client.get(settings_page)
    assert "Daily prompt: on, 06:30 on weekdays." in page.text
    bot = web.bot().services
    assert await bot.core.changes.poll() == 1  # schedule changes of one guild, applied once
    jobs = {job.id: job.next_run for job in bot.core.scheduler.jobs()}
    next_run = jobs[f"daily:{g}"]
    assert next_run is not None and (next_run.hour, next_run.minute) == (6, 30)  # UTC (guild: UTC)


async def test_settings_are_validated_as_in_discord(web: WebRig) -> None:
    await web.login(web.sb.member("morgan"))
    base = f"/g/{web.guild_id}/settings"
    cases = [
        ("daily", {"time": "25:99", "days": "mon"}, "25:99"),
        ("daily", {"time": "09:00", "days": "someday"}, "someday"),
        ("streak", {"minutes": "1"}, "must be between 5 and 240"),
        ("timezone", {"timezone": "Mars/Olympus"}, "is not a timezone I know"),
        ("pitfalls", {"tutorial_days": "0", "enabled": "on"}, "Nothing was saved"),
        ("moderator-role", {"role": str(web.guild_id)}, "not @everyone"),
        ("channels", {"daily": "123"}, "Pick one of the server"),
    ]
    for section, data, expected in cases:
        refused = await web.post(f"{base}/{section}", data, page=base)
        assert refused.status_code == 400, (section, refused.text[:300])
        assert expected in refused.text, (section, expected)


async def test_a_channel_the_bot_cannot_post_in_is_refused(web: WebRig) -> None:
    await web.login(web.sb.member("morgan"))
    base = f"/g/{web.guild_id}/settings"
    web.sb.set_bot_permissions("general", send_messages=False)
    general = web.sb.channel("general")
    refused = await web.post(f"{base}/channels", {"daily": str(general.id)}, page=base)
    assert refused.status_code == 400
    assert "I cannot use #general for daily: I am missing Send Messages" in refused.text


async def test_the_public_board_shows_only_opted_in_members(web: WebRig) -> None:
    sb = web.sb
    alice, bob, morgan = sb.member("alice"), sb.member("bob"), sb.member("morgan")
    for member in (alice, bob):
        await sb.slash(member, "log", minutes=90, kind="coding")
    await sb.slash(alice, "settings leaderboard", enabled=True)
    board = f"/board/{web.guild_id}"
    assert (await web.client.get(board)).status_code == 404  # off by default
    on = await sb.slash(morgan, "setup public-board", enabled=True)
    assert "The public board is on" in on.text  # (its address once WEB_PUBLIC_URL is set)
    shown = await web.client.get(board)  # no login
    assert shown.status_code == 200
    assert "alice" in shown.text and "bob" not in shown.text and "1.5 h" in shown.text
    assert "morgan" not in shown.text
    await web.login(morgan)
    off = await web.post(
        f"/g/{web.guild_id}/settings/public-board", {}, page=f"/g/{web.guild_id}/settings"
    )
    assert off.status_code == 303
    web.client.cookies.clear()
    assert (await web.client.get(board)).status_code == 404
    assert (await web.client.get(f"/board/{web.other.id}")).status_code == 404


async def test_a_member_sees_and_exports_their_own_progress(web: WebRig) -> None:
    alice = web.sb.member("alice")
    await web.sb.slash(alice, "log", minutes=45, kind="course", note="<b>linear algebra</b>")
    await web.login(alice)
    g = web.guild_id
    page = await web.client.get(f"/g/{g}/me")
    assert "&lt;b&gt;linear algebra&lt;/b&gt;" in page.text  # member text is escaped
    assert "<svg" in page.text and "Courses: 0.8 h" in page.text  # the week's bar
    exported = json.loads((await web.client.get(f"/g/{g}/me/export.json")).content)
    assert exported["user_id"] == alice.id
    assert exported["tables"]["activity"][0]["minutes"] == 45
    rows = list(csv.reader(io.StringIO((await web.client.get(f"/g/{g}/me/export.csv")).text)))
    assert rows[0] == ["table", "row", "column", "value"]
    assert ["activity", "1", "minutes", "45"] in rows
    assert (await web.client.get(f"/g/{g}/me/export.xml")).status_code == 404


async def test_the_overview_counts_the_servers_activity(web: WebRig) -> None:
    sb = web.sb
    for name in ("alice", "bob"):
        await sb.slash(sb.member(name), "log", minutes=120, kind="project")
    await web.login(sb.member("morgan"))
    page = await web.client.get(f"/g/{web.guild_id}/overview")
    assert page.status_code == 200
    assert "<strong>2</strong><span>active members, 7 days" in page.text
    assert "<strong>4 h</strong><span>studied this week" in page.text
    assert "<svg" in page.text and "Projects: 4.0 h" in page.text
