"""The weekly accountability post (its thread and Check in button) and its `/setup` reply."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.core import embeds
from bot.core.persistent import PersistentView
from bot.core.scheduling.guild_posts import Rendered
from bot.core.text import plural
from bot.projects.rules import silence_text, week_bounds, week_thread_name
from bot.projects.views.checkins import CheckinButton

if TYPE_CHECKING:
    from bot.projects.service import WeeklyPost

ROSTER_SHOWN_MAX = 3000  # characters of the "building right now" list before it is cut
ROSTER_CUT_AT = 2900  # … to this, leaving room for "…and N more"


def weekly_embed(post: WeeklyPost) -> discord.Embed:
    first, last = week_bounds(post.day)
    intro = (
        f"Week of {first:%d %b} – {last:%d %b}. In the thread: what you shipped, what "
        "you will do this week, and where you are stuck. Press **Check in** to log progress."
    )
    embed = embeds.info(week_thread_name(post.day), intro)
    if post.roster:
        embed.description = f"{intro}\n\n**Building right now**\n{_roster_text(post)}"
    else:
        embed.description = intro + "\n\nNobody has an active project yet — `/project ideas`."
    embed.set_footer(text="Listed: members with an active project and public check-ins.")
    return embed


def _roster_text(post: WeeklyPost) -> str:
    """The roster's lines, cut with "…and N more" past ROSTER_SHOWN_MAX characters. Only the
    lines that can be shown are formatted: a big guild's roster has tens of thousands of
    members, and formatting them all held the event loop for the weekly post."""
    lines: list[str] = []
    length = -1  # of the lines joined by newlines
    for entry in post.roster:
        line = (
            f"<@{entry.user_id}> — {plural(entry.projects, 'project')}"
            f" · {silence_text(entry.last_checkin_at, post.now)}"
        )
        lines.append(line)
        length += len(line) + 1
        if length > ROSTER_SHOWN_MAX:
            break
    else:
        return "\n".join(lines)
    shown: list[str] = []
    for line in lines:
        if len("\n".join([*shown, line])) > ROSTER_CUT_AT:
            break
        shown.append(line)
    return "\n".join(shown) + f"\n…and {len(post.roster) - len(shown)} more"


def weekly_view(guild_id: int) -> discord.ui.View:
    return PersistentView(CheckinButton(guild_id))


def weekly_post(guild_id: int, post: WeeklyPost) -> Rendered:
    """The week's post: the roster embed, the Check in button, the "Week N" thread."""
    return Rendered(
        embed=weekly_embed(post),
        view=weekly_view(guild_id),
        thread_name=week_thread_name(post.day),
    )
