"""Role rewards through the fake Discord: a role given once when a member reaches it (within a
minute of the change, and at the daily check), a monthly one taken back at the month's end in
the server's timezone, a role the bot may not give refused up front or reported to moderators
once (no retry storm), and `/setup health` re-arming it once fixed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot import testing
from bot.core.scheduling.roles import RoleChangeFailed
from bot.sandbox import Sandbox
from bot.sandbox.models import FakeMember, FakeRole
from tests.e2e.conftest import bot_of

ROLE_CHANGES = "* /guilds/*/members/*/roles/*"
NOTICE = "A role reward cannot be given"


async def scan(sb: Sandbox) -> None:
    """Let the rewards scan run (it checks the members who changed within a minute)."""
    await testing.advance(bot_of(sb), timedelta(minutes=1))
    await sb.wait_idle()


async def next_day(sb: Sandbox) -> None:
    await testing.advance(bot_of(sb), timedelta(days=1))
    await sb.wait_idle()


async def reward_role(sb: Sandbox, name: str) -> FakeRole:
    """A role below the bot's, and the bot allowed to manage roles."""
    role = sb.add_role(name, position=1)
    sb.set_bot_role(manage_roles=True)
    await sb.wait_idle()
    return role


def notices(sb: Sandbox) -> list[str]:
    return [m.text for m in sb.channel("general").messages if NOTICE in m.text]


def role_changes(sb: Sandbox) -> list[str]:
    return [r.route for r in sb.requests_to(ROLE_CHANGES)]


async def study(sb: Sandbox, member: FakeMember, minutes: int = 20) -> None:
    await sb.slash(member, "log", minutes=minutes, kind="coding")


async def test_a_streak_reward_is_given_once(sb: Sandbox) -> None:
    role = await reward_role(sb, "On a roll")
    mod = sb.member("morgan", moderator=True)
    added = await sb.slash(mod, "setup rewards add", kind="streak", threshold=2, role="On a roll")
    assert added.ephemeral and "Role reward saved" in added.text and "a 2-day streak" in added.text
    alice = sb.member("alice")
    await study(sb, alice)
    await scan(sb)
    assert role.id not in alice.roles and role_changes(sb) == []
    await next_day(sb)
    await study(sb, alice)  # the second study day in a row
    await scan(sb)
    assert role.id in alice.roles
    assert len(role_changes(sb)) == 1 and role_changes(sb)[0].startswith("PUT")
    # More study, the daily check at midnight: never a second grant.
    await next_day(sb)
    await study(sb, alice)
    await scan(sb)
    assert len(role_changes(sb)) == 1
    # A moderator takes it away: the bot does not force it back.
    sb.take_role(alice, role)
    await next_day(sb)
    await study(sb, alice)
    await scan(sb)
    assert role.id not in alice.roles and len(role_changes(sb)) == 1
    listed = await sb.slash(mod, "setup rewards list")
    assert f"<@&{role.id}> — a 2-day streak" in listed.text


async def test_a_reward_added_later_reaches_members_who_already_qualify(sb: Sandbox) -> None:
    alice, bob = sb.member("alice"), sb.member("bob")
    await study(sb, alice, 120)
    await study(sb, bob, 30)
    role = await reward_role(sb, "Two hours in")
    mod = sb.member("morgan", moderator=True)
    await sb.slash(mod, "setup rewards add", kind="hours", threshold=2, role=role.name)
    await scan(sb)
    assert role.id in alice.roles and role.id not in bob.roles


async def test_a_whole_guild_check_reads_streaks_in_slices_across_timezones(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check of every member reads the streaks a slice at a time (here one member per
    slice) and computes each member's day in their own zone."""
    from bot.rewards import store

    monkeypatch.setattr(store, "STREAM_PARTITION", 1)
    zones = ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "")
    members = [sb.member(f"member{index}") for index in range(len(zones))]
    for member, zone in zip(members, zones, strict=True):
        if zone:
            await sb.slash(member, "settings timezone", zone=zone)
        await study(sb, member)
    await next_day(sb)
    for member in members[:-1]:  # two study days in a row, each in their own calendar
        await study(sb, member)
    role = await reward_role(sb, "On a roll")
    mod = sb.member("morgan", moderator=True)
    await sb.slash(mod, "setup rewards add", kind="streak", threshold=2, role=role.name)
    await scan(sb)
    assert [role.id in member.roles for member in members] == [True, True, True, False]


async def test_a_monthly_reward_is_taken_back_at_the_months_end_in_server_time(
    sb: Sandbox,
) -> None:
    role = await reward_role(sb, "Busy month")
    mod = sb.member("morgan", moderator=True)
    await sb.slash(mod, "setup timezone", zone="Europe/Berlin")
    await sb.slash(mod, "setup rewards add", kind="month_hours", threshold=1, role="Busy month")
    alice = sb.member("alice")
    await study(sb, alice, 60)
    await scan(sb)
    assert role.id in alice.roles
    # April starts at 00:00 in Berlin, summer time: 22:00 UTC on 31 March.
    bot = bot_of(sb)
    testing.jump_to(bot, datetime(2026, 3, 31, 20, 0, tzinfo=UTC))
    await testing.advance_to(bot, datetime(2026, 3, 31, 21, 59, tzinfo=UTC))
    await sb.wait_idle()
    assert role.id in alice.roles
    await testing.advance_to(bot, datetime(2026, 3, 31, 22, 0, tzinfo=UTC))
    await sb.wait_idle()
    assert role.id not in alice.roles
    assert [c.split()[0] for c in role_changes(sb)] == ["PUT", "DELETE"]
    # An hour of study in April gives it back, for April.
    await study(sb, alice, 60)
    await scan(sb)
    assert role.id in alice.roles and len(role_changes(sb)) == 3


async def test_a_month_end_missed_while_down_is_caught_up_at_start(sb: Sandbox) -> None:
    role = await reward_role(sb, "Busy month")
    mod = sb.member("morgan", moderator=True)
    await sb.slash(mod, "setup rewards add", kind="month_hours", threshold=1, role="Busy month")
    alice = sb.member("alice")
    await study(sb, alice, 60)
    await scan(sb)
    assert role.id in alice.roles
    testing.jump_to(bot_of(sb), datetime(2026, 4, 2, 9, 0, tzinfo=UTC))
    await sb.restart_bot()
    await sb.wait_idle()
    assert role.id not in alice.roles


async def test_missing_manage_roles_is_reported_once_and_not_retried(sb: Sandbox) -> None:
    role = await reward_role(sb, "Shipper")
    mod = sb.member("morgan", moderator=True)
    await sb.slash(mod, "setup rewards add", kind="hours", threshold=1, role="Shipper")
    sb.set_bot_role(manage_roles=False)  # someone takes Manage Roles away afterwards
    alice, bob = sb.member("alice"), sb.member("bob")
    await study(sb, alice, 60)
    await scan(sb)
    assert role.id not in alice.roles
    assert len(notices(sb)) == 1 and "Manage Roles" in notices(sb)[0]
    assert role_changes(sb) == []  # the cache said no: nothing sent that Discord refuses
    health = await sb.slash(mod, "setup health")
    assert "role reward" in health.text and "missing Manage Roles" in health.text
    shown = await sb.slash(mod, "setup show")
    assert "1 cannot be given" in shown.text
    # Another member crosses, the daily check runs: no second notice, no request.
    await study(sb, bob, 60)
    await scan(sb)
    await next_day(sb)
    assert len(notices(sb)) == 1 and role_changes(sb) == []
    assert "cannot be given" in (await sb.slash(mod, "setup rewards list")).text
    # Fixed: the health check re-arms it and both members get the role.
    sb.set_bot_role(manage_roles=True)
    await sb.wait_idle()
    health = await sb.slash(mod, "setup health")
    assert "missing Manage Roles" not in health.text
    await scan(sb)
    assert role.id in alice.roles and role.id in bob.roles
    assert len(notices(sb)) == 1


async def test_discords_refusal_marks_the_reward_broken_once(sb: Sandbox) -> None:
    """A change the cache has not seen yet: Discord's 403 50013 is handled the same way."""
    await reward_role(sb, "Shipper")
    mod = sb.member("morgan", moderator=True)
    await sb.slash(mod, "setup rewards add", kind="hours", threshold=1, role="Shipper")
    sb.fail_next("PUT /guilds/*/members/*/roles/*", 403, code=50013, times=5)
    alice, bob = sb.member("alice"), sb.member("bob")
    await study(sb, alice, 60)
    await study(sb, bob, 60)
    await scan(sb)
    assert len(role_changes(sb)) == 1  # the first refusal stops the reward
    assert len(notices(sb)) == 1
    rewards = await bot_of(sb).services.rewards.rewards(sb.guild.id)
    assert rewards[0].broken is not None and "Discord refused" in rewards[0].broken


async def test_a_role_the_bot_cannot_give_is_refused_up_front(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    sb.add_role("Admins")  # created on top: above the bot's role
    sb.set_bot_role(manage_roles=True)
    await sb.wait_idle()
    refused = await sb.slash(mod, "setup rewards add", kind="streak", threshold=7, role="Admins")
    assert refused.ephemeral and "not below my highest role" in refused.text
    sb.add_role("Low", position=1)
    sb.set_bot_role(manage_roles=False)
    await sb.wait_idle()
    refused = await sb.slash(mod, "setup rewards add", kind="streak", threshold=7, role="Low")
    assert "missing Manage Roles" in refused.text
    assert "None yet" in (await sb.slash(mod, "setup rewards list")).text


async def test_remove_and_refusals(sb: Sandbox) -> None:
    await reward_role(sb, "Week")
    await reward_role(sb, "Month")
    mod = sb.member("morgan", moderator=True)
    await sb.slash(mod, "setup rewards add", kind="streak", threshold=7, role="Week")
    again = await sb.slash(mod, "setup rewards add", kind="streak", threshold=30, role="Week")
    assert "already the reward for a 7-day streak" in again.text
    kinds = await sb.autocomplete(mod, "setup rewards add", "kind", "month")
    assert [c["name"] for c in kinds] == ["Study hours this month"]
    unknown = await sb.slash(mod, "setup rewards add", kind="karma", threshold=3, role="Month")
    assert unknown.ephemeral and "Pick the kind" in unknown.text
    too_many = await sb.slash(
        mod, "setup rewards add", kind="month_hours", threshold=800, role="Month"
    )
    assert "must be 1 to 744" in too_many.text
    await sb.slash(mod, "setup rewards add", kind="streak", threshold=30, role="Month")
    choices = await sb.autocomplete(mod, "setup rewards remove", "reward", "week")
    assert [c["name"] for c in choices] == ["@Week — a 7-day streak"]
    removed = await sb.slash(mod, "setup rewards remove", reward=choices[0]["value"])
    assert "Role reward removed" in removed.text and "keep it" in removed.text
    listed = await sb.slash(mod, "setup rewards list")
    assert "30-day streak" in listed.text and "7-day streak" not in listed.text
    missing = await sb.slash(mod, "setup rewards remove", reward="999")
    assert "no such reward" in missing.text
    member = sb.member("alice")
    refused = await sb.slash(member, "setup rewards list")
    assert refused.ephemeral and "Role rewards" not in refused.text


async def test_role_grants_are_classified(sb: Sandbox) -> None:
    """Discord's answers, as the rewards see them: a member who left, a deleted role."""
    role = await reward_role(sb, "Any")
    grants = bot_of(sb).services.rewards.roles
    alice = sb.member("alice")
    await sb.wait_idle()
    with pytest.raises(RoleChangeFailed) as gone:
        await grants.change(sb.guild.id, 12345, role.id, give=True, reason="test")
    assert gone.value.member_gone
    with pytest.raises(RoleChangeFailed) as deleted:
        await grants.change(sb.guild.id, alice.id, 999, give=True, reason="test")
    assert deleted.value.permanent and "no longer exists" in deleted.value.reason
    assert grants.problem(sb.guild.id, 999) == "its role no longer exists"
