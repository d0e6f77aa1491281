"""What members and moderators see of their settings: reminders, nudges and the server's
/setup show (`/settings show` needs the progress settings too: `bot.progress.views.settings`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import discord

from bot.core.embeds import WARNING, info, success
from bot.core.text import shorten
from bot.members.service.guilds import CHANNEL_ROLES, GuildSettings
from bot.members.service.profiles import NUDGE_MODE_LABELS, MemberProfile


def reminder_settings(prefs: Mapping[str, object]) -> discord.Embed:
    embed = success("Reminders saved")
    streak = (
        f"on, {prefs['streak_hours_before']} h before your midnight"
        if prefs.get("streak")
        else "off"
    )
    embed.add_field(name="Streak at risk", value=streak, inline=False)
    reviews = f"on, at {prefs['review_time']} your time" if prefs.get("reviews") else "off"
    embed.add_field(name="Interview reviews due", value=reviews, inline=False)
    embed.set_footer(text="Delivered by DM if you allowed DMs, else with your next command.")
    return embed


NUDGE_MODE_TEXT = {
    "inbox": "Nudges come with your next command reply and show in /progress.",
    "dm": "Nudges come by DM (falling back to your next reply if a DM fails).",
    "off": "No nudges. You can still see pitfall flags in /progress.",
}


def nudge_mode_saved(profile: MemberProfile) -> discord.Embed:
    text = NUDGE_MODE_TEXT[profile.nudge_mode]
    if profile.nudge_mode == "dm" and not profile.dm_opt_in:
        text += " Turn DMs on with `/settings dms enabled:True`, or they stay in your inbox."
    return success(f"Nudges: {NUDGE_MODE_LABELS[profile.nudge_mode]}", text)


def _channel(channel_id: int | None) -> str:
    return f"<#{channel_id}>" if channel_id else "not set"


def guild_settings(settings: GuildSettings, extra: Sequence[tuple[str, str]] = ()) -> discord.Embed:
    embed = info("Server setup")
    embed.add_field(name="Timezone", value=settings.timezone, inline=True)
    role = (
        f"<@&{settings.moderator_role_id}>" if settings.moderator_role_id else "Manage Server only"
    )
    embed.add_field(name="Moderators", value=role, inline=True)
    channels = "\n".join(f"{name}: {_channel(settings.channels[name])}" for name in CHANNEL_ROLES)
    embed.add_field(name="Channels", value=channels, inline=False)
    for name, value in extra:
        embed.add_field(name=name, value=value, inline=False)
    if settings.broken:
        broken = "\n".join(
            f"⚠ {name}: {reason}" for name, reason in sorted(settings.broken.items())
        )
        embed.add_field(name="Needs attention", value=shorten(broken, 1024), inline=False)
        embed.colour = WARNING
    return embed
