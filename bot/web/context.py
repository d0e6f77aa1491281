"""`WebContext`: what every page of the dashboard uses, built once per process."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape
from starlette.templating import Jinja2Templates

from bot.core.records import service
from bot.core.settings import Settings
from bot.web.directory import Directory
from bot.web.oauth import DiscordOAuth
from bot.web.security import RateLimiter
from bot.web.snapshots import Snapshots
from bot.wiring import Services

HERE = Path(__file__).resolve().parent
#: Logins started per client address and minute before `/login` answers 429.
LOGIN_LIMIT = (10, 60.0)
#: How old a guild's overview numbers may get before a background refresh: on a 100,000-member
#: guild one refresh reads ~2 M activity rows for several seconds (BENCHMARKS.md), so not
#: more often than this.
OVERVIEW_SECONDS = 300.0
#: The same for the public board (a ranked query over the opted-in members only).
BOARD_SECONDS = 60.0


def templates() -> Jinja2Templates:
    """Jinja2 with autoescaping on for every template (member text is never trusted)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = inline_markdown
    return Jinja2Templates(env=env)


def inline_markdown(text: str) -> Markup:
    """A service's message (written for Discord) as HTML: escaped, then `code` and **bold**."""
    escaped = str(escape(text))
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    escaped = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", escaped)
    return Markup(escaped.replace("\n", "<br>"))


async def _nothing() -> None:
    return None


@service
class WebContext:
    """The services (the same the cogs call), Discord access, and the web's own state."""

    services: Services
    settings: Settings
    directory: Directory
    oauth: DiscordOAuth
    session_secret: str
    #: The change feed's poll: another process's changes are applied before each request.
    refresh: Callable[[], Awaitable[object]] = _nothing
    templates: Jinja2Templates = field(default_factory=templates)
    login_limiter: RateLimiter = field(default_factory=lambda: RateLimiter(*LOGIN_LIMIT))
    #: user id -> the guilds they were in at their last login (kept here, not in the cookie,
    #: so the cookie stays small; a restart asks members to log in again for the list).
    login_guilds: dict[int, frozenset[int]] = field(default_factory=dict)
    #: Whole-guild aggregates (bot.web.snapshots): the overview per guild, the public board
    #: per (guild, board, period).
    overviews: Snapshots[int, Any] = field(default_factory=lambda: Snapshots(OVERVIEW_SECONDS))
    boards: Snapshots[tuple[int, str, str], Any] = field(
        default_factory=lambda: Snapshots(BOARD_SECONDS)
    )

    @property
    def https(self) -> bool:
        return (self.settings.web_public_url or "").startswith("https://")
