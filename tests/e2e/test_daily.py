"""Daily prompts through the fake Discord: exactly once, at local time, DST-safe, streaks."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from bot import testing
from bot.core.clock import FakeClock
from bot.core.store import deliveries as ledger
from bot.sandbox import Sandbox
from bot.studybot import StudyBot
from tests.e2e.conftest import bot_of


async def configure_daily(sb: Sandbox, zone: str, time: str = "09:00") -> None:
    mod = sb.member("morgan", moderator=True)
    await sb.slash(mod, "setup timezone", zone=zone)
    await sb.slash(mod, "setup channels", daily="daily")
    reply = await sb.slash(mod, "setup daily", time=time)
    assert "saved" in reply.text


def daily_posts(sb: Sandbox) -> list:
    return [m for m in sb.channel("daily").messages if m.embeds]


async def test_daily_post_goes_out_once_at_local_time_in_two_guilds(
    make_bot: Callable[[], StudyBot], e2e_clock: FakeClock
) -> None:
    sandbox = Sandbox(make_bot)
    other = sandbox.add_guild("Night Owls", channels=("general", "daily"))
    async with sandbox as sb:
        await configure_daily(sb, "Europe/Berlin")
        services = bot_of(sb).services
        await services.guilds.set_timezone(other.id, "America/New_York")
        other_daily = next(c for c in other.channels.values() if c.name == "daily")
        await services.guilds.set_channels(other.id, {"daily": other_daily.id})
        # Monday 07:00 UTC -> Tuesday 07:00 UTC.
        await testing.advance(bot_of(sb), timedelta(hours=24))
        await sb.wait_idle()
        berlin = daily_posts(sb)
        assert len(berlin) == 1
        assert "Done" in berlin[0].buttons
        posted = await services.daily.prompt_for_day(sb.guild.id, date(2026, 3, 2))
        assert posted.posted_at == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 09:00 CET
        ny = [m for m in sb.channel(other_daily.id).messages if m.embeds]
        assert len(ny) == 1
        ny_posted = await services.daily.prompt_for_day(other.id, date(2026, 3, 2))
        assert ny_posted.posted_at == datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # 09:00 EST
        # The post opened a discussion thread.
        assert berlin[0].thread is not None


async def test_fall_back_and_spring_forward_days_post_once(
    sb: Sandbox, e2e_clock: FakeClock
) -> None:
    await configure_daily(sb, "Europe/Berlin", time="02:30")
    services = bot_of(sb).services
    original = services.daily.poster.post
    fired: list[int] = []

    async def counting_post(guild_id: int, **kwargs: object) -> object:
        fired.append(guild_id)
        return await original(guild_id, **kwargs)  # type: ignore[arg-type]

    services.daily.poster.post = counting_post  # type: ignore[method-assign]
    # Spring forward: 02:30 does not exist (fires once, an hour later). Fall back: 02:30
    # happens twice and APScheduler's cron fires twice; the ledger keeps it to one post.
    for day, fires in (
        (datetime(2026, 3, 28, 12, tzinfo=UTC), 1),
        (datetime(2026, 10, 24, 12, tzinfo=UTC), 2),
    ):
        before = len(daily_posts(sb))
        fired.clear()
        testing.jump_to(bot_of(sb), day)  # skip the months in between
        await testing.advance(bot_of(sb), timedelta(hours=24))
        assert len(fired) == fires
        await sb.wait_idle()
        assert len(daily_posts(sb)) == before + 1, day


async def test_restart_inside_grace_catches_up_once_outside_does_not(
    sb: Sandbox, e2e_clock: FakeClock
) -> None:
    await configure_daily(sb, "UTC")
    e2e_clock.set(datetime(2026, 3, 2, 9, 20, tzinfo=UTC))  # missed 09:00 while "down"
    await sb.restart_bot()
    await sb.wait_idle()
    assert len(daily_posts(sb)) == 1
    await sb.restart_bot()  # a second restart does not post again
    await sb.wait_idle()
    assert len(daily_posts(sb)) == 1
    e2e_clock.set(datetime(2026, 3, 3, 20, 0, tzinfo=UTC))  # 11 h late, grace is 6 h
    await sb.restart_bot()
    await sb.wait_idle()
    assert len(daily_posts(sb)) == 1


async def test_post_now_respects_the_ledger(sb: Sandbox) -> None:
    await configure_daily(sb, "UTC")
    mod = sb.member("morgan")
    first = await sb.slash(mod, "daily post-now")
    assert "Posted" in first.all_text
    second = await sb.slash(mod, "daily post-now")
    assert "already posted" in second.all_text
    assert len(daily_posts(sb)) == 1
    bob = sb.member("bob")
    assert "Only moderators" in (await sb.slash(bob, "daily post-now")).text


async def test_a_429_on_the_post_is_retried_and_lands_once(sb: Sandbox) -> None:
    await configure_daily(sb, "UTC")
    sb.fail_next("POST /channels/*/messages", status=429, retry_after=0.01)
    reply = await sb.slash(sb.member("morgan"), "daily post-now")
    assert "Posted" in reply.all_text
    assert len(daily_posts(sb)) == 1


async def test_deleted_channel_marks_the_guild_and_the_bot_keeps_running(sb: Sandbox) -> None:
    await configure_daily(sb, "UTC")
    await sb.delete_channel("daily")
    reply = await sb.slash(sb.member("morgan"), "daily post-now")
    assert "could not post" in reply.all_text
    shown = await sb.slash(sb.member("morgan"), "setup show")
    assert "Needs attention" in shown.text and "no longer exists" in shown.text
    notices = [m for m in sb.channel("general").messages if "could not be posted" in m.text]
    assert len(notices) == 1
    # Still serving commands.
    assert "Server setup" in (await sb.slash(sb.member("morgan"), "setup show")).text


async def test_missing_permission_on_send_marks_the_guild_once(sb: Sandbox) -> None:
    await configure_daily(sb, "UTC")
    sb.fail_next("POST /channels/*/messages", status=403, code=50013)
    reply = await sb.slash(sb.member("morgan"), "daily post-now")
    assert "could not post" in reply.all_text
    shown = await sb.slash(sb.member("morgan"), "setup show")
    assert "permission" in shown.text
    # The failed day is not retried in a storm: another post-now is a duplicate.
    again = await sb.slash(sb.member("morgan"), "daily post-now")
    assert "already posted" in again.all_text


async def test_done_in_two_zones_streak_today_and_button_after_restart(
    sb: Sandbox, e2e_clock: FakeClock
) -> None:
    await configure_daily(sb, "Europe/Berlin")
    alice = sb.member("alice")
    kai = sb.member("kai")
    await sb.slash(alice, "settings timezone", zone="Europe/Berlin")
    await sb.slash(kai, "settings timezone", zone="America/Los_Angeles")
    await testing.advance_to(bot_of(sb), datetime(2026, 3, 2, 8, 5, tzinfo=UTC))
    await sb.wait_idle()
    post = daily_posts(sb)[0]

    done = await sb.click(alice, post, "Done")
    assert done.ephemeral and "Monday 02 March" in done.text and "1 day" in done.text
    again = await sb.click(alice, post, "Done")
    assert "Already counted" in again.text
    # 08:05 UTC is still Monday 00:05 in Los Angeles.
    kai_done = await sb.click(kai, post, "Done")
    assert "Monday 02 March" in kai_done.text

    # Next day: a member who missed the post uses /daily today.
    await testing.advance_to(bot_of(sb), datetime(2026, 3, 3, 8, 30, tzinfo=UTC))
    await sb.wait_idle()
    today = await sb.slash(alice, "daily today")
    assert today.ephemeral and "Done" in today.buttons
    second = await sb.click(alice, today, "Done")
    assert "2 days" in second.text
    streak = await sb.slash(alice, "daily streak")
    assert "2 days" in streak.text

    # The bot restarts; yesterday's post's button still works (within 24 h).
    await sb.restart_bot()
    tuesday = daily_posts(sb)[-1]
    after = await sb.click(kai, tuesday, "Done")
    assert "Done" in after.text and "2 days" in after.text
    # Monday's post closed 24 h after it was posted.
    late = await sb.click(kai, post, "Done")
    assert "closed 24 hours" in late.text
    history = await sb.slash(alice, "daily history")
    assert "2 of 14 study days" in history.text


async def test_private_streak_is_not_shown_to_others(sb: Sandbox) -> None:
    alice = sb.member("alice")
    bob = sb.member("bob")
    reply = await sb.slash(bob, "daily streak", member=alice)
    assert "private" in reply.text


async def test_two_ticks_at_once_deliver_a_streak_reminder_once(
    sb: Sandbox, e2e_clock: FakeClock
) -> None:
    await configure_daily(sb, "UTC")
    alice = sb.member("alice")
    await sb.slash(alice, "settings dms", enabled=True)
    await sb.slash(sb.member("morgan"), "daily post-now")
    await sb.click(alice, daily_posts(sb)[0], "Done")
    reply = await sb.slash(alice, "settings reminders", streak=True, hours_before=4)
    assert "4 h before" in reply.text
    services = bot_of(sb).services
    # Tuesday 20:00 UTC: the streak is at risk (4 h before midnight), two ticks race.
    e2e_clock.set(datetime(2026, 3, 3, 20, 0, 30, tzinfo=UTC))
    await asyncio.gather(services.core.dispatcher.tick(), services.core.dispatcher.tick())
    await sb.wait_idle()
    reminders = [m for m in sb.dms(alice) if "streak is waiting" in m.text]
    assert len(reminders) == 1


async def test_streak_reminder_falls_back_to_the_next_reply_without_dms(
    sb: Sandbox, e2e_clock: FakeClock
) -> None:
    await configure_daily(sb, "UTC")
    bob = sb.member("bob")
    await sb.slash(sb.member("morgan"), "daily post-now")
    await sb.click(bob, daily_posts(sb)[0], "Done")
    await sb.slash(bob, "settings reminders", streak=True)
    await testing.advance_to(bot_of(sb), datetime(2026, 3, 3, 21, 0, tzinfo=UTC))
    await sb.wait_idle()
    assert sb.dms(bob) == []
    reply = await sb.slash(bob, "daily streak")
    await sb.wait_idle()
    assert any("streak is waiting" in f.text for f in reply.followups)


async def test_reminders_as_a_members_very_first_command(sb: Sandbox) -> None:
    # Found by the fuzzer: the first use creates the member row, which must not happen on a
    # second connection while the reminder's write transaction holds SQLite's lock.
    newcomer = sb.member("newcomer")
    reply = await sb.slash(newcomer, "settings reminders", streak=True)
    assert "Reminders saved" in reply.text


async def test_start_returns_only_when_every_catch_up_post_is_recorded(
    sb: Sandbox, e2e_clock: FakeClock
) -> None:
    """Two catch-ups at once (on_ready's and another caller's): neither may return while the
    other still holds a claimed post, or "catch-up done" is a lie and a crash right after it
    leaves a row `claimed` (what the crash test caught)."""
    await configure_daily(sb, "Europe/Berlin")
    services = bot_of(sb).services
    poster = services.daily.poster
    e2e_clock.set(datetime(2026, 3, 2, 8, 30, tzinfo=UTC))  # 09:30 in Berlin, inside grace
    gate = asyncio.Event()
    rendering = asyncio.Event()
    original_render, original_after_send = poster.render, poster.after_send
    events: list[str] = []

    async def gated_render(guild_id: int, day: date) -> object:
        rendering.set()
        await gate.wait()
        return await original_render(guild_id, day)

    async def recording_after_send(*args: object) -> None:
        events.append("recorded sent")
        assert original_after_send is not None
        await original_after_send(*args)  # type: ignore[arg-type]

    poster.render = gated_render  # type: ignore[assignment]
    poster.after_send = recording_after_send
    first = asyncio.create_task(services.daily.start())
    await rendering.wait()  # the first catch-up has claimed today's post and is rendering it
    second = asyncio.create_task(services.daily.start())
    second.add_done_callback(lambda _: events.append("second returned"))
    await asyncio.sleep(0)
    gate.set()
    await asyncio.gather(first, second)
    await sb.wait_idle()
    assert events == ["recorded sent", "second returned"]
    assert len(daily_posts(sb)) == 1
    async with services.core.store.connect() as conn:
        row = await ledger.get(conn, f"daily:{sb.guild.id}:2026-03-02")
    assert row is not None and row["status"] == "sent"


async def test_daily_today_before_the_post_is_yesterdays_prompt_until_it_closes(
    sb: Sandbox, e2e_clock: FakeClock
) -> None:
    await configure_daily(sb, "Europe/Berlin")
    alice = sb.member("alice")
    await testing.advance_to(bot_of(sb), datetime(2026, 3, 2, 8, 5, tzinfo=UTC))
    await sb.wait_idle()
    assert len(daily_posts(sb)) == 1
    # Tuesday 07:30 in Berlin: today's post is not out yet, Monday's is 23.5 h old.
    await testing.advance_to(bot_of(sb), datetime(2026, 3, 3, 6, 30, tzinfo=UTC))
    await sb.wait_idle()
    early = await sb.slash(alice, "daily today")
    assert early.ephemeral and "Monday 02 March" in early.text and "Done" in early.buttons
    done = await sb.click(alice, early, "Done")
    assert "Counted for Tuesday 03 March (your day)" in done.text  # the member's own day
    # The post at 09:00: from then on today's prompt.
    await testing.advance_to(bot_of(sb), datetime(2026, 3, 3, 8, 5, tzinfo=UTC))
    await sb.wait_idle()
    later = await sb.slash(alice, "daily today")
    assert "Tuesday 03 March" in later.text
