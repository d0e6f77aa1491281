"""Personal reminders through the fake Discord: read on the member's clock, delivered once
(across a restart), repeating ones steady across DST, by DM or in the inbox, capped, listed
and deleted, and bad text refused with examples."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot import testing
from bot.reminders.rules import MAX_REMINDERS
from bot.sandbox import Sandbox
from bot.sandbox.models import FakeMember
from tests.e2e.conftest import bot_of


async def member_in(sb: Sandbox, name: str, zone: str, *, dms: bool = True) -> FakeMember:
    member = sb.member(name)
    await sb.slash(member, "settings timezone", zone=zone)
    if dms:
        await sb.slash(member, "settings dms", enabled=True)
    return member


async def advance_to(sb: Sandbox, instant: datetime) -> None:
    await testing.advance_to(bot_of(sb), instant)
    await sb.wait_idle()


async def first_tick(sb: Sandbox) -> None:
    """The dispatcher's first tick after a start (it runs every 30 seconds)."""
    await testing.advance(bot_of(sb), timedelta(seconds=30))
    await sb.wait_idle()


def reminders_in_dms(sb: Sandbox, member: FakeMember) -> list[str]:
    return [m.text for m in sb.dms(member) if "Reminder" in m.text]


async def test_tomorrow_9am_in_tokyo_fires_at_midnight_utc_once_across_a_restart(
    sb: Sandbox,
) -> None:
    # Monday 2 March 2026, 07:00 UTC is 16:00 in Tokyo: "tomorrow 9am" is Tuesday 00:00 UTC.
    aiko = await member_in(sb, "aiko", "Asia/Tokyo")
    choices = await sb.autocomplete(aiko, "remind add", "when", "tomorrow 9am")
    assert [c["name"] for c in choices] == ["Tue 3 Mar 2026, 09:00 Asia/Tokyo (00:00 UTC)"]
    saved = await sb.slash(aiko, "remind add", when="tomorrow 9am", what="finish the notebook")
    assert saved.ephemeral and "Reminder set" in saved.text
    assert "Tue 3 Mar 2026, 09:00 Asia/Tokyo (00:00 UTC)" in saved.text
    await advance_to(sb, datetime(2026, 3, 2, 23, 59, tzinfo=UTC))
    assert reminders_in_dms(sb, aiko) == []
    await advance_to(sb, datetime(2026, 3, 3, 0, 0, tzinfo=UTC))
    delivered = reminders_in_dms(sb, aiko)
    assert len(delivered) == 1 and "finish the notebook" in delivered[0]
    # A restart (same database) and a day later: still exactly one.
    await sb.restart_bot()
    await advance_to(sb, datetime(2026, 3, 4, 1, 0, tzinfo=UTC))
    assert len(reminders_in_dms(sb, aiko)) == 1
    listed = await sb.slash(aiko, "remind list")
    assert "No reminders" in listed.text


async def test_a_reminder_missed_while_down_is_caught_up_once_within_the_grace(
    sb: Sandbox,
) -> None:
    aiko = await member_in(sb, "aiko", "Asia/Tokyo")
    await sb.slash(aiko, "remind add", when="tomorrow 9am", what="stand-up notes")
    await sb.slash(aiko, "remind add", when="tomorrow 10am", what="review the PR")
    # The bot is down from before 00:00 UTC until 03:00 UTC: both are due at start-up; the
    # first is 3 hours late (inside the 6-hour grace), the second 2 hours.
    bot = bot_of(sb)
    testing.jump_to(bot, datetime(2026, 3, 3, 3, 0, tzinfo=UTC))
    await sb.restart_bot()
    await first_tick(sb)
    await sb.restart_bot()
    await first_tick(sb)
    delivered = reminders_in_dms(sb, aiko)
    assert len(delivered) == 2
    assert "stand-up notes" in delivered[0] and "review the PR" in delivered[1]


async def test_a_reminder_missed_beyond_the_grace_is_skipped(sb: Sandbox) -> None:
    aiko = await member_in(sb, "aiko", "Asia/Tokyo")
    await sb.slash(aiko, "remind add", when="tomorrow 9am", what="too late")
    testing.jump_to(bot_of(sb), datetime(2026, 3, 3, 12, 0, tzinfo=UTC))
    await sb.restart_bot()
    await first_tick(sb)
    assert reminders_in_dms(sb, aiko) == []
    assert "No reminders" in (await sb.slash(aiko, "remind list")).text


async def test_a_weekday_reminder_stays_at_18_30_berlin_across_the_dst_change(
    sb: Sandbox,
) -> None:
    # Summer time starts in Berlin on Sunday 29 March 2026: 18:30 is 17:30 UTC before it
    # and 16:30 UTC after it.
    bot = bot_of(sb)
    testing.jump_to(bot, datetime(2026, 3, 27, 8, 0, tzinfo=UTC))  # Friday
    berta = await member_in(sb, "berta", "Europe/Berlin")
    choices = await sb.autocomplete(berta, "remind add", "every", "weekday 18:30")
    assert [c["name"] for c in choices] == [
        "every weekday at 18:30 · next Fri 27 Mar 2026, 18:30 Europe/Berlin (17:30 UTC)"
    ]
    saved = await sb.slash(berta, "remind add", every="weekday 18:30", what="review flashcards")
    assert "every weekday at 18:30 (Europe/Berlin)" in saved.text
    await advance_to(sb, datetime(2026, 3, 27, 17, 29, tzinfo=UTC))
    assert reminders_in_dms(sb, berta) == []
    await advance_to(sb, datetime(2026, 3, 27, 17, 30, tzinfo=UTC))
    assert len(reminders_in_dms(sb, berta)) == 1
    # Nothing at the weekend; Monday's comes at 18:30 summer time, 16:30 UTC.
    await advance_to(sb, datetime(2026, 3, 30, 16, 29, tzinfo=UTC))
    assert len(reminders_in_dms(sb, berta)) == 1
    await advance_to(sb, datetime(2026, 3, 30, 16, 30, tzinfo=UTC))
    delivered = reminders_in_dms(sb, berta)
    assert len(delivered) == 2 and "Repeats every weekday at 18:30" in delivered[1]
    listed = await sb.slash(berta, "remind list")
    assert "Tue 31 Mar 2026, 18:30" in listed.text


async def test_without_dms_a_reminder_waits_for_the_next_reply_escaped(sb: Sandbox) -> None:
    carl = await member_in(sb, "carl", "Europe/London", dms=False)
    await sb.slash(carl, "remind add", when="in 2 hours", what="@everyone **ship** it")
    await testing.advance(bot_of(sb), timedelta(hours=2))
    await sb.wait_idle()
    assert sb.dms(carl) == []
    later = await sb.slash(carl, "remind list")
    kept = [f.text for f in later.followups if "Reminder" in f.text]
    assert len(kept) == 1
    assert "@\u200beveryone" in kept[0] and "\\*\\*ship\\*\\*" in kept[0]


async def test_list_and_delete_only_your_own(sb: Sandbox) -> None:
    dana = await member_in(sb, "dana", "Europe/Berlin")
    eve = await member_in(sb, "eve", "Europe/Berlin")
    await sb.slash(dana, "remind add", when="tomorrow 8am", what="math drill")
    await sb.slash(dana, "remind add", every="mon,wed,fri 20:00", what="read a paper")
    await sb.slash(eve, "remind add", when="friday 9am", what="eve's secret")
    listed = await sb.slash(dana, "remind list")
    assert listed.ephemeral and "(2 of 25)" in listed.text
    assert "math drill" in listed.text and "read a paper" in listed.text
    assert "eve's secret" not in listed.text
    choices = await sb.autocomplete(dana, "remind delete", "reminder", "paper")
    assert len(choices) == 1 and choices[0]["name"].startswith("read a paper")
    eves = await sb.autocomplete(eve, "remind delete", "reminder", "")
    assert [c["name"].split(" · ")[0] for c in eves] == ["eve's secret"]
    refused = await sb.slash(dana, "remind delete", reminder=eves[0]["value"])
    assert refused.ephemeral and "no such reminder" in refused.text
    deleted = await sb.slash(dana, "remind delete", reminder=choices[0]["value"])
    assert "Reminder deleted" in deleted.text and "read a paper" in deleted.text
    assert "read a paper" not in (await sb.slash(dana, "remind list")).text


async def test_bad_when_text_is_shown_before_sending_and_refused(sb: Sandbox) -> None:
    finn = await member_in(sb, "finn", "Europe/Berlin")
    choices = await sb.autocomplete(finn, "remind add", "when", "blorp o'clock")
    assert [c["name"] for c in choices] == [
        "Couldn't read that — try tomorrow 9am, in 2 hours, friday 17:30"
    ]
    every = await sb.autocomplete(finn, "remind add", "every", "sometimes")
    assert every[0]["name"].startswith("Couldn't read that — try daily 07:00")
    passed = await sb.autocomplete(finn, "remind add", "when", "yesterday")
    assert "has passed" in passed[0]["name"]
    refused = await sb.slash(finn, "remind add", when="blorp o'clock", what="x")
    assert refused.ephemeral and "couldn't read" in refused.text and "tomorrow 9am" in refused.text
    past = await sb.slash(finn, "remind add", when="yesterday", what="x")
    assert "has passed" in past.text
    both = await sb.slash(finn, "remind add", when="tomorrow 9am", every="daily 9am", what="x")
    assert "not both" in both.text
    neither = await sb.slash(finn, "remind add", what="x")
    assert "not both" in neither.text
    bad_every = await sb.slash(finn, "remind add", every="sometimes", what="x")
    assert "time of day" in bad_every.text and "weekday 18:30" in bad_every.text
    assert "No reminders" in (await sb.slash(finn, "remind list")).text


async def test_a_member_may_keep_at_most_25(sb: Sandbox) -> None:
    gus = await member_in(sb, "gus", "UTC")
    service = bot_of(sb).services.reminders
    for number in range(MAX_REMINDERS):
        await service.add(
            sb.guild.id, gus.id, what=f"task {number}", when="tomorrow 9am", every=None
        )
    refused = await sb.slash(gus, "remind add", when="tomorrow 10am", what="one more")
    assert refused.ephemeral and "already have 25 reminders" in refused.text
    assert "/remind delete" in refused.text
    assert f"({MAX_REMINDERS} of {MAX_REMINDERS})" in (await sb.slash(gus, "remind list")).text


async def test_help_shows_the_remind_commands_and_moderators_the_new_setup_ones(
    sb: Sandbox,
) -> None:
    from bot.core.help import MENU_PLACEHOLDER

    bob = sb.member("bob")
    remind = await sb.select(bob, await sb.slash(bob, "help"), MENU_PLACEHOLDER, ["/remind"])
    assert "`/remind add what [when] [every]`" in remind.text
    assert "`/remind list`" in remind.text and "`/remind delete reminder`" in remind.text
    mod = sb.member("morgan", moderator=True)
    setup = await sb.select(mod, await sb.slash(mod, "help"), MENU_PLACEHOLDER, ["/setup"])
    assert "`/setup rewards add kind threshold role`" in setup.text
    assert "`/setup leaderboard [channel] [day] [time] [" in setup.text
