"""Discord's OAuth2 on the fake: authorize, token (with PKCE), and the user's own endpoints.

Enough for a web app's "Log in with Discord" to run offline (the dashboard's tests, `studybot
sandbox --web`): `GET /oauth2/authorize` shows a tiny page where you pick a sandbox member (or,
with :attr:`OAuth.auto_user` set, approves at once) and redirects back with a code;
`POST /api/v10/oauth2/token` checks the client, the code, the redirect URI and the PKCE
verifier (S256) and answers a bearer token; `GET /users/@me` and `GET /users/@me/guilds` with
that token answer as that member (their guilds, with their permissions there).
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode

from aiohttp import web

from bot.sandbox.api import ApiError
from bot.sandbox.models import FakeUser
from bot.sandbox.rest import Request
from bot.sandbox.world import World

CLIENT_SECRET = "sandbox-client-secret"


@dataclass(frozen=True)
class _Grant:
    user_id: int
    redirect_uri: str
    challenge: str
    scope: str


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class OAuth:
    """The fake's OAuth2 server (see the module docstring)."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.client_secret = CLIENT_SECRET
        #: Approve every authorize request as this user at once (None: show the picker).
        self.auto_user: FakeUser | None = None
        self._codes: dict[str, _Grant] = {}
        self._tokens: dict[str, int] = {}

    @property
    def client_id(self) -> str:
        return str(self.world.application_id)

    # --- the browser's side ------------------------------------------------------------
    async def authorize(self, request: web.Request) -> web.Response:
        """`GET /oauth2/authorize`: pick a member (or auto-approve), then back with a code."""
        query = request.query
        problem = self._authorize_problem(query)
        if problem is not None:
            return web.Response(status=400, text=problem)
        chosen = query.get("user") or (str(self.auto_user.id) if self.auto_user else None)
        if chosen is None:
            return web.Response(text=self._picker(dict(query)), content_type="text/html")
        try:
            user = self.world.users[int(chosen)]
        except (KeyError, ValueError):
            return web.Response(status=400, text="unknown user")
        code = secrets.token_urlsafe(16)
        self._codes[code] = _Grant(
            user.id, query["redirect_uri"], query["code_challenge"], query.get("scope", "")
        )
        back = {"code": code, "state": query.get("state", "")}
        raise web.HTTPFound(f"{query['redirect_uri']}?{urlencode(back)}")

    def _authorize_problem(self, query: Any) -> str | None:
        if query.get("client_id") != self.client_id:
            return "unknown client_id"
        if query.get("response_type") != "code" or not query.get("redirect_uri"):
            return "response_type must be code, with a redirect_uri"
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return "PKCE with S256 is required"
        return None

    def _picker(self, query: dict[str, str]) -> str:
        people = sorted(
            {
                member.user.id: member.user
                for guild in self.world.guilds.values()
                for member in guild.members.values()
                if not member.user.bot
            }.values(),
            key=lambda u: u.username,
        )
        links = "".join(
            f'<li><a href="?{html.escape(urlencode({**query, "user": str(u.id)}))}">'
            f"{html.escape(u.global_name or u.username)}</a></li>"
            for u in people
        )
        return (
            "<!doctype html><title>Sandbox Discord — authorize</title>"
            '<link rel="icon" href="data:,">'
            "<h1>Log in to the dashboard as…</h1>"
            f"<p>Scopes: {html.escape(query.get('scope', ''))}</p><ul>{links}</ul>"
        )

    # --- the app's side (REST, under /api/v10) ------------------------------------------
    async def token(self, req: Request) -> Any:
        """`POST /oauth2/token`: the authorization code grant, PKCE verified."""
        form = {k: v[0] for k, v in parse_qs(req.json if isinstance(req.json, str) else "").items()}
        client_id, secret = _basic(req.auth)
        client_id = client_id or form.get("client_id", "")
        secret = secret or form.get("client_secret", "")
        if client_id != self.client_id or secret != self.client_secret:
            raise ApiError(401, 0, "invalid_client")
        grant = self._codes.pop(form.get("code", ""), None)
        if grant is None or form.get("grant_type") != "authorization_code":
            raise ApiError(400, 0, "invalid_grant")
        if form.get("redirect_uri") != grant.redirect_uri:
            raise ApiError(400, 0, "invalid_grant: redirect_uri")
        if _s256(form.get("code_verifier", "")) != grant.challenge:
            raise ApiError(400, 0, "invalid_grant: code_verifier")
        token = secrets.token_urlsafe(24)
        self._tokens[token] = grant.user_id
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": 604800,
            "refresh_token": secrets.token_urlsafe(24),
            "scope": grant.scope,
        }

    def bearer_user(self, auth: str) -> FakeUser | None:
        """The user a `Bearer` token was issued to (None for anything else)."""
        if not auth.startswith("Bearer "):
            return None
        user_id = self._tokens.get(auth.removeprefix("Bearer "))
        return self.world.users.get(user_id) if user_id is not None else None

    def my_guilds(self, user: FakeUser) -> list[dict[str, Any]]:
        """`GET /users/@me/guilds` for a user: their guilds, with their permissions there."""
        return [
            {
                "id": str(guild.id),
                "name": guild.name,
                "icon": None,
                "banner": None,
                "owner": guild.owner_id == user.id,
                "permissions": str(guild.base_permissions(guild.members[user.id])),
                "features": [],
            }
            for guild in self.world.guilds.values()
            if user.id in guild.members
        ]


def _basic(auth: str) -> tuple[str, str]:
    if not auth.startswith("Basic "):
        return "", ""
    try:
        decoded = base64.b64decode(auth.removeprefix("Basic ")).decode()
    except ValueError:
        return "", ""
    client_id, _, secret = decoded.partition(":")
    return client_id, secret
