"""Running the dashboard: its own process on the bot's database (`studybot web`), or inside
the sandbox next to the fake Discord (`studybot sandbox --web`).

`open_dashboard` builds everything a dashboard needs — the same services the bot builds
(`bot.wiring.build_services`), the guild packs loaded, the change feed followed — with a
discord.py client logged in over HTTP only (no gateway: the dashboard sends nothing).
`serve` runs it under uvicorn until stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import discord
import uvicorn
from starlette.applications import Starlette

from bot.catalog import CatalogRegistry, load_pack_dir
from bot.core.clock import Clock, SystemClock
from bot.core.settings import Settings
from bot.core.store import Store
from bot.core.telemetry import NullTelemetry
from bot.web.app import create_app
from bot.web.context import WebContext
from bot.web.directory import TTL_SECONDS, Directory, DiscordDirectory
from bot.web.oauth import DiscordOAuth
from bot.wiring import build_services

log = logging.getLogger(__name__)

CALLBACK_PATH = "/auth/callback"


class WebSettingMissing(Exception):
    """A setting the dashboard cannot run without; the message says which and how to fix it."""


def missing_setting(settings: Settings) -> str | None:
    """One paragraph naming every missing dashboard setting and where to get it (None when
    everything is set)."""
    missing = []
    if not settings.web_public_url:
        missing.append("WEB_PUBLIC_URL (the address members open, e.g. https://study.example.org)")
    if not settings.discord_client_id:
        missing.append("DISCORD_CLIENT_ID (Developer Portal → your application → OAuth2)")
    if (
        settings.discord_client_secret is None
        or not settings.discord_client_secret.get_secret_value()
    ):
        missing.append("DISCORD_CLIENT_SECRET (same page: Reset Secret)")
    if settings.web_session_secret is None or not settings.web_session_secret.get_secret_value():
        missing.append("WEB_SESSION_SECRET (32+ random characters: openssl rand -hex 32)")
    if settings.token is None:
        missing.append(
            "DISCORD_TOKEN (the bot token: the dashboard reads channels and roles with it)"
        )
    if not missing:
        return None
    return (
        "The web dashboard needs " + "; ".join(missing) + ". Put them in "
        f"{settings.env_file} or the environment (never on the command line), and add "
        f"{redirect_uri(settings)} as a redirect URI in the Developer Portal (OAuth2 → Redirects). "
        "See README: Web dashboard. To try it without Discord: studybot sandbox --web"
    )


def redirect_uri(settings: Settings) -> str:
    """Where Discord sends the browser back: WEB_PUBLIC_URL + /auth/callback."""
    return f"{settings.web_public_url or 'WEB_PUBLIC_URL'}{CALLBACK_PATH}"


@dataclass
class Dashboard:
    """A built dashboard: its ASGI app and what `close` releases."""

    app: Starlette
    context: WebContext
    store: Store
    client: discord.Client

    async def close(self) -> None:
        await self.context.oauth.close()
        await self.client.close()
        await self.store.close()


async def open_dashboard(
    settings: Settings,
    *,
    clock: Clock | None = None,
    directory: Directory | None = None,
    login: bool = True,
    cache_seconds: float = TTL_SECONDS,
) -> Dashboard:
    """Everything the dashboard needs, over the database of `settings` (already migrated).

    `login=False` and a `directory` of your own serve without Discord (the benchmarks);
    `cache_seconds` is how old Discord's answers about members may be (tests use 0)."""
    clock = clock or SystemClock()
    store = Store(settings.database_url)
    # No gateway session: the intents only keep discord.py from warning about a missing one.
    client = discord.Client(intents=discord.Intents(guilds=True))
    try:
        if login:
            assert settings.token is not None
            await client.login(settings.token)
        catalog = CatalogRegistry(await asyncio.to_thread(load_pack_dir, settings.content_dir))
        origin = f"{settings.instance_name}-web"[:64]
        services = build_services(
            client, settings, clock, store, catalog, NullTelemetry(), origin=origin
        )
        await services.content.start()
        await services.follow_changes(schedules=False)
    except BaseException:
        await client.close()
        await store.close()
        raise
    secret = settings.web_session_secret
    oauth = DiscordOAuth(
        client_id=settings.discord_client_id or "",
        client_secret=(
            settings.discord_client_secret.get_secret_value()
            if settings.discord_client_secret
            else ""
        ),
        redirect_uri=redirect_uri(settings),
        authorize_url=settings.discord_authorize_url,
        api_base=settings.api_base,
    )
    context = WebContext(
        services=services,
        settings=settings,
        directory=directory or DiscordDirectory(client, cache_seconds),
        oauth=oauth,
        session_secret=secret.get_secret_value() if secret else secrets.token_hex(32),
        refresh=services.core.changes.poll,
    )
    return Dashboard(create_app(context), context, store, client)


@contextlib.asynccontextmanager
async def listening(app: Starlette, host: str, port: int) -> AsyncIterator[int]:
    """Serve `app` on host:port (0: a free port) while the block runs; yields the port."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        server_header=False,
        lifespan="off",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(), name="studybot-web")
    try:
        while not server.started:
            if task.done():
                await task  # raises what stopped it (a port in use, say)
                raise OSError(f"the dashboard could not listen on {host}:{port}")
            await asyncio.sleep(0.01)
        sockets = [s for srv in server.servers for s in (srv.sockets or [])]
        yield int(sockets[0].getsockname()[1]) if sockets else port
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def serve(settings: Settings, announce: Callable[[str], None]) -> None:
    """`studybot web`: serve until interrupted."""
    dashboard = await open_dashboard(settings)
    try:
        async with listening(dashboard.app, settings.web_host, settings.web_port) as port:
            announce(
                f"dashboard on http://{settings.web_host}:{port} "
                f"(public address {settings.web_public_url})"
            )
            await asyncio.Event().wait()
    finally:
        await dashboard.close()
