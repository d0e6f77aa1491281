"""Focus sessions through the fake Discord: one board edited in place, rounds credited only to
those present at their end, opt-in pings for participants only, resumed after a restart,
no minute counted twice with a study room; /focus start and stop and their refusals."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.activity.api import activity
from bot.core.clock import FakeClock
from bot.sandbox import OptionRefused, Sandbox
from bot.sandbox.models import FakeMember
from bot.sandbox.views import MessageView
from tests.e2e.conftest import bot_of
from tests.e2e.test_studyrooms import later, mark_rooms, rows, voice_entries


async def focus_minutes(sb: Sandbox, member: FakeMember) -> list[int]:
    a = activity.c
    found = await rows(
        sb, select(a.minutes).where(a.user_id == member.id, a.source == "focus").order_by(a.id)
    )
    return [row["minutes"] for row in found]


def bot_posts(sb: Sandbox, channel: str) -> list[MessageView]:
    bot_id = sb.fake.bot_user.id
    return [m for m in sb.channel(channel).messages if m.message and m.message.author.id == bot_id]


def board_of(sb: Sandbox, channel: str = "study-hall") -> MessageView:
    (board,) = [m for m in bot_posts(sb, channel) if m.embeds and "Focus session" in m.text]
    return board


async def start(sb: Sandbox, member: FakeMember, where: str = "study-hall", **plan: Any) -> Any:
    return await sb.slash(member, "focus start", where=where, **plan)


async def test_two_rounds_credit_only_those_present_at_each_rounds_end(sb: Sandbox) -> None:
    await mark_rooms(sb, "study-hall")
    alice, bob, carol = sb.member("alice"), sb.member("bob"), sb.member("carol")
    started = await start(sb, alice, length=25, rounds=2, **{"break": 5})
    assert started.ephemeral and "Focus session started" in started.text
    board = board_of(sb)
    assert board.buttons == ["Join", "Leave", "🔔 Pings"]
    assert "Round 1 of 2" in board.text and f"<@{alice.id}>" in board.text
    joined = await sb.click(bob, board, "Join")
    assert "You're in" in joined.all_text and f"<@{bob.id}>" in board_of(sb).text
    await later(sb, 10)
    await sb.click(carol, board, "Join")
    pings = await sb.click(carol, board, "🔔 Pings")
    assert "I will mention you" in pings.all_text
    await later(sb, 15)  # round 1 ends: everyone is there
    assert "Break" in board_of(sb).text
    (ping,) = [m for m in bot_posts(sb, "study-hall") if m is not board and not m.embeds]
    assert ping.message is not None and ping.message.allowed_mentions is not None
    assert [int(u) for u in ping.message.allowed_mentions["users"]] == [carol.id]
    assert ping.message.allowed_mentions["parse"] == []
    assert f"<@{carol.id}>" in ping.text and f"<@{alice.id}>" not in ping.text
    await later(sb, 5)  # round 2 begins
    assert "Round 2 of 2" in board_of(sb).text
    await later(sb, 10)
    left = await sb.click(bob, board, "Leave")
    assert "You left" in left.all_text
    await later(sb, 15)  # round 2 ends: bob is gone
    assert await focus_minutes(sb, alice) == [25, 25]
    assert await focus_minutes(sb, bob) == [25]
    assert await focus_minutes(sb, carol) == [15, 25]
    final = board_of(sb)
    assert "ended" in final.text and "Finished" in final.text and final.buttons == []
    assert final.edited  # one message, edited in place at every phase
    posts = bot_posts(sb, "study-hall")
    assert len([m for m in posts if not m.embeds]) == 1  # each ping replaced the last
    history = await sb.slash(carol, "history")
    assert "(focus session)" in history.text


async def test_a_focus_session_resumes_after_a_restart(sb: Sandbox, e2e_clock: FakeClock) -> None:
    await mark_rooms(sb, "study-hall")
    alice, bob = sb.member("alice"), sb.member("bob")
    await start(sb, alice, length=25, rounds=2, **{"break": 5})
    await sb.click(bob, board_of(sb), "Join")
    await later(sb, 10)
    await sb.restart_bot()
    await later(sb, 15)  # the round ends on the new bot's scheduler
    assert await focus_minutes(sb, alice) == [25]
    assert await focus_minutes(sb, bob) == [25]
    assert "Break" in board_of(sb).text
    carol = sb.member("carol")
    joined = await sb.click(carol, board_of(sb), "Join")  # its buttons work after a restart
    assert f"<@{carol.id}>" in joined.text

    def offline_for_an_hour() -> None:
        e2e_clock.advance(timedelta(hours=1))

    await sb.restart_bot(while_down=offline_for_an_hour)
    await later(sb, 1)
    assert "offline" in board_of(sb).text and board_of(sb).buttons == []
    assert await focus_minutes(sb, carol) == []  # nobody knows who was there while down


async def test_time_in_a_study_room_is_not_credited_again_by_a_focus_round(sb: Sandbox) -> None:
    await mark_rooms(sb, "study-hall")
    alice, bob = sb.member("alice"), sb.member("bob")
    await sb.join_voice(alice, "study-hall")
    await start(sb, alice, length=25, rounds=1)
    await sb.click(bob, board_of(sb), "Join")
    await later(sb, 25)
    await later(sb, 5)
    await sb.leave_voice(alice)
    assert await focus_minutes(sb, alice) == []  # her room session covers the round
    assert await voice_entries(sb, alice) == [("community", 30)]
    assert await focus_minutes(sb, bob) == [25]


async def test_focus_start_and_stop_refuse_what_they_cannot_do(sb: Sandbox) -> None:
    alice, bob = sb.member("alice"), sb.member("bob")
    nowhere = await sb.slash(alice, "focus start", where="general")
    assert nowhere.ephemeral and "no study rooms yet" in nowhere.text
    await mark_rooms(sb, "study-hall")
    elsewhere = await sb.slash(alice, "focus start", where="general")
    assert "study room's chat" in elsewhere.text
    assert f"<#{sb.channel('study-hall').id}>" in elsewhere.text
    try:
        await start(sb, alice, length=200)
    except OptionRefused as refused:
        assert refused.option == "length"
    else:
        raise AssertionError("Discord's client sends no length over 120")
    none_yet = await sb.slash(alice, "focus stop", where="study-hall")
    assert "No focus session is running here" in none_yet.text
    await start(sb, alice, length=30, rounds=1)
    twice = await start(sb, bob)
    assert "already running here" in twice.text
    board = board_of(sb)
    assert "not in this focus session" in (await sb.click(bob, board, "Leave")).all_text
    assert "Join the session first" in (await sb.click(bob, board, "🔔 Pings")).all_text
    assert "already in" in (await sb.click(alice, board, "Join")).all_text
    not_yours = await sb.slash(bob, "focus stop", where="study-hall")
    assert f"Only <@{alice.id}>" in not_yours.text
    await later(sb, 20)
    stopped = await sb.slash(sb.member("morgan", moderator=True), "focus stop", where="study-hall")
    assert "Focus session stopped" in stopped.text and "20 min" in stopped.text
    assert "Stopped." in board_of(sb).text
    assert await focus_minutes(sb, alice) == [20]  # the round under way, up to the stop
    again = await start(sb, bob, length=25)  # the channel is free again
    assert "Focus session started" in again.text
    mine = await sb.slash(bob, "focus stop", where="general")  # the one bob started
    assert "Focus session stopped" in mine.text


async def test_a_board_the_bot_cannot_post_is_refused_and_frees_the_channel(sb: Sandbox) -> None:
    await mark_rooms(sb, "study-hall")
    alice = sb.member("alice")
    sb.set_bot_permissions("study-hall", send_messages=False)
    await sb.wait_idle()
    refused = await start(sb, alice, length=25)
    assert refused.ephemeral and "I cannot post in" in refused.text
    assert bot_posts(sb, "study-hall") == []
    sb.set_bot_permissions("study-hall", send_messages=None)
    await sb.wait_idle()
    assert "Focus session started" in (await start(sb, alice, length=25)).text


async def test_focus_sessions_may_run_in_a_focus_channel(sb: Sandbox) -> None:
    moderator = sb.member("morgan", moderator=True)
    await sb.slash(moderator, "setup study-rooms", focus_channel="general")
    alice = sb.member("alice")
    started = await start(sb, alice, where="general", length=25, rounds=1)
    assert "Focus session started" in started.text
    assert board_of(sb, "general").buttons == ["Join", "Leave", "🔔 Pings"]
    bot = bot_of(sb)
    assert bot.services.core.scheduler.has_job("focus-tick")


async def test_a_phase_moves_once_when_two_ticks_race(sb: Sandbox, e2e_clock: FakeClock) -> None:
    from bot.studyrooms.store import focus as focus_rows

    await mark_rooms(sb, "study-hall")
    alice = sb.member("alice")
    await start(sb, alice, length=25, rounds=1)
    e2e_clock.advance(timedelta(minutes=26))  # the round is over; no job has run yet
    services = bot_of(sb).services
    async with services.core.store.connect() as conn:
        (row,) = await focus_rows.due(conn, e2e_clock.now())
    focus = services.studyrooms.focus
    # Two processes' ticks (or a tick and /focus stop) with the same view of the session.
    await asyncio.gather(focus._advance(row, e2e_clock.now()), focus._advance(row, e2e_clock.now()))
    await sb.wait_idle()
    assert await focus_minutes(sb, alice) == [25]
    assert "Finished" in board_of(sb).text
