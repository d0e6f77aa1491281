"""Who is asking, and what they may see: checked on every request, never only at login.

A guild's pages are served only to its members (the bot's view of the guild, re-read at most
`directory.TTL_SECONDS` ago); a guild the viewer is not in answers exactly like a guild that
does not exist (404), so nothing about it leaks. Moderator pages need Manage Server or the
moderator role set with `/setup moderator-role` (`GuildService.is_moderator`, the check the
cogs use).
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request

from bot.core.records import frozen
from bot.web.context import WebContext
from bot.web.directory import MemberInfo

USER_KEY = "user"


class LoginRequired(Exception):
    """A guild page without a session: the browser is sent to log in, then back."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


@frozen
class Viewer:
    """The logged-in user, from the signed session cookie."""

    user_id: int
    name: str


@frozen
class GuildAccess:
    """A viewer's access to one guild, checked for this request."""

    guild_id: int
    guild_name: str
    viewer: Viewer
    member: MemberInfo
    moderator: bool


def context_of(request: Request) -> WebContext:
    ctx: WebContext = request.app.state.web
    return ctx


def viewer_of(request: Request) -> Viewer | None:
    """The logged-in user, or None."""
    stored = request.session.get(USER_KEY)
    if not isinstance(stored, dict):
        return None
    try:
        return Viewer(int(stored["id"]), str(stored["name"]))
    except (KeyError, TypeError, ValueError):
        return None


def not_found() -> HTTPException:
    return HTTPException(404, "There is nothing here.")


async def guild_access(request: Request, *, moderator: bool = False) -> GuildAccess:
    """The viewer's access to the guild in the path; 404 for a non-member (or an unknown
    guild), 403 for a member on a moderator page, a login first without a session."""
    viewer = viewer_of(request)
    if viewer is None:
        raise LoginRequired(request.url.path)
    try:
        guild_id = int(request.path_params["guild_id"])
    except (KeyError, ValueError):
        raise not_found() from None
    ctx = context_of(request)
    await ctx.refresh()  # another process's changes (a /content upload, say) first
    name = await ctx.directory.guild_name(guild_id)
    member = await ctx.directory.member(guild_id, viewer.user_id) if name is not None else None
    if name is None or member is None:
        raise not_found()
    is_moderator = await ctx.services.guilds.is_moderator(
        guild_id, set(member.role_ids), manage_guild=member.manage_guild
    )
    if moderator and not is_moderator:
        raise HTTPException(403, "This page is for the server's moderators.")
    return GuildAccess(guild_id, name, viewer, member, is_moderator)
