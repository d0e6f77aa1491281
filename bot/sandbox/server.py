"""A loopback fake Discord: enough of REST v10 and the gateway for an unchanged discord.py 2.7.

``FakeDiscord`` is an aiohttp server on 127.0.0.1 (random free port) that keeps the whole
world in memory (guilds, channels, members, messages, interactions) and records every request.
Use it through :class:`bot.sandbox.driver.Sandbox`; the driver builds interactions and waits
for answers. Facts about what discord.py needs are in ``/work/shared/DISCORD_FACTS.md``.

Conventions:
- every JSON response carries ``Content-Type: application/json`` exactly (discord.py parses
  nothing else);
- an unknown route answers 404 (Discord-style JSON) and lands in :attr:`FakeDiscord.unknown_routes`;
- gateway frames are TEXT JSON (no zlib needed);
- faults are injected with :meth:`FakeDiscord.fail_next`.

The parts: :mod:`~bot.sandbox.world` (the state and its changes), :mod:`~bot.sandbox.events`
(dispatches and change waiters), :mod:`~bot.sandbox.gateway`, :mod:`~bot.sandbox.rest` (with
the handlers in :mod:`~bot.sandbox.routes` and :mod:`~bot.sandbox.interactions`) and
:mod:`~bot.sandbox.faults`. ``FakeDiscord`` is the world plus those servers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.sandbox.api import (
    API_PREFIX,
    ApiError,
    json_response,
    missing_permissions,
    unknown_channel,
)
from bot.sandbox.events import GatewaySession
from bot.sandbox.faults import FaultRule, Faults, RateLimitMode, _glob_to_regex
from bot.sandbox.gateway import HEARTBEAT_INTERVAL_MS, Gateway
from bot.sandbox.interactions import InteractionRoutes
from bot.sandbox.models import JSON, RecordedRequest, shard_of
from bot.sandbox.oauth import OAuth
from bot.sandbox.rest import Handler, Request, Rest
from bot.sandbox.routes import AppRoutes, ChannelRoutes, GuildRoutes
from bot.sandbox.world import ATTACHMENT_SIZE_LIMIT, World

#: The environment :meth:`FakeDiscord.environment` gives another process: where its
#: discord.py's REST base and gateway should point (read by ``discord_pointed_at_env``).
API_BASE_ENV = "STUDYBOT_SANDBOX_API_BASE"
GATEWAY_URL_ENV = "STUDYBOT_SANDBOX_GATEWAY_URL"

#: With the names this module defined before it was split up (still imported from here).
__all__ = [
    "API_BASE_ENV",
    "API_PREFIX",
    "ATTACHMENT_SIZE_LIMIT",
    "GATEWAY_URL_ENV",
    "HEARTBEAT_INTERVAL_MS",
    "ApiError",
    "FakeDiscord",
    "FaultRule",
    "GatewaySession",
    "Handler",
    "RateLimitMode",
    "Request",
    "_glob_to_regex",
    "json_response",
    "missing_permissions",
    "unknown_channel",
]


class FakeDiscord(World):
    """The fake server and the world it serves; :meth:`start` it, :meth:`close` it."""

    def __init__(self, *, bot_name: str = "StudyBot") -> None:
        super().__init__(bot_name=bot_name)
        self.faults = Faults()
        self.gateway = Gateway(self)
        self.rest = Rest(self, self.faults)
        #: Discord's OAuth2 for a web app's login (`bot.sandbox.oauth`).
        self.oauth = OAuth(self)
        self._runner: web.AppRunner | None = None
        self._install_routes()

    def _install_routes(self) -> None:
        """The route table, in one place: the first route that matches a request handles it."""
        r = self.rest.route
        app, channels, guilds = AppRoutes(self, self.oauth), ChannelRoutes(self), GuildRoutes(self)
        hooks = InteractionRoutes(self)
        r("GET", "/users/@me", app.get_me)
        r("GET", "/users/@me/guilds", app.my_guilds)
        r("GET", "/users/{user_id}", app.get_user)
        r("POST", "/oauth2/token", self.oauth.token)
        r("GET", "/oauth2/applications/@me", app.get_app)
        r("GET", "/applications/@me", app.get_app)
        r("GET", "/gateway", app.get_gateway)
        r("GET", "/gateway/bot", app.get_gateway)
        r("GET", "/applications/{app_id}/commands", app.get_global_commands)
        r("PUT", "/applications/{app_id}/commands", app.put_global_commands)
        r("GET", "/applications/{app_id}/guilds/{guild_id}/commands", app.get_guild_commands)
        r("PUT", "/applications/{app_id}/guilds/{guild_id}/commands", app.put_guild_commands)
        r("GET", "/applications/{app_id}/guilds/{guild_id}/commands/permissions", app.empty_list)
        r("GET", "/applications/{app_id}/emojis", app.empty_items)
        r("GET", "/applications/{app_id}/entitlements", app.empty_list)
        r("GET", "/channels/{channel_id}", channels.get_channel)
        r("DELETE", "/channels/{channel_id}", channels.delete_channel)
        r("PATCH", "/channels/{channel_id}", channels.patch_channel)
        r("POST", "/channels/{channel_id}/typing", channels.typing)
        r("GET", "/channels/{channel_id}/messages", channels.history)
        r("POST", "/channels/{channel_id}/messages", channels.post_message)
        r("POST", "/channels/{channel_id}/messages/bulk-delete", channels.bulk_delete)
        r("GET", "/channels/{channel_id}/messages/pins", channels.get_pins)
        r("PUT", "/channels/{channel_id}/messages/pins/{message_id}", channels.no_content)
        r("DELETE", "/channels/{channel_id}/messages/pins/{message_id}", channels.no_content)
        r("GET", "/channels/{channel_id}/messages/{message_id}", channels.get_message)
        r("PATCH", "/channels/{channel_id}/messages/{message_id}", channels.patch_message)
        r("DELETE", "/channels/{channel_id}/messages/{message_id}", channels.delete_message)
        reactions = "/channels/{channel_id}/messages/{message_id}/reactions"
        r("PUT", reactions + "/{emoji}/@me", channels.add_reaction)
        r("DELETE", reactions + "/{emoji}/@me", channels.remove_reaction)
        r("DELETE", reactions + "/{emoji}/{user_id}", channels.remove_reaction)
        r("GET", reactions + "/{emoji}", channels.get_reactions)
        r("DELETE", reactions + "/{emoji}", channels.clear_reactions)
        r("DELETE", reactions, channels.clear_reactions)
        r(
            "POST",
            "/channels/{channel_id}/messages/{message_id}/threads",
            channels.thread_from_message,
        )
        r("POST", "/channels/{channel_id}/threads", channels.thread_without_message)
        r("PUT", "/channels/{channel_id}/thread-members/{user_id}", channels.no_content)
        r("DELETE", "/channels/{channel_id}/thread-members/{user_id}", channels.no_content)
        r("POST", "/users/@me/channels", channels.create_dm)
        r("GET", "/guilds/{guild_id}", guilds.get_guild)
        r("GET", "/guilds/{guild_id}/channels", guilds.get_channels)
        r("GET", "/guilds/{guild_id}/roles", guilds.get_roles)
        r("GET", "/guilds/{guild_id}/members", guilds.list_members)
        r("GET", "/guilds/{guild_id}/members/{user_id}", guilds.get_member)
        r("PUT", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", guilds.add_role)
        r("DELETE", "/guilds/{guild_id}/members/{user_id}/roles/{role_id}", guilds.remove_role)
        r("GET", "/guilds/{guild_id}/threads/active", guilds.active_threads)
        r("POST", "/interactions/{interaction_id}/{token}/callback", hooks.callback)
        r("POST", "/webhooks/{webhook_id}/{token}", hooks.followup)
        r("GET", "/webhooks/{webhook_id}/{token}/messages/{message_id}", hooks.get_message)
        r("PATCH", "/webhooks/{webhook_id}/{token}/messages/{message_id}", hooks.edit_message)
        r("DELETE", "/webhooks/{webhook_id}/{token}/messages/{message_id}", hooks.delete_message)

    # ------------------------------------------------------------------ lifecycle
    @property
    def api_base(self) -> str:
        return f"{self.base_url}{API_PREFIX}"

    @property
    def authorize_url(self) -> str:
        """Where a web app sends the browser to log in (`bot.sandbox.oauth`)."""
        return f"{self.base_url}/oauth2/authorize"

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.serve)
        app.router.add_get("/gateway/", self.gateway.serve)
        app.router.add_get("/attachments/{file_id}/{filename}", self.rest.attachment)
        app.router.add_get("/oauth2/authorize", self.oauth.authorize)
        app.router.add_route("*", "/{tail:.*}", self.rest.serve)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1]

    async def close(self) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self.events.cancel_waiters()

    # ------------------------------------------------------------------ waiting
    async def wait_for(self, predicate: Callable[[], bool], within: float, what: str) -> None:
        """Wait (event-driven, bounded) until ``predicate()`` is true after some state change."""
        await self.events.wait_for(predicate, within, what)

    def changed(self) -> asyncio.Future[None]:
        """A future resolved at the next state change (request handled, event sent, ...)."""
        return self.events.changed()

    # ------------------------------------------------------------------ records (read-only)
    @property
    def in_flight(self) -> int:
        """REST requests currently being handled."""
        return self.rest.in_flight

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every REST request the client made, in order, with the status it got."""
        return self.rest.requests

    @property
    def unknown_routes(self) -> list[str]:
        """``METHOD /path`` of every request no route matched (answered 404)."""
        return self.rest.unknown_routes

    @property
    def gateway_ops(self) -> list[tuple[int, Any]]:
        """Every gateway payload the client sent, as (op, d)."""
        return self.gateway.ops

    @property
    def heartbeats(self) -> list[int]:
        """Sequence numbers the client reported in its heartbeats (op 1), in order."""
        return self.gateway.heartbeats

    @property
    def identify_count(self) -> int:
        """IDENTIFYs (op 2): one per fresh session."""
        return self.gateway.identify_count

    @property
    def resume_count(self) -> int:
        """RESUMEs (op 6) that found their session."""
        return self.gateway.resume_count

    @property
    def sessions(self) -> dict[str, GatewaySession]:
        """Gateway sessions by id, kept for RESUME until invalidated."""
        return self.events.sessions

    @property
    def session(self) -> GatewaySession | None:
        """Shard 0's current session (the last one IDENTIFYed or RESUMEd on it): with one
        unsharded client, the session every dispatch goes to."""
        return self.events.session

    def session_for(self, guild_id: int | None) -> GatewaySession | None:
        """The session events about ``guild_id`` go to (None: DMs, shard 0's)."""
        return self.events.session_for(guild_id)

    @property
    def live_sessions(self) -> list[GatewaySession]:
        """Each shard's current session with a client connected (``shard_id``,
        ``shard_count``, ``id``, :meth:`~GatewaySession.dispatches`), oldest first."""
        return self.events.live_sessions()

    @property
    def identified_shards(self) -> list[tuple[int, int]]:
        """(shard_id, shard_count) of every IDENTIFY accepted, in order ([0, 1] unsharded)."""
        return self.gateway.identified_shards

    @property
    def duplicate_shards(self) -> list[tuple[int, int]]:
        """(shard_id, shard_count) of every IDENTIFY of a shard another live session had."""
        return self.gateway.duplicate_shards

    def shard_of(self, guild_id: int, shard_count: int | None = None) -> int:
        """The shard ``guild_id``'s events go to, with ``shard_count`` shards (default: the
        live clients' count, else :attr:`recommended_shards`)."""
        return shard_of(guild_id, shard_count or self.events.shard_count or self.recommended_shards)

    def environment(self) -> dict[str, str]:
        """Environment variables that point another process's discord.py at this fake (see
        :func:`bot.sandbox.lifecycle.discord_pointed_at_env`)."""
        return {API_BASE_ENV: self.api_base, GATEWAY_URL_ENV: self.gateway_url}

    @property
    def dispatched(self) -> list[tuple[int, str, JSON]]:
        """Every dispatch sent, as (seq, event name, data); once per session it went to."""
        return self.events.dispatched

    @property
    def rate_limit_mode(self) -> RateLimitMode | None:
        """The rate-limit mode, once :meth:`enable_rate_limits` was called."""
        return self.faults.rate_limit_mode

    @property
    def rate_limited_count(self) -> int:
        """Every 429 sent, injected or by the rate-limit mode."""
        return self.faults.rate_limited_count

    # ------------------------------------------------------------------ gateway
    async def dispatch(self, event: str, data: JSON) -> int:
        """Send a dispatch (op 0) on the session of the shard it belongs to (events about a
        guild: the guild's shard; others: shard 0); buffered for RESUME if disconnected."""
        return await self.events.dispatch(event, data)

    async def flush(self) -> None:
        """Wait until events queued by synchronous world building have been sent."""
        await self.events.flush()

    async def barrier(self, within: float = 5.0) -> None:
        """Wait until the client has *processed* every dispatch sent so far (see
        :meth:`Gateway.barrier`)."""
        await self.gateway.barrier(within)

    async def reconnect(self, shard_id: int | None = None) -> int:
        """Ask the clients (every live session, or shard ``shard_id``'s) to reconnect (op 7);
        they close and RESUME. Returns how many were asked."""
        return await self.gateway.reconnect(shard_id)

    async def drop_gateway(self, shard_id: int | None = None) -> int:
        """Close the sockets (every live one, or shard ``shard_id``'s) abruptly (code 4000);
        the clients reconnect and RESUME. Returns how many were dropped."""
        return await self.gateway.drop(shard_id)

    async def invalid_session(self, resumable: bool = False, shard_id: int | None = None) -> int:
        """Send op 9 (every live session, or shard ``shard_id``'s); with ``resumable=False``
        the clients IDENTIFY afresh. Returns how many got it."""
        return await self.gateway.invalid_session(resumable, shard_id)

    # ------------------------------------------------------------------ faults
    def fail_next(
        self,
        pattern: str,
        status: int,
        *,
        code: int | None = None,
        message: str | None = None,
        retry_after: float = 0.01,
        global_: bool = False,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests matching ``pattern`` (``"POST /channels/*/messages"``;
        ``*`` = one path segment, ``**`` = anything, method optional) with an error."""
        rule = FaultRule(
            pattern, _glob_to_regex(pattern), status, code, message, retry_after, global_, times
        )
        self.faults.rules.append(rule)

    def fail_identify(self, code: int, *, times: int = 1) -> None:
        """Close the next ``times`` IDENTIFYs with gateway close ``code`` (4004 authentication
        failed, 4014 disallowed intents, ...). A wrong token (:attr:`token`) and a privileged
        intent the :attr:`application_flags` do not allow are refused without this."""
        self.gateway.identify_failures.extend([code] * times)

    def enable_rate_limits(
        self,
        limit: int = 5,
        per: float = 5.0,
        *,
        global_limit: int | None = None,
        global_per: float = 1.0,
    ) -> RateLimitMode:
        """Enforce ``limit`` requests per ``per`` seconds per route + major id, and optionally
        ``global_limit`` per ``global_per`` seconds overall (Discord: 50 per second;
        interactions are exempt). Off by default. Every 429 sent is counted in
        :attr:`rate_limited_count` (and by scope on the returned mode)."""
        self.faults.rate_limit_mode = RateLimitMode(limit, per, global_limit, global_per)
        return self.faults.rate_limit_mode
