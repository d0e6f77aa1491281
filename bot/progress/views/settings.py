"""`/settings show`: every setting a member has, in words (never a stored value)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.core import embeds
from bot.core.text import shorten
from bot.members.api import NUDGE_MODE_LABELS
from bot.progress.views.common import minutes

if TYPE_CHECKING:
    from bot.progress.service import SettingsOverview


def _on_off(value: bool) -> str:
    return "on" if value else "off"


def settings_embed(overview: SettingsOverview) -> discord.Embed:
    """Timezone, DMs, nudges, reminders, digest, goal, focus, tracking, profile, boards."""
    profile = overview.profile
    embed = embeds.info("Your settings")
    zone = profile.timezone or (
        f"{overview.guild_timezone} (the server's; set yours with /settings timezone)"
    )
    embed.add_field(name="Timezone", value=zone, inline=False)
    dms = _on_off(profile.dm_opt_in)
    if profile.dm_opt_in and profile.dm_unreachable:
        dms += " — but my last DM bounced; check your privacy settings, then turn DMs on again"
    embed.add_field(name="Direct messages", value=dms, inline=True)
    nudges = NUDGE_MODE_LABELS.get(profile.nudge_mode, profile.nudge_mode)
    embed.add_field(name="Nudges", value=nudges, inline=True)
    streak = (
        f"on, {overview.streak_reminder_hours} h before your midnight"
        if overview.streak_reminder_hours is not None
        else "off"
    )
    reviews = (
        f"on, at {overview.review_reminder_time} your time"
        if overview.review_reminder_time is not None
        else "off"
    )
    embed.add_field(
        name="Reminders",
        value=f"Streak at risk: {streak}\nInterview reviews due: {reviews}",
        inline=False,
    )
    embed.add_field(name="Weekly digest", value=_on_off(overview.digest), inline=True)
    goal = (
        f"{minutes(overview.goal_minutes)} a week" if overview.goal_minutes else "not set (`/goal`)"
    )
    embed.add_field(name="Weekly goal", value=goal, inline=True)
    focus = ", ".join(overview.focus_tracks) or "not chosen (`/start`)"
    embed.add_field(name="Focus tracks", value=shorten(focus, 1024), inline=False)
    tracking = "on — days you post here count as community activity" if overview.tracking else "off"
    embed.add_field(name="Community tracking", value=tracking, inline=False)
    embed.add_field(
        name="Profile", value="public" if profile.profile_public else "private", inline=True
    )
    embed.add_field(name="Leaderboards", value=_on_off(profile.leaderboard_opt_in), inline=True)
    embed.set_footer(
        text="Only you can see this. Change any of them with /settings …, the goal with /goal, "
        "focus tracks with /start."
    )
    return embed
