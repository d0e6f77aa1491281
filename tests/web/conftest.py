"""The dashboard's fixtures: the real bot on the fake Discord, and the dashboard on the same
database, logging in through the fake's OAuth2 (`bot.sandbox.oauth`).

`web` serves the app in process (httpx's ASGI transport: no port); the browser tests start
it on a loopback port (`served`). Discord's answers are not cached (`cache_seconds=0`), so a
role taken away shows on the next request.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from bot.core.clock import FakeClock
from bot.core.settings import Settings
from bot.sandbox import Sandbox
from bot.sandbox.models import FakeGuild, FakeMember
from bot.studybot import StudyBot
from bot.web.sandboxed import free_port, sandbox_settings
from bot.web.server import Dashboard, open_dashboard

# The end-to-end tests' bot, settings and clock (a fixture imported here is one of ours).
from tests.e2e.conftest import e2e_clock, e2e_settings, make_bot

__all__ = ["e2e_clock", "e2e_settings", "make_bot"]

CSRF_INPUT = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class WebRig:
    """The sandbox (bot + fake Discord), the dashboard over the same database, and an HTTP
    client of the dashboard."""

    sb: Sandbox
    dashboard: Dashboard
    client: httpx.AsyncClient
    other: FakeGuild  # a second server the member "alice" is not in
    base_url: str

    @property
    def guild_id(self) -> int:
        return self.sb.guild.id

    def bot(self) -> StudyBot:
        assert isinstance(self.sb.bot, StudyBot)
        return self.sb.bot

    async def login(self, member: FakeMember) -> httpx.Response:
        """Log in as `member` through the fake's OAuth2 (the authorize step approves at once)."""
        self.client.cookies.clear()
        self.sb.fake.oauth.auto_user = member.user
        try:
            start = await self.client.get("/login")
            assert start.status_code == 303, start.text
            async with httpx.AsyncClient() as discord:
                approved = await discord.get(start.headers["location"])
            assert approved.status_code == 302, approved.text
            back = urlsplit(approved.headers["location"])
            return await self.client.get(f"{back.path}?{back.query}")
        finally:
            self.sb.fake.oauth.auto_user = None

    async def csrf(self, path: str) -> str:
        """The CSRF token of the forms on `path` (the session's)."""
        page = await self.client.get(path)
        found = CSRF_INPUT.search(page.text)
        assert found is not None, page.text[:500]
        return found.group(1)

    async def post(self, path: str, data: dict[str, Any], **options: Any) -> httpx.Response:
        """A form POST with the session's CSRF token (taken from the page it is sent from)."""
        token = await self.csrf(options.pop("page", path.rsplit("/", 1)[0]))
        return await self.client.post(path, data={"csrf": token, **data}, **options)


@pytest.fixture
async def web(
    make_bot: Callable[[], StudyBot], e2e_settings: Settings, e2e_clock: FakeClock
) -> AsyncIterator[WebRig]:
    sb = Sandbox(make_bot)
    other = sb.add_guild("Other Lab", ("general", "secret-plans"))
    sb.member("morgan", moderator=True, tz="Europe/Berlin")
    sb.member("alice", tz="Europe/Berlin")
    sb.member("bob", tz="America/New_York")
    sb.member("olga", guild=other)
    async with sb:
        port = free_port()
        settings = sandbox_settings(e2e_settings, sb.fake, token=sb.token, port=port)
        dashboard = await open_dashboard(settings, clock=e2e_clock, cache_seconds=0)
        base_url = f"http://127.0.0.1:{port}"
        transport = httpx.ASGITransport(app=dashboard.app, client=("127.0.0.1", 50000))
        try:
            async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
                yield WebRig(sb, dashboard, client, other, base_url)
        finally:
            await dashboard.close()
    assert not sb.errors, sb.errors
