"""Headers, CSRF, body size, login rate limit, cookies — and the pieces they are made of."""

from __future__ import annotations

import httpx
import pytest

from bot.web.render import MAX_BODY_BYTES
from bot.web.security import RateLimiter, csrf_ok, csrf_token
from tests.web.conftest import WebRig


def _assert_secure_headers(response: httpx.Response) -> None:
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"


async def test_every_kind_of_response_carries_the_security_headers(web: WebRig) -> None:
    responses = [
        await web.client.get("/"),
        await web.client.get("/static/style.css"),
        await web.client.get("/no/such/page"),
        await web.client.get(f"/board/{web.guild_id}"),  # 404 while the board is off
        await web.client.post("/logout", data={"csrf": "x"}),  # 403
    ]
    await web.login(web.sb.member("alice"))
    responses.append(await web.client.get(f"/g/{web.guild_id}/me"))
    for response in responses:
        _assert_secure_headers(response)
    assert "<script" not in responses[-1].text  # no inline (or any) script on a page


async def test_the_session_cookie_is_httponly_lax_and_signed(web: WebRig) -> None:
    landed = await web.login(web.sb.member("alice"))
    cookie = landed.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie  # served over http here; https adds it (next test)
    name, value = landed.headers["set-cookie"].split(";", 1)[0].split("=", 1)
    web.client.cookies.set(name, value[:-3] + "AAA")  # tampered signature
    assert (await web.client.get(f"/g/{web.guild_id}/me")).status_code == 303  # logged out


async def test_cookies_are_secure_when_the_public_address_is_https(web: WebRig) -> None:
    from bot.web.app import create_app
    from bot.web.context import WebContext

    ctx = web.dashboard.context
    settings = ctx.settings.model_copy(update={"web_public_url": "https://study.example.org"})
    secure = WebContext(ctx.services, settings, ctx.directory, ctx.oauth, ctx.session_secret)
    transport = httpx.ASGITransport(app=create_app(secure))
    async with httpx.AsyncClient(transport=transport, base_url="https://study.example.org") as c:
        page = await c.get("/")
    assert "secure" in page.headers["set-cookie"].lower()
    assert page.headers["strict-transport-security"].startswith("max-age=")


async def test_a_forged_or_missing_csrf_token_changes_nothing(web: WebRig) -> None:
    await web.login(web.sb.member("morgan"))
    path = f"/g/{web.guild_id}/settings/streak"
    missing = await web.client.post(path, data={"minutes": "30"})
    forged = await web.client.post(path, data={"minutes": "30", "csrf": "forged"})
    for response in (missing, forged):
        assert response.status_code == 403
        assert "nothing was changed" in response.text
    daily = web.bot().services.daily
    assert await daily.study_minutes(web.guild_id) == 15
    saved = await web.post(path, {"minutes": "30"}, page=f"/g/{web.guild_id}/settings")
    assert saved.status_code == 303
    assert await daily.study_minutes(web.guild_id) == 30


async def test_a_token_from_another_session_is_refused(web: WebRig) -> None:
    await web.login(web.sb.member("alice"))
    theirs = await web.csrf("/")
    await web.login(web.sb.member("morgan"))  # a new session, a new token
    response = await web.client.post(
        f"/g/{web.guild_id}/settings/streak", data={"minutes": "45", "csrf": theirs}
    )
    assert response.status_code == 403


async def test_an_oversized_body_is_refused_before_it_is_read(web: WebRig) -> None:
    await web.login(web.sb.member("morgan"))
    path = f"/g/{web.guild_id}/content/upload"
    declared = await web.client.post(
        path, content=b"x" * 10, headers={"content-length": str(MAX_BODY_BYTES + 1)}
    )
    assert declared.status_code == 413
    _assert_secure_headers(declared)

    async def chunks():  # no Content-Length: counted while it streams in
        yield b'--b\r\nContent-Disposition: form-data; name="pack"; filename="big.yaml"\r\n\r\n'
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"y" * 65536

    multipart = {"content-type": "multipart/form-data; boundary=b"}  # so the body is read
    streamed = await web.client.post(path, content=chunks(), headers=multipart)
    assert streamed.status_code == 413


async def test_logins_are_rate_limited_per_address(web: WebRig) -> None:
    answers = [(await web.client.get("/login")).status_code for _ in range(12)]
    assert answers[:10] == [303] * 10
    assert answers[10:] == [429, 429]


def test_rate_limiter_window_slides() -> None:
    now = [0.0]
    limiter = RateLimiter(2, 60.0, now=lambda: now[0])
    assert limiter.allow("a") and limiter.allow("a") and not limiter.allow("a")
    assert limiter.allow("b")
    now[0] = 60.5
    assert limiter.allow("a")


def test_csrf_tokens_compare_in_constant_time_and_need_a_session_token() -> None:
    session: dict[str, object] = {}
    assert not csrf_ok(session, "anything")
    token = csrf_token(session)
    assert csrf_token(session) == token
    assert csrf_ok(session, token) and not csrf_ok(session, token + "x")
    assert not csrf_ok(session, None)


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "\\\\evil", ""])
def test_after_login_only_paths_on_this_site_are_followed(target: str) -> None:
    from bot.web.pages.auth import safe_next

    assert safe_next(target) == "/"
