"""Unit tests of the fake's permission maths and fault patterns (no network)."""

from __future__ import annotations

import discord
import pytest

from bot.sandbox.models import Overwrite
from bot.sandbox.server import FakeDiscord, _glob_to_regex

P = discord.Permissions


def test_permission_overwrites_follow_discords_order() -> None:
    fake = FakeDiscord()
    guild = fake.add_guild("g", ["general", "staff"])
    alice = fake.add_member(guild, "alice", dispatch=False)
    mod = fake.add_member(guild, "mod", moderator=True, dispatch=False)
    staff = guild.channel_named("staff")
    assert staff is not None
    send = P.send_messages.flag
    assert guild.permissions_in(alice, staff) & send
    assert not guild.permissions_in(alice, staff) & P.manage_guild.flag
    assert guild.permissions_in(mod, staff) & P.manage_guild.flag
    # @everyone may not send; the Moderator role may; alice herself is denied viewing.
    assert guild.moderator_role_id is not None
    staff.overwrites = [
        Overwrite(guild.id, 0, deny=send),
        Overwrite(guild.moderator_role_id, 0, allow=send),
    ]
    assert not guild.permissions_in(alice, staff) & send
    assert guild.permissions_in(mod, staff) & send
    staff.overwrites.append(Overwrite(alice.id, 1, deny=P.view_channel.flag))
    assert guild.permissions_in(alice, staff) == 0
    owner = guild.members[guild.owner_id]
    assert guild.permissions_in(owner, staff) == P.all().value


def test_fault_patterns() -> None:
    rx = _glob_to_regex("POST /channels/*/messages")
    assert rx.match("POST /channels/123/messages")
    assert not rx.match("POST /channels/123/messages/456")
    assert not rx.match("GET /channels/123/messages")
    assert _glob_to_regex("/interactions/**").match("POST /interactions/1/tok/callback")
    assert _glob_to_regex("* /users/@me").match("GET /users/@me")


def test_check_bounds_refuses_like_discords_client() -> None:
    from bot.sandbox.payloads import OptionRefused, check_bounds

    number = {"name": "questions", "type": 4, "min_value": 3, "max_value": 6}
    check_bounds(number, 3)
    check_bounds(number, 6)
    for bad in (2, 7):
        with pytest.raises(OptionRefused, match="between 3 and 6"):
            check_bounds(number, bad)
    with pytest.raises(OptionRefused, match="at least 1"):
        check_bounds({"name": "n", "type": 10, "min_value": 1}, 0.5)
    with pytest.raises(OptionRefused, match="at most 2"):
        check_bounds({"name": "n", "type": 4, "max_value": 2}, 3)
    text = {"name": "note", "type": 3, "min_length": 2, "max_length": 4}
    check_bounds(text, "abcd")
    with pytest.raises(OptionRefused, match="at most 4 characters"):
        check_bounds(text, "abcde")
    with pytest.raises(OptionRefused, match="at least 2 characters"):
        check_bounds(text, "a")
    check_bounds({"name": "free", "type": 3}, "x" * 5000)  # nothing declared: anything goes
