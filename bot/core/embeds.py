"""Embed builders shared by the cogs. Cogs never format text themselves."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from bot.core.commands_info import CommandInfo
from bot.members.guilds import CHANNEL_ROLES, GuildSettings
from bot.members.service import MemberProfile

BRAND = discord.Colour(0x4F8A8B)
SUCCESS = discord.Colour(0x3BA55C)
WARNING = discord.Colour(0xFAA61A)


def info(title: str, description: str = "", *, colour: discord.Colour = BRAND) -> discord.Embed:
    return discord.Embed(title=title, description=description, colour=colour)


def success(title: str, description: str = "") -> discord.Embed:
    return info(title, description, colour=SUCCESS)


def _yes_no(value: bool) -> str:
    return "on" if value else "off"


def member_settings(profile: MemberProfile, guild_zone: str) -> discord.Embed:
    embed = info("Your settings")
    zone = profile.timezone or f"{guild_zone} (the server's; set yours with /settings timezone)"
    embed.add_field(name="Timezone", value=zone, inline=False)
    dms = _yes_no(profile.dm_opt_in)
    if profile.dm_opt_in and profile.dm_unreachable:
        dms += " — but my last DM bounced; check your privacy settings, then turn DMs on again"
    embed.add_field(name="Direct messages", value=dms, inline=True)
    embed.add_field(name="Nudges", value=profile.nudge_mode, inline=True)
    embed.add_field(
        name="Profile", value="public" if profile.profile_public else "private", inline=True
    )
    embed.add_field(name="Leaderboards", value=_yes_no(profile.leaderboard_opt_in), inline=True)
    embed.set_footer(text="Only you can see this.")
    return embed


def reminder_settings(prefs: dict[str, object]) -> discord.Embed:
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
    return success(f"Nudges: {profile.nudge_mode}", text)


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
        embed.add_field(name="Needs attention", value=broken[:1024], inline=False)
        embed.colour = WARNING
    return embed


def help_embed(commands: Sequence[CommandInfo], *, show_moderator: bool) -> discord.Embed:
    embed = info(
        "studybot — what I can do",
        "Study every day, practise interviews, ship projects, and stay out of the four "
        "pitfalls. Everything personal is answered privately.",
    )
    groups: dict[str, list[CommandInfo]] = {}
    for command in commands:
        if command.moderator and not show_moderator:
            continue
        groups.setdefault(command.group, []).append(command)
    for group in sorted(groups):
        lines = [f"`/{c.name}` — {c.description}" for c in groups[group]]
        value = "\n".join(lines)
        if len(value) > 1024:
            value = value[:1020] + "\n…"
        moderator_only = all(c.moderator for c in groups[group])
        title = f"/{group}" + (" (moderators)" if moderator_only else "")
        embed.add_field(name=title, value=value, inline=False)
    if not show_moderator:
        embed.set_footer(text="Moderators see their commands here too.")
    return embed
