"""Discord OAuth2 for the dashboard: the authorization code grant with PKCE (RFC 7636),
scopes `identify guilds`.

`/login` makes a random `state` and code verifier, keeps both in the (signed) session and
sends the browser to Discord with the verifier's SHA-256 challenge; `/auth/callback` checks
the state and trades the code plus the verifier for an access token, reads the user and
their guilds once, and forgets the token (the dashboard keeps no Discord credentials of its
members).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any
from urllib.parse import urlencode

import aiohttp

from bot.core.records import frozen

SCOPES = "identify guilds"
TIMEOUT = aiohttp.ClientTimeout(total=15)


class LoginFailed(Exception):
    """Discord refused the code, or could not be reached (the page says "try again")."""


@frozen
class DiscordUser:
    """Who logged in, and the ids of the guilds they are in (from `users/@me/guilds`)."""

    id: int
    name: str
    guild_ids: frozenset[int]


def new_verifier() -> str:
    """A PKCE code verifier: 64 URL-safe characters (43-128 allowed)."""
    return secrets.token_urlsafe(48)


def challenge(verifier: str) -> str:
    """The S256 code challenge of a verifier (base64url of its SHA-256, no padding)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class DiscordOAuth:
    """The two halves of the login against Discord (or the sandbox's fake Discord)."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        authorize_url: str,
        api_base: str,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.authorize_url = authorize_url
        self.api_base = api_base.rstrip("/")
        self._session: aiohttp.ClientSession | None = None

    def login_url(self, state: str, verifier: str) -> str:
        """Where `/login` sends the browser."""
        query = urlencode(
            {
                "client_id": self.client_id,
                "response_type": "code",
                "scope": SCOPES,
                "redirect_uri": self.redirect_uri,
                "state": state,
                "code_challenge": challenge(verifier),
                "code_challenge_method": "S256",
                "prompt": "none",
            }
        )
        return f"{self.authorize_url}?{query}"

    async def user(self, code: str, verifier: str) -> DiscordUser:
        """Trade the code for a token, read the user and their guilds; LoginFailed otherwise."""
        token = await self._token(code, verifier)
        me = await self._get("/users/@me", token)
        guilds = await self._get("/users/@me/guilds", token)
        try:
            name = str(me.get("global_name") or me["username"])
            return DiscordUser(int(me["id"]), name, frozenset(int(g["id"]) for g in guilds))
        except (KeyError, TypeError, ValueError):
            raise LoginFailed("unexpected answer from Discord") from None

    async def _token(self, code: str, verifier: str) -> str:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": verifier,
        }
        pair = f"{self.client_id}:{self.client_secret}".encode()
        basic = "Basic " + base64.b64encode(pair).decode("ascii")
        answer = await self._call(
            "POST", "/oauth2/token", data=form, headers={"Authorization": basic}
        )
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise LoginFailed("Discord did not accept the login")
        return token

    async def _get(self, path: str, token: str) -> Any:
        return await self._call("GET", path, headers={"Authorization": f"Bearer {token}"})

    async def _call(self, method: str, path: str, **options: Any) -> Any:
        session = self._session
        if session is None or session.closed:
            session = self._session = aiohttp.ClientSession(timeout=TIMEOUT)
        try:
            async with session.request(method, self.api_base + path, **options) as response:
                if response.status != 200:
                    raise LoginFailed(f"Discord answered {response.status}")
                return await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError):
            raise LoginFailed("Discord could not be reached") from None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
