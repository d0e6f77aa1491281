"""How the weekly board looks, and what `/setup leaderboard` answers."""

from __future__ import annotations

import discord

from bot.boards.rules import Place, WeeklyBoardData
from bot.core import embeds
from bot.core.scheduling.guild_posts import PostSchedule
from bot.core.text import plural

OPT_IN = "Only members who opted in are listed: `/settings leaderboard enabled:true`."


def _hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


def _places(places: tuple[Place, ...], show: str) -> str:
    if not places:
        return "nobody yet"
    return "\n".join(
        f"{place.rank}. <@{place.user_id}> — {show_value(show, place.value)}" for place in places
    )


def show_value(show: str, value: int) -> str:
    if show == "minutes":
        return _hours(value)
    if show == "streak":
        return plural(value, "day")
    return plural(value, "project")


class BoardViews:
    """The renderer the weekly board posts with."""

    def board_post(self, board: WeeklyBoardData) -> discord.Embed:
        """The week's study time, streaks and ships of opted-in members (mentions render as
        names; nobody is pinged: scheduled posts allow no mentions)."""
        span = f"{board.since.day} {board.since:%b} – {board.until.day} {board.until:%b}"
        embed = embeds.info(
            f"Weekly board · {span}",
            "Study time, streaks and ships this week. " + OPT_IN,
        )
        embed.add_field(name="Study time", value=_places(board.minutes, "minutes"), inline=False)
        embed.add_field(name="Streaks", value=_places(board.streaks, "streak"), inline=True)
        embed.add_field(name="Projects shipped", value=_places(board.ships, "ships"), inline=True)
        embed.set_footer(text=f"{plural(board.members, 'member')} opted in")
        return embed

    def broken_notice(self, label: str, reason: str, channel: str) -> discord.Embed:
        """Told once when the board's channel is gone or lost permission."""
        return embeds.info(
            f"{label} could not be posted",
            f"Reason: {reason}. A moderator can pick a channel with "
            "`/setup leaderboard channel:#…` — `/setup show` lists what needs attention.",
            colour=embeds.WARNING,
        )


def configured_embed(schedule: PostSchedule, channel_id: int | None, zone: str) -> discord.Embed:
    """`/setup leaderboard`: the saved schedule and channel."""
    where = f" in <#{channel_id}>" if channel_id else ""
    if not schedule.enabled:
        return embeds.success("Weekly board off", f"No weekly board is posted{where}.")
    return embeds.success(
        "Weekly board saved",
        f"{schedule.describe()} ({zone}){where}, once a week. {OPT_IN}",
    )
