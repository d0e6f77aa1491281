"""Pitfall nudges through the fake Discord: once, in the next reply or by DM, muted on request;
moderators tune the thresholds and read aggregate stats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.core.clock import FakeClock
from bot.pitfalls import store as pitfall_rows
from bot.pitfalls.views import NudgeFeedbackButton
from bot.sandbox import Sandbox
from bot.sandbox.driver import MessageView
from bot.sandbox.models import FakeMember
from tests.e2e.conftest import bot_of


async def log(sb: Sandbox, member: FakeMember, kind: str, minutes: int) -> None:
    await bot_of(sb).services.activity.record(
        sb.guild.id, member.id, kind=kind, minutes=minutes, source="log"
    )


async def known_for_weeks(sb: Sandbox, *members: FakeMember) -> None:
    """The members' first command was three weeks ago (longer than every pitfall window), so
    the rules may speak about them; it writes no activity (which would make them "back")."""
    for member in members:
        await sb.slash(member, "settings nudges", mode="inbox")
    scheduler = bot_of(sb).services.core.scheduler
    scheduler.jump_to(bot_of(sb).services.core.clock.now() + timedelta(days=21))


async def next_day(sb: Sandbox) -> None:
    """One day on: the 10:00 sweep (the guild is on UTC) runs on the way."""
    await bot_of(sb).services.core.scheduler.advance(timedelta(days=1))
    await sb.wait_idle()


async def courses_only_with_dm_nudges(sb: Sandbox, member: FakeMember) -> None:
    """A member known for weeks, nudged by DM, who logs a course (and a little community)
    and reaches the next day's sweep: tutorial hell fires."""
    await known_for_weeks(sb, member)
    await sb.slash(member, "settings dms", enabled=True)
    await sb.slash(member, "settings nudges", mode="dm")
    await log(sb, member, "community", 10)
    await log(sb, member, "course", 400)
    await next_day(sb)


def nudges_in(views: list[MessageView], label: str) -> list[MessageView]:
    return [v for v in views if f"Noticed: {label}" in v.text]


async def test_courses_only_gives_one_tutorial_hell_nudge_in_the_next_reply(
    sb: Sandbox, e2e_clock: FakeClock
) -> None:
    alice = sb.member("alice")
    await known_for_weeks(sb, alice)
    await log(sb, alice, "community", 20)  # not isolated: this test is about tutorial hell
    seen: list[MessageView] = []
    first_day: int | None = None
    for day in range(9):
        await log(sb, alice, "course", 100)
        await next_day(sb)
        reply = await sb.slash(alice, "settings show")
        await sb.wait_idle()
        tutorial = nudges_in(reply.followups, "Tutorial hell")
        if tutorial and first_day is None:
            first_day = day
        seen += tutorial
    # 300 course minutes after the third day; then not again within 7 days.
    assert first_day == 2
    assert len(seen) == 1
    nudge = seen[0]
    assert nudge.ephemeral
    assert "Try this" in nudge.text
    assert "5 h" in nudge.text or "300" in nudge.text or "0 min" in nudge.text
    # Recorded with its evidence, and shown to /progress through flags_for.
    flags = await bot_of(sb).services.pitfalls.flags_for(sb.guild.id, alice.id)
    tutorial_flags = [f for f in flags if f.pitfall == "tutorial_hell"]
    assert tutorial_flags and int(tutorial_flags[0].evidence["course_minutes"]) >= 300
    assert tutorial_flags[0].evidence["project_minutes"] == 0
    assert sb.dms(alice) == []
    # Exactly 7 days after the first it may come again, with another text.
    await log(sb, alice, "course", 100)
    await next_day(sb)
    later = await sb.slash(alice, "settings show")
    await sb.wait_idle()
    again = nudges_in(later.followups, "Tutorial hell")
    assert len(again) == 1
    assert again[0].embeds[0]["title"] != nudge.embeds[0]["title"]


async def test_an_inbox_nudge_is_attached_once(sb: Sandbox) -> None:
    bob = sb.member("bob")
    await known_for_weeks(sb, bob)
    await log(sb, bob, "community", 10)
    await log(sb, bob, "course", 320)
    await next_day(sb)
    first = await sb.slash(bob, "settings show")
    await sb.wait_idle()
    assert len(nudges_in(first.followups, "Tutorial hell")) == 1
    second = await sb.slash(bob, "settings show")
    await sb.wait_idle()
    assert nudges_in(second.followups, "Tutorial hell") == []


async def test_dm_mode_with_closed_dms_falls_back_to_the_inbox(sb: Sandbox) -> None:
    x = sb.member("x", dms_open=False)
    await courses_only_with_dm_nudges(sb, x)
    assert sb.dms(x) == []
    shown = await sb.slash(x, "settings show")
    await sb.wait_idle()
    assert len(nudges_in(shown.followups, "Tutorial hell")) == 1
    profile = await bot_of(sb).services.members.profile(sb.guild.id, x.id)
    assert profile.dm_unreachable


async def test_dm_nudge_not_for_me_mutes_the_pitfall_for_30_days(
    sb: Sandbox, e2e_clock: FakeClock
) -> None:
    kai = sb.member("kai")
    await courses_only_with_dm_nudges(sb, kai)
    dms = nudges_in(sb.dms(kai), "Tutorial hell")
    assert len(dms) == 1
    assert dms[0].buttons == ["On it", "Not for me"]
    # Only kai may answer kai's nudge.
    other = await sb.click(sb.member("bob"), dms[0], "Not for me")
    assert "another member" in other.text
    muted = await sb.click(kai, dms[0], "Not for me")
    assert "Muted for 30 days" in muted.text
    # Eight more days of courses: the gap nudge may come, tutorial hell never does.
    for _ in range(8):
        await log(sb, kai, "course", 100)
        await next_day(sb)
    assert len(nudges_in(sb.dms(kai), "Tutorial hell")) == 1
    # After the 30 days it may come back.
    bot_of(sb).services.core.scheduler.jump_to(e2e_clock.now() + timedelta(days=23))
    await log(sb, kai, "course", 400)
    await next_day(sb)  # back after 24 days: welcomed first (one nudge per sweep)
    assert any("Welcome back ·" in m.text for m in sb.dms(kai))
    await next_day(sb)
    assert len(nudges_in(sb.dms(kai), "Tutorial hell")) == 2


async def test_on_it_is_stored_as_feedback(sb: Sandbox) -> None:
    kai = sb.member("kai")
    await courses_only_with_dm_nudges(sb, kai)
    dm = nudges_in(sb.dms(kai), "Tutorial hell")[0]
    reply = await sb.click(kai, dm, "On it")
    assert "On it" in reply.text
    stats = await bot_of(sb).services.pitfalls.stats(sb.guild.id)
    assert stats.nudges_28 == {"sent": 1, "on_it": 1}


async def test_feedback_buttons_keep_their_custom_ids(sb: Sandbox) -> None:
    """Members have old nudges on their messages: the ids must stay `nudge-<on|off>:g:row`."""
    kai = sb.member("kai")
    await courses_only_with_dm_nudges(sb, kai)
    dm = nudges_in(sb.dms(kai), "Tutorial hell")[0]
    ids = [c["custom_id"] for row in dm.components for c in row["components"]]
    row_id = ids[0].rsplit(":", 1)[1]
    assert row_id.isdigit()
    assert ids == [
        f"studybot:nudge-on:{sb.guild.id}:{row_id}",
        f"studybot:nudge-off:{sb.guild.id}:{row_id}",
    ]
    # An id written before the move still parses into the same button.
    match = NudgeFeedbackButton.__discord_ui_compiled_template__.fullmatch(ids[1])
    assert match is not None
    assert NudgeFeedbackButton.fields_from(match) == {
        "choice": "off",
        "guild_id": sb.guild.id,
        "row_id": int(row_id),
    }


async def test_off_mode_sends_nothing_but_still_records(sb: Sandbox) -> None:
    bob = sb.member("bob")
    await known_for_weeks(sb, bob)
    await sb.slash(bob, "settings nudges", mode="off")
    await log(sb, bob, "course", 400)
    await next_day(sb)
    reply = await sb.slash(bob, "settings show")
    await sb.wait_idle()
    assert not any("Noticed:" in f.text for f in reply.followups)
    flags = await bot_of(sb).services.pitfalls.flags_for(sb.guild.id, bob.id)
    assert {f.pitfall for f in flags} >= {"tutorial_hell", "theory_practice_gap"}


async def test_an_inbox_nudge_carries_its_buttons(sb: Sandbox) -> None:
    bob = sb.member("bob")
    await known_for_weeks(sb, bob)
    await log(sb, bob, "community", 10)
    await log(sb, bob, "course", 400)
    await next_day(sb)
    reply = await sb.slash(bob, "settings show")
    await sb.wait_idle()
    nudge = nudges_in(reply.followups, "Tutorial hell")[0]
    muted = await sb.click(bob, nudge, "Not for me")
    assert "Muted" in muted.text


async def test_setup_pitfalls_view_set_and_refused_for_members(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    view = await sb.slash(mod, "setup pitfalls")
    assert view.ephemeral
    assert "tutorial_course_minutes` = 300" in view.text
    assert "gap_ratio` = 3" in view.text
    saved = await sb.slash(mod, "setup pitfalls", tutorial_course_minutes=120, gap_ratio=2.5)
    assert "saved" in saved.text
    assert "tutorial_course_minutes` = 120 *(changed)*" in saved.text
    assert "gap_ratio` = 2.5" in saved.text
    # The new threshold is used by the sweep.
    alice = sb.member("alice")
    await known_for_weeks(sb, alice)
    await log(sb, alice, "community", 10)
    await log(sb, alice, "course", 130)
    await next_day(sb)
    flags = await bot_of(sb).services.pitfalls.flags_for(sb.guild.id, alice.id)
    assert "tutorial_hell" in {f.pitfall for f in flags}
    # Impossible combinations are refused with the reason, nothing saved.
    bad = await sb.slash(mod, "setup pitfalls", isolation_study_days=20)
    assert "cannot exceed" in bad.text
    assert "isolation_study_days` = 5" in (await sb.slash(mod, "setup pitfalls")).text
    off = await sb.slash(mod, "setup pitfalls", enabled=False)
    assert "off" in off.text
    assert not bot_of(sb).services.core.scheduler.has_job(f"pitfalls:{sb.guild.id}")
    reset = await sb.slash(mod, "setup pitfalls", reset=True, enabled=True)
    assert "tutorial_course_minutes` = 300" in reset.text
    assert bot_of(sb).services.core.scheduler.has_job(f"pitfalls:{sb.guild.id}")
    shown = await sb.slash(mod, "setup show")
    assert "Pitfall nudges" in shown.text
    member = await sb.slash(sb.member("bob"), "setup pitfalls", tutorial_days=3)
    assert "Only moderators" in member.text


async def test_a_sweep_records_its_detections_a_slice_per_transaction(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One detection per transaction here: members' writes never wait for a whole guild's.
    monkeypatch.setattr(pitfall_rows, "RECORD_SLICE", 1)
    alice, bob = sb.member("alice"), sb.member("bob")
    await known_for_weeks(sb, alice, bob)
    await log(sb, alice, "course", 400)
    await log(sb, bob, "course", 400)
    services = bot_of(sb).services
    slices: list[int] = []
    record = pitfall_rows.record_detections

    async def recording(conn: Any, *args: Any) -> int:
        slices.append(len(args[-1]))
        assert conn.in_transaction()
        return await record(conn, *args)

    monkeypatch.setattr(pitfall_rows, "record_detections", recording)
    result = await services.pitfalls.sweep(sb.guild.id)
    assert result.detections >= 2
    assert slices == [1] * result.detections
    for member in (alice, bob):
        flags = await services.pitfalls.flags_for(sb.guild.id, member.id)
        assert "tutorial_hell" in {f.pitfall for f in flags}


async def test_setup_stats_shows_numbers_never_names(sb: Sandbox, e2e_clock: FakeClock) -> None:
    mod = sb.member("morgan", moderator=True)
    empty = await sb.slash(mod, "setup stats")
    assert "No sweep yet" in empty.text
    alice, bob = sb.member("alice"), sb.member("bob")
    await known_for_weeks(sb, alice, bob)
    await log(sb, alice, "course", 400)
    await log(sb, bob, "coding", 90)
    await log(sb, bob, "community", 30)
    await next_day(sb)
    stats = await sb.slash(mod, "setup stats")
    assert stats.ephemeral
    assert "2 in 7 days" in stats.text
    assert "course 6.7 h" in stats.text and "coding 1.5 h" in stats.text
    assert "Tutorial hell 1" in stats.text and "Isolation 0" in stats.text
    assert "alice" not in stats.text and "bob" not in stats.text
    assert "Only moderators" in (await sb.slash(bob, "setup stats")).text


async def test_the_sweep_job_runs_at_ten_guild_time(sb: Sandbox, e2e_clock: FakeClock) -> None:
    mod = sb.member("morgan", moderator=True)
    await sb.slash(mod, "setup timezone", zone="Europe/Berlin")
    services = bot_of(sb).services
    await services.core.scheduler.advance_to(datetime(2026, 3, 2, 9, 1, tzinfo=UTC))  # 10:01 CET
    assert services.pitfalls.last_sweep_at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert services.pitfalls.last_sweep_seconds is not None


async def test_a_member_back_after_two_weeks_is_welcomed(sb: Sandbox, e2e_clock: FakeClock) -> None:
    bob = sb.member("bob")
    await log(sb, bob, "coding", 30)
    bot_of(sb).services.core.scheduler.jump_to(e2e_clock.now() + timedelta(days=20))
    await log(sb, bob, "coding", 25)
    await next_day(sb)
    reply = await sb.slash(bob, "settings show")
    await sb.wait_idle()
    welcome = [f for f in reply.followups if "Welcome back ·" in f.text]
    assert len(welcome) == 1
    assert "20" in welcome[0].text or "Best streak" in welcome[0].text or welcome[0].embeds
    # Welcome-backs are not pitfalls: /progress flags stay empty.
    assert await bot_of(sb).services.pitfalls.flags_for(sb.guild.id, bob.id) == []


async def test_a_member_who_left_is_not_swept(sb: Sandbox) -> None:
    bob = sb.member("bob")
    await sb.slash(bob, "settings dms", enabled=True)
    await sb.slash(bob, "settings nudges", mode="dm")
    await log(sb, bob, "course", 400)
    await sb.member_leave(bob)
    await sb.wait_idle()
    await next_day(sb)
    assert sb.dms(bob) == []
    assert await bot_of(sb).services.pitfalls.flags_for(sb.guild.id, bob.id) == []


async def test_a_newcomer_waits_for_the_window_then_hears_the_real_span(sb: Sandbox) -> None:
    """Two days after joining, "over the last 14 days" would be two days called fourteen:
    a window rule waits until the member's history covers its window, then quotes it."""
    rio = sb.member("rio")  # first command now (07:00); the sweep runs daily at 10:00
    for day in range(14):
        await log(sb, rio, "community", 10)  # not isolated: this test is about tutorial hell
        await log(sb, rio, "course", 180)
        await next_day(sb)
        reply = await sb.slash(rio, "settings show")
        await sb.wait_idle()
        assert not any("Noticed:" in f.text for f in reply.followups), day
        assert await bot_of(sb).services.pitfalls.flags_for(sb.guild.id, rio.id) == [], day
    # The 15th sweep: rio has been around for 14 days, the tutorial-hell window.
    await log(sb, rio, "community", 10)
    await log(sb, rio, "course", 180)
    await next_day(sb)
    reply = await sb.slash(rio, "settings show")
    await sb.wait_idle()
    nudge = nudges_in(reply.followups, "Tutorial hell")
    assert len(nudge) == 1
    assert "14 days" in nudge[0].text
    flags = {
        f.pitfall: f for f in await bot_of(sb).services.pitfalls.flags_for(sb.guild.id, rio.id)
    }
    assert flags["tutorial_hell"].evidence["days"] == 14
    # The window holds the 14 logs after the first sweep's start, not the first one.
    assert flags["tutorial_hell"].evidence["course_minutes"] == 14 * 180
    # The theory-practice gap looks at 21 days: all theory, but it still waits.
    assert "theory_practice_gap" not in flags


async def test_the_daily_sweep_runs_once_per_guild_and_local_day_whoever_fires_it(
    sb: Sandbox, e2e_clock: FakeClock
) -> None:
    """Two processes firing the same guild's sweep (a reshard, a stale job) share the ledger
    key `sweep:{guild}:{local date}`: the second finds it taken."""
    pitfalls = bot_of(sb).services.pitfalls
    first = await pitfalls.scheduled_sweep(sb.guild.id)
    assert first is not None and not first.skipped
    assert await pitfalls.scheduled_sweep(sb.guild.id) is None  # the same day: already ran
    e2e_clock.advance(timedelta(days=1))
    assert await pitfalls.scheduled_sweep(sb.guild.id) is not None  # a new local day


async def test_a_sent_nudge_points_at_the_detection_it_is_about(sb: Sandbox) -> None:
    from sqlalchemy import select

    from bot.pitfalls.tables import pitfall_detections, pitfall_nudges

    kai = sb.member("kai")
    await courses_only_with_dm_nudges(sb, kai)
    assert len(nudges_in(sb.dms(kai), "Tutorial hell")) == 1
    async with bot_of(sb).services.core.store.connect() as conn:
        sent = (await conn.execute(select(pitfall_nudges))).all()
        recorded = (await conn.execute(select(pitfall_detections))).all()
    assert [(n.user_id, n.pitfall) for n in sent] == [(kai.id, "tutorial_hell")]
    pointed = [d for d in recorded if d.id == sent[0].detection_id]
    assert [(d.user_id, d.pitfall) for d in pointed] == [(kai.id, "tutorial_hell")]
    assert pointed[0].evidence["days"] > 0
