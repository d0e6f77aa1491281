"""A guild's public board: no login, opted-in members only, and only once a moderator turned
it on (`/setup public-board`, or the settings page). A guild with it off, or one the bot is not
in, answers 404 alike."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.core.errors import UserFacingError
from bot.progress.rules import BOARDS
from bot.web.access import context_of, not_found
from bot.web.render import page

PERIODS = (("week", "7 days"), ("month", "30 days"), ("all", "All time"))
BOARD_LABELS = {
    "streak": "Streaks",
    "minutes": "Study time",
    "shipped": "Shipped projects",
    "reviews": "Interview reviews",
}


async def public_board(request: Request) -> Response:
    """GET /board/{guild_id}?board=…&period=…"""
    ctx = context_of(request)
    await ctx.refresh()
    try:
        guild_id = int(request.path_params["guild_id"])
    except ValueError:
        raise not_found() from None
    board = request.query_params.get("board", "minutes")
    period = request.query_params.get("period", "week")
    name = await ctx.directory.guild_name(guild_id)
    if name is None:
        raise not_found()
    boards = ctx.services.progress.leaderboard
    if board not in BOARDS or period not in dict(PERIODS):
        raise not_found()
    if not await boards.public_enabled(guild_id):  # checked fresh: off means off at once
        raise not_found()
    try:
        snapshot = await ctx.boards.get(
            (guild_id, board, period), lambda: boards.public(guild_id, board, period)
        )
    except UserFacingError:
        raise not_found() from None
    view = snapshot.value
    if view is None:
        raise not_found()
    names = await ctx.directory.names(guild_id, [entry.user_id for entry in view.ranked.top])
    rows = [
        (
            entry.rank,
            names.get(entry.user_id, "a member"),
            entry.value,
            view.best.get(entry.user_id),
        )
        for entry in view.ranked.top
    ]
    return page(
        request,
        "board.html",
        guild_id=guild_id,
        guild_name=name,
        view=view,
        rows=rows,
        boards=[(b, BOARD_LABELS[b]) for b in BOARDS],
        periods=PERIODS,
        board_label=BOARD_LABELS.get(board, board),
    )
