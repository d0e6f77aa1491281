"""Who sees what: members, moderators, other servers' members, and visitors without a login."""

from __future__ import annotations

from tests.web.conftest import WebRig


async def test_member_logs_in_and_sees_their_servers_and_progress(web: WebRig) -> None:
    alice = web.sb.member("alice")
    landed = await web.login(alice)
    assert landed.status_code == 303 and landed.headers["location"] == "/"
    home = await web.client.get("/")
    assert "Study Lab" in home.text and "Other Lab" not in home.text
    assert f"/g/{web.guild_id}/me" in home.text
    assert f"/g/{web.guild_id}/settings" not in home.text  # not a moderator
    me = await web.client.get(f"/g/{web.guild_id}/me")
    assert me.status_code == 200 and "My progress" in me.text and "alice" in me.text


async def test_member_is_refused_every_moderator_page(web: WebRig) -> None:
    await web.login(web.sb.member("alice"))
    g = web.guild_id
    for path in (f"/g/{g}/overview", f"/g/{g}/content", f"/g/{g}/settings"):
        page = await web.client.get(path)
        assert page.status_code == 403, path
        assert "for the server&#39;s moderators" in page.text
    refused = await web.post(f"/g/{g}/settings/streak", {"minutes": "30"}, page=f"/g/{g}/me")
    assert refused.status_code == 403
    assert await web.bot().services.daily.study_minutes(g) == 15


async def test_moderator_sees_the_moderator_pages(web: WebRig) -> None:
    await web.login(web.sb.member("morgan"))
    g = web.guild_id
    for path, marker in (
        (f"/g/{g}/overview", "Study hours per week"),
        (f"/g/{g}/content", "Upload a pack"),
        (f"/g/{g}/settings", "Moderator role"),
    ):
        page = await web.client.get(path)
        assert page.status_code == 200, (path, page.text[:300])
        assert marker in page.text


async def test_another_servers_pages_look_like_nothing_is_there(web: WebRig) -> None:
    await web.login(web.sb.member("alice"))
    other = web.other.id
    unknown = await web.client.get("/g/4242/me")
    for suffix in ("me", "overview", "content", "settings", "me/export.json", "me/export.csv"):
        page = await web.client.get(f"/g/{other}/{suffix}")
        assert page.status_code == 404, suffix
        assert page.text == unknown.text  # exactly like a server that does not exist
        assert "Other Lab" not in page.text and "secret-plans" not in page.text


async def test_moderator_role_is_checked_on_every_request(web: WebRig) -> None:
    bob = web.sb.member("bob")
    helpers = web.sb.add_role("Helpers")
    await web.bot().services.guilds.set_moderator_role(web.guild_id, helpers.id)
    await web.login(bob)
    path = f"/g/{web.guild_id}/settings"
    assert (await web.client.get(path)).status_code == 403
    web.sb.give_role(bob, helpers)
    assert (await web.client.get(path)).status_code == 200  # no new login needed
    web.sb.take_role(bob, helpers)
    assert (await web.client.get(path)).status_code == 403  # and taken away at once


async def test_a_guild_page_without_a_login_asks_to_log_in_then_returns(web: WebRig) -> None:
    path = f"/g/{web.guild_id}/me"
    first = await web.client.get(path)
    assert first.status_code == 303
    assert first.headers["location"] == f"/login?next=%2Fg%2F{web.guild_id}%2Fme"
    web.sb.fake.oauth.auto_user = web.sb.member("alice").user
    start = await web.client.get(first.headers["location"])
    import httpx

    async with httpx.AsyncClient() as discord:
        approved = await discord.get(start.headers["location"])
    back = approved.headers["location"].split("/auth/callback", 1)[1]
    landed = await web.client.get(f"/auth/callback{back}")
    assert landed.headers["location"] == path


async def test_a_callback_with_a_wrong_state_logs_nobody_in(web: WebRig) -> None:
    await web.client.get("/login")
    page = await web.client.get("/auth/callback?code=x&state=forged")
    assert page.status_code == 400 and "did not complete" in page.text
    assert (await web.client.get(f"/g/{web.guild_id}/me")).status_code == 303


async def test_logout_needs_the_csrf_token_and_ends_the_session(web: WebRig) -> None:
    await web.login(web.sb.member("alice"))
    forged = await web.client.post("/logout", data={"csrf": "forged"})
    assert forged.status_code == 403
    assert (await web.client.get(f"/g/{web.guild_id}/me")).status_code == 200
    done = await web.post("/logout", {}, page="/")
    assert done.status_code == 303
    assert (await web.client.get(f"/g/{web.guild_id}/me")).status_code == 303
