from __future__ import annotations

import pytest

from bot.core.clock import FakeClock
from bot.core.errors import UserFacingError
from bot.core.store import Store
from bot.members.service.guilds import GuildService
from bot.members.service.profiles import MemberService

GUILD = 1000


async def test_member_is_created_on_first_use_with_private_defaults(
    store: Store, clock: FakeClock
) -> None:
    members = MemberService(store, clock)
    profile = await members.profile(GUILD, 7)
    assert profile.timezone is None
    assert not profile.dm_opt_in and not profile.profile_public
    assert not profile.leaderboard_opt_in
    assert profile.nudge_mode == "inbox"


async def test_member_timezone_is_canonicalised_and_bad_zones_refused(
    store: Store, clock: FakeClock
) -> None:
    members = MemberService(store, clock)
    assert (await members.set_timezone(GUILD, 7, "europe/berlin")).timezone == "Europe/Berlin"
    with pytest.raises(UserFacingError, match="Did you mean"):
        await members.set_timezone(GUILD, 7, "Europe/Berlinn")
    assert (await members.profile(GUILD, 7)).timezone == "Europe/Berlin"


async def test_dm_bounce_is_cleared_when_the_member_turns_dms_on(
    store: Store, clock: FakeClock
) -> None:
    members = MemberService(store, clock)
    await members.set_dms(GUILD, 7, True)
    await members.mark_dm_unreachable(GUILD, 7)
    assert not (await members.profile(GUILD, 7)).can_dm
    assert (await members.set_dms(GUILD, 7, True)).can_dm


async def test_moderator_check_accepts_manage_server_or_the_configured_role(
    store: Store, clock: FakeClock
) -> None:
    guilds = GuildService(store, clock)
    assert await guilds.is_moderator(GUILD, set(), manage_guild=True)
    assert not await guilds.is_moderator(GUILD, {55}, manage_guild=False)
    await guilds.set_moderator_role(GUILD, 55)
    assert await guilds.is_moderator(GUILD, {55}, manage_guild=False)
    assert not await guilds.is_moderator(GUILD, {56}, manage_guild=False)


async def test_broken_setting_is_marked_once_and_cleared_by_a_new_channel(
    store: Store, clock: FakeClock
) -> None:
    guilds = GuildService(store, clock)
    assert await guilds.mark_broken(GUILD, "daily", "channel deleted")
    assert not await guilds.mark_broken(GUILD, "daily", "channel deleted")
    # A send failure keeps the reason already recorded (the audit's precise diagnosis).
    assert not await guilds.mark_broken(GUILD, "daily", "lost permission", keep_diagnosis=True)
    assert (await guilds.settings(GUILD)).broken["daily"] == "channel deleted"
    assert (await guilds.settings(GUILD)).broken == {"daily": "channel deleted"}
    await guilds.set_channels(GUILD, {"daily": 99})
    settings = await guilds.settings(GUILD)
    assert settings.broken == {}
    assert settings.channels["daily"] == 99
