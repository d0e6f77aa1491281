"""Logging in with Discord (authorization code + PKCE), logging out, and the guild list."""

from __future__ import annotations

import logging
import secrets

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.web.access import USER_KEY, context_of, viewer_of
from bot.web.oauth import LoginFailed, new_verifier
from bot.web.render import checked_form, page

log = logging.getLogger(__name__)

_LOGIN_KEY = "login"


def safe_next(path: object) -> str:
    """Only a path on this site (no `//host`, no scheme) is followed after login."""
    if isinstance(path, str) and path.startswith("/") and not path.startswith("//"):
        return path if "\\" not in path else "/"
    return "/"


async def home(request: Request) -> Response:
    """The guilds the viewer shares with the bot, or the login page."""
    viewer = viewer_of(request)
    if viewer is None:
        return page(request, "login.html")
    ctx = context_of(request)
    guilds = []
    for guild_id in sorted(ctx.login_guilds.get(viewer.user_id, frozenset())):
        name = await ctx.directory.guild_name(guild_id)
        if name is None:
            continue
        member = await ctx.directory.member(guild_id, viewer.user_id)
        if member is None:
            continue
        moderator = await ctx.services.guilds.is_moderator(
            guild_id, set(member.role_ids), manage_guild=member.manage_guild
        )
        guilds.append({"id": guild_id, "name": name, "moderator": moderator})
    return page(request, "home.html", guilds=guilds)


async def login(request: Request) -> Response:
    """Send the browser to Discord with a fresh state and PKCE challenge."""
    ctx = context_of(request)
    client = request.client.host if request.client else "unknown"
    if not ctx.login_limiter.allow(client):
        raise HTTPException(429, "Too many logins from here; wait a minute and try again.")
    state = secrets.token_urlsafe(24)
    verifier = new_verifier()
    request.session[_LOGIN_KEY] = {
        "state": state,
        "verifier": verifier,
        "next": safe_next(request.query_params.get("next")),
    }
    return RedirectResponse(ctx.oauth.login_url(state, verifier), status_code=303)


async def callback(request: Request) -> Response:
    """Discord sent the browser back: check the state, trade the code, start the session."""
    ctx = context_of(request)
    pending = request.session.pop(_LOGIN_KEY, None)
    state = request.query_params.get("state")
    code = request.query_params.get("code")
    if not isinstance(pending, dict) or not state or state != pending.get("state") or not code:
        return page(request, "login.html", status=400, error=LOGIN_AGAIN)
    try:
        user = await ctx.oauth.user(code, str(pending["verifier"]))
    except LoginFailed as error:
        log.info("a login failed: %s", error)
        return page(request, "login.html", status=400, error=LOGIN_AGAIN)
    # A fresh session for the logged-in user (a new CSRF token too): nothing a visitor had
    # before logging in carries over.
    request.session.clear()
    request.session[USER_KEY] = {"id": user.id, "name": user.name}
    ctx.login_guilds[user.id] = user.guild_ids
    return RedirectResponse(safe_next(pending.get("next")), status_code=303)


async def logout(request: Request) -> Response:
    """End the session (a POST with the CSRF token, so another site cannot log you out)."""
    await checked_form(request)
    viewer = viewer_of(request)
    if viewer is not None:
        context_of(request).login_guilds.pop(viewer.user_id, None)
    request.session.clear()
    return RedirectResponse("/", status_code=303)


LOGIN_AGAIN = "The login did not complete (it expired or was cancelled). Log in again."
