"""The dashboard's ASGI app: routes, middleware (security headers, body limit, signed
session cookie) and the error pages."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.web.access import LoginRequired
from bot.web.context import HERE, WebContext
from bot.web.pages import auth, board, content, me, overview, settings
from bot.web.render import MAX_BODY_BYTES, page
from bot.web.security import BodyLimit, SecurityHeaders

log = logging.getLogger(__name__)

SESSION_COOKIE = "studybot_session"
SESSION_DAYS = 7


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    return page(request, "error.html", status=error.status_code, message=error.detail)


async def _login_first(request: Request, error: Exception) -> Response:
    assert isinstance(error, LoginRequired)
    return RedirectResponse(f"/login?{urlencode({'next': error.next_path})}", status_code=303)


async def _server_error(request: Request, error: Exception) -> Response:
    # The traceback goes to the log; the visitor gets a plain page (never exception text).
    log.error("web request %s %s failed", request.method, request.url.path, exc_info=error)
    return page(
        request,
        "error.html",
        status=500,
        message="Something went wrong on our side; it has been logged. Try again in a moment.",
    )


def routes() -> list[Route | Mount]:
    g = "/g/{guild_id:int}"
    return [
        Route("/", auth.home),
        Route("/login", auth.login),
        Route("/auth/callback", auth.callback),
        Route("/logout", auth.logout, methods=["POST"]),
        Route(f"{g}/overview", overview.overview),
        Route(f"{g}/content", content.content_list),
        Route(f"{g}/content/upload", content.upload, methods=["POST"]),
        Route(f"{g}/content/confirm", content.confirm, methods=["POST"]),
        Route(f"{g}/content/{{pack_id}}", content.pack_detail),
        Route(f"{g}/content/{{pack_id}}/diff", content.pack_diff),
        Route(f"{g}/content/{{pack_id}}/export", content.export),
        Route(f"{g}/content/{{pack_id}}/toggle", content.toggle, methods=["POST"]),
        Route(f"{g}/content/{{pack_id}}/rollback", content.rollback, methods=["POST"]),
        Route(f"{g}/settings", settings.settings_page),
        Route(f"{g}/settings/{{section}}", settings.save_section, methods=["POST"]),
        Route(f"{g}/me", me.my_progress),
        Route(f"{g}/me/export.{{format:str}}", me.export),
        Route("/board/{guild_id}", board.public_board),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]


def create_app(ctx: WebContext) -> Starlette:
    """The dashboard over `ctx` (its services, Discord access and settings)."""
    middleware = [
        Middleware(SecurityHeaders, https=ctx.https),
        Middleware(BodyLimit, limit=MAX_BODY_BYTES),
        Middleware(
            SessionMiddleware,
            secret_key=ctx.session_secret,
            session_cookie=SESSION_COOKIE,
            max_age=SESSION_DAYS * 24 * 3600,
            same_site="lax",
            https_only=ctx.https,
        ),
    ]
    app = Starlette(
        routes=routes(),
        middleware=middleware,
        exception_handlers={
            HTTPException: _http_error,
            LoginRequired: _login_first,
            Exception: _server_error,
        },
    )
    app.state.web = ctx
    return app
