"""The weekly accountability post (its thread and Check in button) and its `/setup` reply."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.core import embeds
from bot.core.persistent import persistent_view
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
        lines = [
            f"<@{entry.user_id}> — {plural(entry.projects, 'project')}"
            f" · {silence_text(entry.last_checkin_at, post.now)}"
            for entry in post.roster
        ]
        text = "\n".join(lines)
        if len(text) > ROSTER_SHOWN_MAX:
            shown: list[str] = []
            for line in lines:
                if len("\n".join([*shown, line])) > ROSTER_CUT_AT:
                    break
                shown.append(line)
            text = "\n".join(shown) + f"\n…and {len(lines) - len(shown)} more"
        embed.description = f"{intro}\n\n**Building right now**\n{text}"
    else:
        embed.description = intro + "\n\nNobody has an active project yet — `/project ideas`."
    embed.set_footer(text="Listed: members with an active project and public check-ins.")
    return embed


def weekly_view(guild_id: int) -> discord.ui.View:
    return persistent_view(CheckinButton(guild_id))


def weekly_post(guild_id: int, post: WeeklyPost) -> Rendered:
    """The week's post: the roster embed, the Check in button, the "Week N" thread."""
    return Rendered(
        embed=weekly_embed(post),
        view=weekly_view(guild_id),
        thread_name=week_thread_name(post.day),
    )
