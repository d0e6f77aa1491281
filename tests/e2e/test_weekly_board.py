"""The public weekly board through the fake Discord: opted-in members only, posted once a
week per server (a restart, a moved day), and `/setup leaderboard` refusing what it cannot
do."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot import testing
from bot.sandbox import Sandbox
from tests.e2e.conftest import bot_of

BOARD = "Weekly board ·"


def boards(sb: Sandbox) -> list[str]:
    return [m.text for m in sb.channel("accountability").messages if BOARD in m.text]


async def advance_to(sb: Sandbox, instant: datetime) -> None:
    await testing.advance_to(bot_of(sb), instant)
    await sb.wait_idle()


async def test_the_board_lists_opted_in_members_only_and_is_posted_once_a_week(
    sb: Sandbox,
) -> None:
    mod = sb.member("morgan", moderator=True)
    alice, bob = sb.member("alice"), sb.member("bob")
    await sb.slash(alice, "settings leaderboard", enabled=True)
    await sb.slash(alice, "log", minutes=90, kind="coding")
    await sb.slash(bob, "log", minutes=240, kind="course")  # bob did not opt in
    saved = await sb.slash(mod, "setup leaderboard", channel="accountability", day="mon")
    assert saved.ephemeral and "Mondays at 18:00 (UTC)" in saved.text
    assert "opted in" in saved.text
    await advance_to(sb, datetime(2026, 3, 2, 17, 59, tzinfo=UTC))
    assert boards(sb) == []
    await advance_to(sb, datetime(2026, 3, 2, 18, 0, tzinfo=UTC))
    posted = boards(sb)
    assert len(posted) == 1
    assert "Weekly board · 24 Feb – 2 Mar" in posted[0]
    assert f"<@{alice.id}> — 1 h 30 min" in posted[0]
    assert str(bob.id) not in posted[0]
    assert "1 member opted in" in posted[0]
    board_message = sb.channel("accountability").messages[-1]
    assert board_message.allowed_mentions == {"parse": []}
    # A restart in the catch-up window, then the day moved to Tuesday: still one this week.
    await sb.restart_bot()
    await sb.wait_idle()
    await sb.slash(mod, "setup leaderboard", day="tue")
    await advance_to(sb, datetime(2026, 3, 3, 18, 30, tzinfo=UTC))
    assert len(boards(sb)) == 1
    # The next week's board comes on its day.
    await advance_to(sb, datetime(2026, 3, 10, 18, 0, tzinfo=UTC))
    assert len(boards(sb)) == 2
    shown = await sb.slash(mod, "setup show")
    assert "Weekly board" in shown.text and "Tuesdays at 18:00" in shown.text


async def test_setup_leaderboard_needs_a_channel_and_can_be_turned_off(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    refused = await sb.slash(mod, "setup leaderboard", day="fri")
    assert refused.ephemeral and "Pick the channel" in refused.text
    sb.set_bot_permissions("daily", send_messages=False)
    await sb.wait_idle()
    unusable = await sb.slash(mod, "setup leaderboard", channel="daily")
    assert "missing Send Messages" in unusable.text
    await sb.slash(mod, "setup leaderboard", channel="accountability", day="mon", time="09:30")
    off = await sb.slash(mod, "setup leaderboard", enabled=False)
    assert "Weekly board off" in off.text
    await testing.advance(bot_of(sb), timedelta(days=8))
    await sb.wait_idle()
    assert boards(sb) == []
    member = sb.member("alice")
    assert "Weekly board" not in (await sb.slash(member, "setup leaderboard", enabled=True)).text
