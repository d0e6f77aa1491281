"""A streak counts study days: Done on the daily prompt, or enough logged study (issue 17).

Through the fake Discord: logged study counts without Done, Done alone logs no minutes, the
time picked on the Done reply is logged once (a second pick replaces it), a day under the
guild's threshold does not count, moderators set the threshold, and the streak reminder,
`/start` and the leaderboard follow the same rule.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot import testing
from bot.core.clock import FakeClock
from bot.core.errors import UserFacingError
from bot.daily.views import MINUTES_PLACEHOLDER
from bot.sandbox import OptionRefused, Sandbox
from bot.sandbox.driver import MessageView
from bot.sandbox.models import FakeMember
from tests.e2e.conftest import bot_of
from tests.e2e.test_projects import check_in, start_project


async def post_prompt(sb: Sandbox) -> MessageView:
    """Today's prompt in #daily (the guild is on UTC)."""
    mod = sb.member("morgan", moderator=True)
    await sb.slash(mod, "setup channels", daily="daily")
    await sb.slash(mod, "daily post-now")
    return [m for m in sb.channel("daily").messages if m.embeds][-1]


async def next_day(sb: Sandbox) -> None:
    await testing.advance(bot_of(sb), timedelta(days=1))
    await sb.wait_idle()


async def logged_minutes(sb: Sandbox, member: FakeMember) -> list[tuple[str, int]]:
    entries = await bot_of(sb).services.progress.log.history(sb.guild.id, member.id)
    return [(e.source, e.minutes) for e in entries]


async def test_logged_study_counts_without_done(sb: Sandbox) -> None:
    alice = sb.member("alice")
    await sb.slash(alice, "log", minutes=20, kind="reading")
    streak = await sb.slash(alice, "daily streak")
    assert "1 day (best 1)" in streak.text
    assert "Counted" in streak.text
    # The rule is spelled out where the streak is shown.
    assert "at least 15 min of study" in streak.text and "Done" in streak.text
    await next_day(sb)
    await sb.slash(alice, "log", minutes=45, kind="coding")
    assert "2 days (best 2)" in (await sb.slash(alice, "daily streak")).text
    history = await sb.slash(alice, "daily history")
    assert "2 of 14 study days" in history.text


async def test_a_day_below_the_threshold_does_not_count_until_it_adds_up(sb: Sandbox) -> None:
    bob = sb.member("bob")
    await sb.slash(bob, "log", minutes=10, kind="course")
    streak = await sb.slash(bob, "daily streak")
    assert "0 days" in streak.text
    assert "10 of 15 min logged — 5 more" in streak.text
    # Entries of one local day add up.
    await sb.slash(bob, "log", minutes=5, kind="math")
    assert "1 day" in (await sb.slash(bob, "daily streak")).text
    # Undo takes the day away again (the cached streak follows: the leaderboard agrees).
    await sb.slash(bob, "settings leaderboard", enabled=True)
    last = await sb.slash(bob, "log", minutes=5, kind="math")
    await sb.click(bob, last, "Undo")
    assert "1 day" in (await sb.slash(bob, "daily streak")).text
    board = await sb.slash(bob, "leaderboard", board="streak")
    assert f"<@{bob.id}> — 1 day" in board.text
    first_entries = await bot_of(sb).services.progress.log.history(sb.guild.id, bob.id)
    undo_five = await sb.slash(bob, "history")
    assert undo_five.selects
    await sb.select(bob, undo_five, "Delete an entry", [str(first_entries[0].id)])
    assert "0 days" in (await sb.slash(bob, "daily streak")).text
    board = await sb.slash(bob, "leaderboard", board="streak")
    assert str(bob.id) not in board.text


async def test_done_alone_credits_no_minutes(sb: Sandbox) -> None:
    post = await post_prompt(sb)
    alice = sb.member("alice")
    done = await sb.click(alice, post, "Done")
    assert "1 day" in done.text
    assert "No time logged yet" in done.text
    assert [s.get("placeholder") for s in done.selects] == [MINUTES_PLACEHOLDER]
    assert await logged_minutes(sb, alice) == []
    await sb.slash(alice, "settings leaderboard", enabled=True)
    minutes = await sb.slash(alice, "leaderboard", board="minutes", period="week")
    assert str(alice.id) not in minutes.text


async def test_minutes_picked_on_the_done_reply_are_logged_once(sb: Sandbox) -> None:
    post = await post_prompt(sb)
    alice = sb.member("alice")
    done = await sb.click(alice, post, "Done")
    picked = await sb.select(alice, done, MINUTES_PLACEHOLDER, ["30"])
    assert "Logged 30 min" in picked.text and "1 day" in picked.text
    assert await logged_minutes(sb, alice) == [("daily", 30)]
    # A second pick replaces the first: still one entry for the prompt.
    again = await sb.select(alice, picked, MINUTES_PLACEHOLDER, ["45"])
    assert "replaces the 30 min" in again.text
    assert await logged_minutes(sb, alice) == [("daily", 45)]
    # Done again offers the select with what is logged; skip removes the time, not the day.
    repeat = await sb.click(alice, post, "Done")
    assert "Already counted" in repeat.text and "45 min" in repeat.text
    skipped = await sb.select(alice, repeat, MINUTES_PLACEHOLDER, ["skip"])
    assert "No time logged" in skipped.text and "Removed the 45 min" in skipped.text
    assert await logged_minutes(sb, alice) == []
    assert "1 day" in (await sb.slash(alice, "daily streak")).text
    # Only a member who pressed Done can log time for the prompt (the select is on their
    # own ephemeral reply; the service refuses anyone else all the same).
    bob = sb.member("bob")
    daily = bot_of(sb).services.daily
    with pytest.raises(UserFacingError, match="Press \\*\\*Done\\*\\* on that prompt first"):
        await daily.log_done_minutes(sb.guild.id, bob.id, date(2026, 3, 2), 30)
    with pytest.raises(UserFacingError, match="Pick one of 15, 30, 45, 60, 90"):
        await daily.log_done_minutes(sb.guild.id, alice.id, date(2026, 3, 2), 1000)
    assert await logged_minutes(sb, bob) == []


async def test_the_done_minutes_select_works_after_a_restart(sb: Sandbox) -> None:
    post = await post_prompt(sb)
    alice = sb.member("alice")
    done = await sb.click(alice, post, "Done")
    await sb.restart_bot()
    picked = await sb.select(alice, done, MINUTES_PLACEHOLDER, ["15"])
    assert "Logged 15 min" in picked.text


async def test_project_check_in_minutes_count_as_study(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    await sb.slash(mod, "setup channels", accountability="accountability")
    alice = sb.member("alice")
    await start_project(sb, alice)
    assert "0 days" in (await sb.slash(alice, "daily streak")).text
    await check_in(sb, alice, "20", "Tokenizer and a baseline", minutes=40)
    assert "1 day" in (await sb.slash(alice, "daily streak")).text


async def test_moderators_set_the_threshold_and_every_streak_is_recounted(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    alice = sb.member("alice")
    await sb.slash(alice, "settings leaderboard", enabled=True)
    await sb.slash(alice, "log", minutes=20, kind="reading")
    shown = await sb.slash(mod, "setup streak")
    assert shown.ephemeral and "at least **15 min**" in shown.text
    saved = await sb.slash(mod, "setup streak", minutes=30)
    assert "Streak rule saved" in saved.all_text and "**30 min**" in saved.all_text
    # alice's 20 minutes no longer make a study day: her streak and the board say so.
    streak = await sb.slash(alice, "daily streak")
    assert "0 days" in streak.text and "20 of 30 min logged" in streak.text
    board = await sb.slash(alice, "leaderboard", board="streak")
    assert str(alice.id) not in board.text
    assert "30 min of logged study" in (await sb.slash(mod, "setup show")).text
    assert "at least 30 min" in (await sb.slash(alice, "start")).all_text
    # Out of range: Discord refuses it before sending (the option declares its range), and
    # the service refuses it on its own too; nothing is saved.
    with pytest.raises(OptionRefused, match="between 5 and 240"):
        await sb.slash(mod, "setup streak", minutes=2)
    with pytest.raises(UserFacingError, match="between 5 and 240"):
        await bot_of(sb).services.daily.set_study_minutes(sb.guild.id, 2)
    assert "**30 min**" in (await sb.slash(mod, "setup streak")).text
    # Members cannot change it.
    assert "Only moderators" in (await sb.slash(alice, "setup streak", minutes=15)).text
    # Back to 15: the 20 minutes count again.
    await sb.slash(mod, "setup streak", minutes=15)
    assert "1 day" in (await sb.slash(alice, "daily streak")).text
    board = await sb.slash(alice, "leaderboard", board="streak")
    assert f"<@{alice.id}> — 1 day" in board.text


async def test_start_says_what_counts(sb: Sandbox) -> None:
    start = await sb.slash(sb.member("dana"), "start")
    assert "A day counts when you log at least 15 min of study" in start.all_text


async def test_the_streak_reminder_follows_the_rule(sb: Sandbox, e2e_clock: FakeClock) -> None:
    """Both have a 1-day streak from Monday. On Tuesday alice logs 20 min (the day counts:
    no reminder), bob logs 10 (it does not: reminded, with how much is missing)."""
    alice, bob = sb.member("alice"), sb.member("bob")
    for member in (alice, bob):
        await sb.slash(member, "settings dms", enabled=True)
        await sb.slash(member, "log", minutes=30, kind="coding")
        await sb.slash(member, "settings reminders", streak=True, hours_before=4)
    await testing.advance_to(bot_of(sb), datetime(2026, 3, 3, 12, 0, tzinfo=UTC))
    await sb.slash(alice, "log", minutes=20, kind="reading")
    await sb.slash(bob, "log", minutes=10, kind="reading")
    await testing.advance_to(bot_of(sb), datetime(2026, 3, 3, 20, 1, tzinfo=UTC))
    await sb.wait_idle()
    assert [m for m in sb.dms(alice) if "streak is waiting" in m.text] == []
    reminded = [m for m in sb.dms(bob) if "streak is waiting" in m.text]
    assert len(reminded) == 1
    assert "10 of 15 min logged today: 5 more with `/log`" in reminded[0].text
    assert "Done on `/daily today`" in reminded[0].text
