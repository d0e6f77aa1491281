"""Study rooms through the fake Discord: voice sessions counted once into the study log,
across moves and restarts; tagged with one tap; the minimum, the AFK channel and the cap;
/setup study-rooms and its refusals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot import testing
from bot.activity.api import activity
from bot.core.clock import FakeClock
from bot.sandbox import OptionRefused, Sandbox
from bot.sandbox.models import FakeMember
from bot.sandbox.views import ChannelHandle, MessageView
from bot.sandbox.voice import set_voice
from bot.studyrooms.tables import voice_sessions
from tests.e2e.conftest import bot_of

PROMPT = "What did you work on?"


async def later(sb: Sandbox, minutes: int) -> None:
    """Time passes on the bot's clock (its jobs run on the way)."""
    await testing.advance(bot_of(sb), timedelta(minutes=minutes))
    await sb.wait_idle()


async def mark_rooms(sb: Sandbox, *names: str) -> list[ChannelHandle]:
    moderator = sb.member("morgan", moderator=True)
    rooms = []
    for name in names:
        rooms.append(sb.add_voice_channel(name))
        await sb.wait_idle()
        reply = await sb.slash(moderator, "setup study-rooms", add=name)
        assert "is a study room now" in reply.text
    return rooms


async def rows(sb: Sandbox, query: Any) -> list[dict[str, Any]]:
    async with bot_of(sb).services.core.store.connect() as conn:
        return [dict(row._mapping) for row in await conn.execute(query)]


async def voice_entries(sb: Sandbox, member: FakeMember) -> list[tuple[str, int]]:
    """The member's study-log entries from study rooms: (kind, minutes)."""
    a = activity.c
    found = await rows(
        sb,
        select(a.kind, a.minutes).where(a.user_id == member.id, a.source == "voice").order_by(a.id),
    )
    return [(row["kind"], row["minutes"]) for row in found]


async def sessions_of(sb: Sandbox, member: FakeMember) -> list[dict[str, Any]]:
    v = voice_sessions.c
    return await rows(sb, select(voice_sessions).where(v.user_id == member.id).order_by(v.id))


async def prompts_in_next_reply(sb: Sandbox, member: FakeMember) -> list[MessageView]:
    """What waited in the member's inbox, attached to their next command reply."""
    reply = await sb.slash(member, "settings show")
    return [f for f in reply.followups if PROMPT in f.text]


async def test_a_session_of_30_minutes_is_logged_and_tagged_with_one_tap(sb: Sandbox) -> None:
    await mark_rooms(sb, "study-hall")
    alice = sb.member("alice")
    await sb.join_voice(alice, "study-hall", camera=True)
    await later(sb, 30)
    await sb.leave_voice(alice)
    assert await voice_entries(sb, alice) == [("community", 30)]
    history = await sb.slash(alice, "history")
    assert "30 min" in history.text and "(study room)" in history.text
    prompt = next(f for f in history.followups if PROMPT in f.text)
    assert prompt.ephemeral and prompt.buttons[:5] == [
        "Course",
        "Project",
        "Interview",
        "Math",
        "Reading",
    ]
    assert "30 min" in prompt.text
    tagged = await sb.click(alice, prompt, "Course")
    assert "Tagged: Course" in tagged.text
    assert await voice_entries(sb, alice) == [("course", 30)]  # the same entry, re-tagged
    (session,) = await sessions_of(sb, alice)
    assert session["camera"] and not session["stream"]
    assert (session["minutes"], session["credited_minutes"]) == (30, 30)
    again = await sb.click(alice, tagged, "Math")  # a mis-tap is corrected, never doubled
    assert "Tagged: Math" in again.text
    assert await voice_entries(sb, alice) == [("math", 30)]
    progress = await sb.slash(alice, "progress")
    assert "Math: 30 min" in progress.all_text


async def test_a_session_across_a_restart_and_a_room_move_is_counted_once(sb: Sandbox) -> None:
    await mark_rooms(sb, "study-hall", "quiet-room")
    alice = sb.member("alice")
    await sb.join_voice(alice, "study-hall")
    await later(sb, 20)
    await sb.restart_bot()  # alice is still in the room: GUILD_CREATE says so
    await later(sb, 10)
    await sb.join_voice(alice, "quiet-room", stream=True)  # a move: the same session
    await later(sb, 15)
    await sb.leave_voice(alice)
    assert await voice_entries(sb, alice) == [("community", 45)]
    (session,) = await sessions_of(sb, alice)
    assert session["channel_id"] == sb.channel("study-hall").id and session["stream"]
    await sb.restart_bot()
    (prompt,) = await prompts_in_next_reply(sb, alice)
    tagged = await sb.click(alice, prompt, "Project")  # its button works after a restart
    assert "Tagged: Project" in tagged.text
    assert await voice_entries(sb, alice) == [("project", 45)]
    assert len(await sessions_of(sb, alice)) == 1


async def test_a_member_who_left_while_the_bot_was_down_is_counted_until_it_stopped(
    sb: Sandbox, e2e_clock: FakeClock
) -> None:
    await mark_rooms(sb, "study-hall")
    alice, bob = sb.member("alice"), sb.member("bob")
    await sb.join_voice(alice, "study-hall")
    await sb.join_voice(bob, "study-hall")
    await later(sb, 20)

    def meanwhile() -> None:
        set_voice(sb.fake, alice, None)  # alice leaves while no bot is watching
        e2e_clock.advance(timedelta(minutes=40))  # and the bot stays down for 40 minutes

    await sb.restart_bot(while_down=meanwhile)
    # alice: closed at the last instant the bot saw her, not at the restart.
    assert await voice_entries(sb, alice) == [("community", 20)]
    (session,) = await sessions_of(sb, alice)
    assert session["end_reason"] == "gone"
    # bob is still there after a gap longer than a restart: his first stretch ends where the
    # bot lost sight of him, and a new one begins now.
    await later(sb, 10)
    await sb.leave_voice(bob)
    assert await voice_entries(sb, bob) == [("community", 20), ("community", 10)]


async def test_a_session_under_the_minimum_is_ignored(sb: Sandbox) -> None:
    await mark_rooms(sb, "study-hall")
    alice = sb.member("alice")
    await sb.join_voice(alice, "study-hall")
    await later(sb, 4)
    await sb.leave_voice(alice)
    assert await voice_entries(sb, alice) == []
    (session,) = await sessions_of(sb, alice)
    assert (session["minutes"], session["credited_minutes"]) == (4, 0)
    assert await prompts_in_next_reply(sb, alice) == []
    await sb.join_voice(alice, "study-hall")
    await later(sb, 10)  # counted, but under 25 minutes: no prompt
    await sb.leave_voice(alice)
    assert await voice_entries(sb, alice) == [("community", 10)]
    assert await prompts_in_next_reply(sb, alice) == []


async def test_time_in_the_afk_channel_and_outside_rooms_does_not_count(sb: Sandbox) -> None:
    await mark_rooms(sb, "study-hall")
    sb.add_voice_channel("afk")
    sb.add_voice_channel("gaming")
    await sb.set_afk_channel("afk")
    moderator = sb.member("morgan", moderator=True)
    refused = await sb.slash(moderator, "setup study-rooms", add="afk")
    assert refused.ephemeral and "AFK channel" in refused.text
    alice = sb.member("alice")
    await sb.join_voice(alice, "study-hall")
    await later(sb, 10)
    await sb.join_voice(alice, "afk")  # Discord moved her for being idle
    await later(sb, 60)
    await sb.join_voice(alice, "gaming")
    await later(sb, 30)
    await sb.leave_voice(alice)
    assert await voice_entries(sb, alice) == [("community", 10)]
    (session,) = await sessions_of(sb, alice)
    assert session["end_reason"] == "afk"


async def test_the_daily_cap_limits_room_time_per_local_day(sb: Sandbox) -> None:
    (hall,) = await mark_rooms(sb, "study-hall")
    moderator = sb.member("morgan", moderator=True)
    saved = await sb.slash(moderator, "setup study-rooms", daily_cap=1, minimum=10)
    assert "Limits saved" in saved.text and "60 hours" not in saved.text
    assert "1 hour" in saved.text and "10 minutes" in saved.text
    alice = sb.member("alice", tz="Europe/Berlin")
    await sb.slash(alice, "settings timezone", zone="Europe/Berlin")
    for minutes in (40, 35, 30):
        await sb.join_voice(alice, hall)
        await later(sb, minutes)
        await sb.leave_voice(alice)
    assert await voice_entries(sb, alice) == [("community", 40), ("community", 20)]
    outcomes = [(s["minutes"], s["credited_minutes"]) for s in await sessions_of(sb, alice)]
    assert outcomes == [(40, 40), (35, 20), (30, 0)]
    await later(sb, 24 * 60)  # a new local day: the cap starts again
    await sb.join_voice(alice, hall)
    await later(sb, 15)
    await sb.leave_voice(alice)
    assert (await voice_entries(sb, alice))[-1] == ("community", 15)


async def test_the_prompt_comes_by_dm_to_members_who_opted_in(sb: Sandbox) -> None:
    await mark_rooms(sb, "study-hall")
    alice = sb.member("alice")
    await sb.slash(alice, "settings dms", enabled=True)
    await sb.join_voice(alice, "study-hall")
    await later(sb, 50)
    await sb.leave_voice(alice)
    (dm,) = [m for m in sb.dms(alice) if PROMPT in m.text]
    assert "50 min" in dm.text
    tagged = await sb.click(alice, dm, "Interview")
    assert "Tagged: Interview" in tagged.text
    assert await voice_entries(sb, alice) == [("interview", 50)]
    assert await prompts_in_next_reply(sb, alice) == []  # not in the inbox too


async def test_setup_study_rooms_shows_marks_and_refuses_what_it_cannot_do(
    sb: Sandbox,
) -> None:
    sb.add_voice_channel("study-hall")
    await sb.wait_idle()
    moderator = sb.member("morgan", moderator=True)
    shown = await sb.slash(moderator, "setup study-rooms")
    assert shown.ephemeral and "Study rooms" in shown.text and "none" in shown.text
    member = await sb.slash(sb.member("bob"), "setup study-rooms", add="study-hall")
    assert member.ephemeral and "moderator" in member.text.lower()
    not_marked = await sb.slash(moderator, "setup study-rooms", remove="study-hall")
    assert "is not a study room" in not_marked.text
    focus = await sb.slash(moderator, "setup study-rooms", focus_channel="general")
    assert "Focus sessions may run in" in focus.text
    await sb.slash(moderator, "setup study-rooms", add="study-hall")
    summary = await sb.slash(moderator, "setup show")
    assert "Study rooms" in summary.text and "5 minutes" in summary.text
    removed = await sb.slash(moderator, "setup study-rooms", remove="study-hall")
    assert "no longer marked" in removed.text
    try:
        await sb.slash(moderator, "setup study-rooms", minimum=0)
    except OptionRefused as refused:
        assert refused.option == "minimum"
    else:
        raise AssertionError("Discord's client sends no minimum under 1")
    sb.set_bot_permissions("daily", send_messages=False)
    await sb.wait_idle()
    cannot = await sb.slash(moderator, "setup study-rooms", focus_channel="daily")
    assert "missing Send Messages" in cannot.text


async def test_a_deleted_room_is_unmarked_and_its_sessions_end(sb: Sandbox) -> None:
    await mark_rooms(sb, "study-hall")
    alice = sb.member("alice")
    await sb.join_voice(alice, "study-hall")
    await later(sb, 12)
    await sb.leave_voice(alice)  # Discord disconnects everyone from a deleted channel
    await sb.delete_channel("study-hall")
    settings = bot_of(sb).services.studyrooms.rooms.of(sb.guild.id)
    assert not settings.rooms
    assert await voice_entries(sb, alice) == [("community", 12)]


async def test_marking_a_room_counts_who_is_in_it_from_then_and_unmarking_stops(
    sb: Sandbox,
) -> None:
    sb.add_voice_channel("study-hall")
    await sb.wait_idle()
    alice = sb.member("alice")
    await sb.join_voice(alice, "study-hall")
    await later(sb, 30)  # not a study room yet: nothing counts
    moderator = sb.member("morgan", moderator=True)
    await sb.slash(moderator, "setup study-rooms", add="study-hall")
    await later(sb, 20)
    await sb.slash(moderator, "setup study-rooms", remove="study-hall")
    await later(sb, 40)
    await sb.leave_voice(alice)
    assert await voice_entries(sb, alice) == [("community", 20)]
