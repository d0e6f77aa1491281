"""End-to-end tests of the fake Discord + driver with a real discord.py bot (SampleBot)."""

from __future__ import annotations

import discord
import pytest
from samplebot import SampleBot

from bot.sandbox import NoResponse, Sandbox


async def test_ready_and_commands_synced(sb: Sandbox) -> None:
    # Reached ready; how fast is a benchmark figure (benchmarks/), not a test.
    assert sb.startup_seconds is not None
    assert sb.bot is not None and sb.bot.is_ready()
    guild = sb.bot.get_guild(sb.guild.id)
    assert guild is not None and guild.name == "Study Lab"
    assert {c.name for c in guild.text_channels} == {
        "general",
        "daily",
        "accountability",
        "interview",
    }
    assert guild.me.guild_permissions.send_messages
    names = {c["name"] for c in sb.commands}
    assert {"settings", "log", "announce", "counter"} <= names
    assert all(c["id"] and c["application_id"] for c in sb.commands)
    announce = next(c for c in sb.commands if c["name"] == "announce")
    assert announce["default_member_permissions"] == str(discord.Permissions.manage_guild.flag)


async def test_slash_ephemeral_with_embed_and_buttons(sb: Sandbox) -> None:
    alice = sb.member("alice", tz="Europe/Berlin")
    assert alice.tz == "Europe/Berlin"
    reply = await sb.slash(alice, "settings timezone", zone="Europe/Berlin")
    assert reply.ephemeral
    assert reply.embeds[0]["title"] == "Timezone saved"
    assert "midnight Europe/Berlin" in reply.text
    assert reply.buttons == ["Hint", "Done"]
    # ephemeral answers are not channel posts
    assert sb.channel("general").messages == []
    assert sb.errors == []


async def test_slash_public_with_typed_options(sb: Sandbox) -> None:
    bob = sb.member("bob")
    reply = await sb.slash(bob, "log", minutes="45", kind="course", topic="linalg", public=True)
    assert not reply.ephemeral
    assert reply.content == "Logged 45 min of course on linalg."
    assert [m.content for m in sb.channel("general").messages] == [reply.content]
    sent = reply.interaction.data["options"]
    assert {o["name"]: o["value"] for o in sent} == {
        "minutes": 45,
        "kind": "course",
        "topic": "linalg",
        "public": True,
    }
    with pytest.raises(ValueError, match="not one of"):
        await sb.slash(bob, "log", minutes=5, kind="gaming")
    with pytest.raises(ValueError, match="required"):
        await sb.slash(bob, "log", kind="course")


async def test_member_option_resolves(sb: Sandbox) -> None:
    alice, bob = sb.member("alice"), sb.member("bob")
    reply = await sb.slash(alice, "whois", member=bob)  # an option may be called "member"
    assert reply.content == f"bob ({bob.id})"


async def test_button_click_new_message_and_update(sb: Sandbox) -> None:
    alice = sb.member("alice")
    reply = await sb.slash(alice, "settings timezone", zone="UTC")
    hint = await sb.click(alice, reply, "Hint")
    assert hint.ephemeral and hint.content == "Think about the base case."
    assert hint.message_id != reply.message_id
    done = await sb.click(alice, reply, "Done")
    assert done.message_id == reply.message_id
    assert done.content == "Finished!" and done.components == []
    assert reply.content == "Finished!"  # replies are live views


async def test_select(sb: Sandbox) -> None:
    alice = sb.member("alice")
    reply = await sb.slash(alice, "settings timezone", zone="UTC")
    picked = await sb.select(alice, reply, "Pick a level", ["Hard"])
    assert picked.content == "level=hard"


async def test_dynamic_item_survives_restart(sb: Sandbox) -> None:
    alice = sb.member("alice")
    reply = await sb.slash(alice, "counter")
    assert reply.buttons == ["Count 0"]
    first_bot = sb.bot
    await sb.restart_bot()
    assert sb.bot is not first_bot and sb.bot is not None and sb.bot.is_ready()
    clicked = await sb.click(alice, reply, "Count 0")
    assert clicked.content == "count is 1"
    assert clicked.buttons == ["Count 1"]
    again = await sb.click(alice, clicked, "counter:1")
    assert again.content == "count is 2"


async def test_modal_submit(sb: Sandbox) -> None:
    alice = sb.member("alice")
    opened = await sb.slash(alice, "project")
    assert opened.modal is not None and opened.modal["title"] == "New project"
    with pytest.raises(ValueError, match="required"):
        await sb.submit_modal(alice, opened, {"Notes": "x"})
    done = await sb.submit_modal(alice, opened, {"Title": "Tiny GPT", "Notes": "from scratch"})
    assert done.ephemeral
    assert "Project started" in done.text and "Notes: from scratch" in done.text


async def test_autocomplete(sb: Sandbox) -> None:
    alice = sb.member("alice")
    choices = await sb.autocomplete(alice, "settings timezone", "zone", "euro")
    assert [c["value"] for c in choices] == ["Europe/Berlin", "Europe/London"]


async def test_deferred_command_with_followups(sb: Sandbox) -> None:
    alice = sb.member("alice")
    reply = await sb.slash(alice, "report")
    assert reply.deferred and reply.ephemeral
    assert reply.content == "Your report is ready."
    assert [f.content for f in reply.followups] == ["Second page."]
    assert all(f.ephemeral for f in reply.followups)


async def test_reconnect_resumes_and_commands_still_work(sb: Sandbox) -> None:
    alice = sb.member("alice")
    await sb.reconnect()
    assert any(op == 6 for op, _ in sb.fake.gateway_ops)
    assert sb.fake.identify_count == 1
    reply = await sb.slash(alice, "log", minutes=10, kind="reading")
    assert reply.content == "Logged 10 min of reading."


async def test_dropped_gateway_replays_missed_events(sb: Sandbox) -> None:
    assert sb.bot is not None
    bot = sb.bot
    assert isinstance(bot, SampleBot)
    resumes = sb.fake.resume_count
    await sb.fake.drop_gateway()
    carol = sb.member("carol")  # GUILD_MEMBER_ADD while disconnected: buffered
    await sb.fake.wait_for(lambda: sb.fake.resume_count > resumes, 5, "resume")
    await sb.wait_idle()
    assert carol.id in bot.joined
    reply = await sb.slash(carol, "log", minutes=1, kind="course")
    assert "Logged 1 min" in reply.content


async def test_invalid_session_reidentifies(sb: Sandbox) -> None:
    alice = sb.member("alice")
    await sb.invalid_session()
    assert sb.fake.identify_count == 2
    reply = await sb.slash(alice, "log", minutes=2, kind="course")
    assert "Logged 2 min" in reply.content


async def test_429_is_retried_and_message_lands_once(sb: Sandbox) -> None:
    mod = sb.member("mod", moderator=True)
    sb.fail_next("POST /channels/*/messages", 429, retry_after=0.01)
    reply = await sb.slash(mod, "announce", channel="daily", text="Daily prompt")
    assert reply.content == "Posted."
    posts = [
        r for r in sb.requests_to("POST /channels/*/messages") if "Daily prompt" in str(r.json)
    ]
    assert [r.status for r in posts] == [429, 200]
    daily = sb.channel("daily").messages
    assert [m.content for m in daily] == ["Daily prompt"]
    assert sb.fake.rate_limited_count == 1


async def test_thread_opened_on_post(sb: Sandbox) -> None:
    mod = sb.member("mod", moderator=True)
    await sb.slash(mod, "announce", channel="daily", text="Weekly check-in")
    post = sb.channel("daily").messages[0]
    assert post.thread is not None
    assert post.thread.name == "Weekly check-in thread"
    assert [m.content for m in post.thread.messages] == ["Discuss here."]
    assert sb.thread("Weekly check-in thread").id == post.thread.id


async def test_missing_send_permission_is_forbidden_50013(sb: Sandbox) -> None:
    bot = sb.bot
    assert isinstance(bot, SampleBot)
    mod = sb.member("mod", moderator=True)
    sb.set_bot_permissions("daily", send_messages=False)
    reply = await sb.slash(mod, "announce", channel="daily", text="hello")
    assert reply.content == "I can't post there (missing permissions)."
    assert bot.forbidden == [50013]
    assert sb.channel("daily").messages == []
    # the bot's cache saw the overwrite too
    channel = bot.get_channel(sb.channel("daily").id)
    assert isinstance(channel, discord.TextChannel)
    assert not channel.permissions_for(channel.guild.me).send_messages


async def test_injected_forbidden_and_server_error(sb: Sandbox) -> None:
    bot = sb.bot
    assert isinstance(bot, SampleBot)
    mod = sb.member("mod", moderator=True)
    sb.fail_next("POST /channels/*/messages", 403, code=50013)
    reply = await sb.slash(mod, "announce", channel="daily", text="x")
    assert bot.forbidden == [50013] and "can't post" in reply.content
    sb.fail_next("POST /channels/*/messages", 503)
    reply = await sb.slash(mod, "announce", channel="daily", text="y")
    assert "Something went wrong" in reply.content


async def test_dm_closed_is_50007_and_open_dm_lands(sb: Sandbox) -> None:
    bot = sb.bot
    assert isinstance(bot, SampleBot)
    alice = sb.member("alice")
    shy = sb.member("shy", dms_open=False)
    ok = await sb.slash(alice, "remind", text="review FSRS")
    assert ok.content == "Sent you a DM."
    assert [m.content for m in sb.dms(alice)] == ["Reminder: review FSRS"]
    closed = await sb.slash(shy, "remind", text="x")
    assert closed.content == "Your DMs are closed."
    assert bot.forbidden == [50007]
    assert sb.dms(shy) == []


async def test_non_moderator_refused(sb: Sandbox) -> None:
    alice = sb.member("alice")
    reply = await sb.slash(alice, "announce", channel="daily", text="hi")
    assert reply.ephemeral and reply.content == "You need Manage Server for that."
    assert sb.channel("daily").messages == []
    member_payload = sb.fake.dispatched[-1][2]["member"]
    assert not int(member_payload["permissions"]) & discord.Permissions.manage_guild.flag


async def test_allowed_mentions_recorded(sb: Sandbox) -> None:
    mod, alice = sb.member("mod", moderator=True), sb.member("alice")
    await sb.slash(mod, "announce", channel="daily", text="plain")
    await sb.slash(mod, "announce", channel="accountability", text="ping", ping=alice)
    plain = sb.channel("daily").messages[0]
    assert plain.allowed_mentions == {"parse": []}
    pinged = sb.channel("accountability").messages[0]
    assert pinged.content == f"{alice.mention} ping"
    assert pinged.allowed_mentions is not None
    assert pinged.allowed_mentions["users"] == [alice.id]


async def test_attachment_option_and_file_reply(sb: Sandbox) -> None:
    alice = sb.member("alice")
    reply = await sb.slash(alice, "upload", file=("notes.txt", b"abc"))
    assert reply.content == "notes.txt: 3 bytes"
    assert reply.files == [("reversed.bin", b"cba")]
    uploads = sb.requests_to("POST /interactions/*/*/callback")[-1]
    assert uploads.files == [("reversed.bin", b"cba")]


async def test_no_response_is_reported_fast(sb: Sandbox) -> None:
    alice = sb.member("alice")
    with pytest.raises(NoResponse, match="without responding"):
        await sb.slash(alice, "silent")
    reply = await sb.slash(alice, "boom")
    assert "Something went wrong" in reply.content


async def test_gateway_events_reach_the_bot(sb: Sandbox) -> None:
    bot = sb.bot
    assert isinstance(bot, SampleBot)
    alice = sb.member("alice")
    await sb.wait_idle()
    assert bot.joined == [alice.id]
    posted = await sb.post_message(alice, "general")
    assert bot.seen_messages == [posted.message_id]
    daily = sb.channel("daily")
    await sb.delete_channel("daily")
    assert bot.deleted_channels == [daily.id]
    assert bot.get_channel(daily.id) is None
    await sb.member_leave(alice)
    assert bot.left == [alice.id]


async def test_message_to_deleted_channel_is_10003(sb: Sandbox) -> None:
    assert sb.bot is not None
    channel = sb.bot.get_channel(sb.channel("interview").id)
    assert isinstance(channel, discord.TextChannel)
    await sb.fake.delete_channel(sb.channel("interview").raw)  # the bot's cache still has it
    with pytest.raises(discord.NotFound) as info:
        await channel.send("hello?")
    assert info.value.code == 10003


async def test_unknown_route_fails_teardown() -> None:
    sandbox = Sandbox(SampleBot)
    await sandbox.start()
    try:
        assert sandbox.bot is not None
        with pytest.raises(discord.NotFound):
            await sandbox.bot.http.request(discord.http.Route("GET", "/sandbox/not-a-route"))
    finally:
        with pytest.raises(AssertionError, match="GET /sandbox/not-a-route"):
            await sandbox.close()
    assert discord.http.Route.BASE == "https://discord.com/api/v10"


async def test_guild_synced_commands() -> None:
    holder: dict[str, int] = {}

    def factory() -> SampleBot:
        return SampleBot(dev_guild_id=holder["guild"])

    sandbox = Sandbox(factory)
    holder["guild"] = sandbox.guild.id
    async with sandbox as sb:
        assert sb.fake.global_commands == []
        assert sb.fake.guild_commands[sb.guild.id]
        reply = await sb.slash(sb.member("alice"), "log", minutes=3, kind="course")
        assert reply.interaction.data["guild_id"] == str(sb.guild.id)
        assert "Logged 3 min" in reply.content


async def test_rate_limit_mode_counts_and_paces(sb: Sandbox) -> None:
    assert sb.bot is not None
    mode = sb.fake.enable_rate_limits(limit=2, per=0.05)
    channel = sb.bot.get_channel(sb.channel("general").id)
    assert isinstance(channel, discord.TextChannel)
    for i in range(4):
        await channel.send(f"m{i}")
    assert [m.content for m in sb.channel("general").messages] == ["m0", "m1", "m2", "m3"]
    # discord.py read the X-RateLimit headers and waited instead of hitting the limit
    assert mode.route_429s == 0
    sent = sb.requests_to("POST /channels/*/messages")
    assert [r.status for r in sent] == [200, 200, 200, 200]


async def test_global_rate_limit_is_retried(sb: Sandbox) -> None:
    assert sb.bot is not None
    # A window wide enough that three sends fall in it even on a busy machine (a 50 ms window
    # let them slip through one at a time under load); the retry waits out the rest of it.
    mode = sb.fake.enable_rate_limits(limit=100, per=1.0, global_limit=2, global_per=1.0)
    channel = sb.bot.get_channel(sb.channel("general").id)
    assert isinstance(channel, discord.TextChannel)
    for i in range(3):
        await channel.send(f"g{i}")
    assert [m.content for m in sb.channel("general").messages] == ["g0", "g1", "g2"]
    assert mode.global_429s >= 1 and sb.fake.rate_limited_count == mode.global_429s


async def test_webhook_edit_and_followup_routes(sb: Sandbox) -> None:
    alice = sb.member("alice")
    reply = await sb.slash(alice, "edits")
    assert reply.content == "step 1" and reply.ephemeral
    assert [f.content for f in reply.followups] == ["temp edited", "kept (original said step 1)"]
    temp, kept = reply.followups
    assert temp.deleted and temp.ephemeral
    assert not kept.ephemeral
    assert [m.content for m in sb.channel("general").messages] == [kept.content]


async def test_plain_rest_routes(sb: Sandbox) -> None:
    alice = sb.member("alice")
    reply = await sb.slash(alice, "housekeeping")
    assert reply.content.startswith("history=1 member=alice channels=4 roles=3 app=StudyBot")
    post = sb.channel("general").messages[0]
    assert post.content == "edited" and post.edited
    assert post.message is not None and post.message.reactions == {"✅": {sb.fake.bot_user.id}}


async def test_configured_role_and_global_429(sb: Sandbox) -> None:
    alice = sb.member("alice")
    assert (await sb.slash(alice, "helper")).content == "no"
    helpers = sb.add_role("Helpers")
    sb.give_role(alice, helpers)
    sb.fail_next("POST /interactions/**", 429, global_=True)
    assert (await sb.slash(alice, "helper")).content == "welcome"
    callbacks = sb.requests_to("POST /interactions/*/*/callback")
    assert [r.status for r in callbacks[-2:]] == [429, 200]


async def test_startup_chunking_is_answered() -> None:
    def factory() -> SampleBot:
        bot = SampleBot()
        bot._connection._chunk_guilds = True  # as chunk_guilds_at_startup=True would
        return bot

    sandbox = Sandbox(factory)
    alice = sandbox.member("alice")
    sandbox.guild.members_in_guild_create = False
    async with sandbox as sb:
        assert sb.startup_seconds is not None  # reached ready; its speed: benchmarks/
        assert any(op == 8 for op, _ in sb.fake.gateway_ops)
        assert sb.bot is not None
        guild = sb.bot.get_guild(sb.guild.id)
        assert guild is not None and guild.chunked
        assert guild.get_member(alice.id) is not None


async def test_unsynced_tree_is_mirrored() -> None:
    async with Sandbox(lambda: SampleBot(sync=False)) as sb:
        assert not any(r.method == "PUT" for r in sb.requests)
        reply = await sb.slash(sb.member("alice"), "log", minutes=4, kind="course")
        assert "Logged 4 min" in reply.content


async def test_others_cannot_click_an_ephemeral_message(sb: Sandbox) -> None:
    alice, bob = sb.member("alice"), sb.member("bob")
    reply = await sb.slash(alice, "settings timezone", zone="UTC")
    with pytest.raises(LookupError, match="cannot see"):
        await sb.click(bob, reply, "Hint")
    public = await sb.slash(alice, "counter")
    assert (await sb.click(bob, public, "Count 0")).content == "count is 1"


async def test_role_grants_follow_discords_permission_and_hierarchy(sb: Sandbox) -> None:
    assert sb.bot is not None
    http = sb.bot.http
    alice = sb.member("alice")
    below = sb.add_role("Streak 7", position=1)
    above = sb.add_role("Admins")  # created on top: above the bot's role
    await sb.wait_idle()
    # The bot was invited without Manage Roles: 403 50013, the member keeps her roles.
    with pytest.raises(discord.Forbidden) as refused:
        await http.add_role(sb.guild.id, alice.id, below.id)
    assert refused.value.code == 50013 and below.id not in alice.roles
    sb.set_bot_role(manage_roles=True)
    await sb.wait_idle()
    await http.add_role(sb.guild.id, alice.id, below.id)
    assert below.id in alice.roles
    # The bot's cache followed the grant (GUILD_MEMBER_UPDATE) and its role (GUILD_ROLE_UPDATE).
    await sb.wait_idle()
    guild = sb.bot.get_guild(sb.guild.id)
    assert guild is not None and guild.me.guild_permissions.manage_roles
    member = guild.get_member(alice.id)
    assert member is not None and below.id in {role.id for role in member.roles}
    # A role at or above the bot's highest role: 50013 too.
    with pytest.raises(discord.Forbidden):
        await http.add_role(sb.guild.id, alice.id, above.id)
    sb.set_bot_role(position=0)  # the bot's role moved below "Streak 7"
    await sb.wait_idle()
    with pytest.raises(discord.Forbidden):
        await http.remove_role(sb.guild.id, alice.id, below.id)
    sb.set_bot_role(position=5)
    await sb.wait_idle()
    await http.remove_role(sb.guild.id, alice.id, below.id)
    assert below.id not in alice.roles
    with pytest.raises(discord.NotFound) as unknown:
        await http.add_role(sb.guild.id, alice.id, 12345)
    assert unknown.value.code == 10011
