"""Who is in the study rooms now, read from discord.py's voice states (the cogs' side of the
tracker's `reconcile`)."""

from __future__ import annotations

from collections.abc import Iterable

import discord

from bot.studyrooms.rules import Presence


def afk_channel_id(guild: discord.Guild) -> int | None:
    return guild.afk_channel.id if guild.afk_channel is not None else None


def room_presences(guild: discord.Guild, channel_ids: Iterable[int]) -> dict[int, Presence]:
    """Who is in the given voice channels now (from the voice states Discord sent with the
    guild and since), people only."""
    found: dict[int, Presence] = {}
    for channel_id in channel_ids:
        channel = guild.get_channel(channel_id)
        if not isinstance(channel, discord.VoiceChannel | discord.StageChannel):
            continue
        for user_id, state in channel.voice_states.items():
            member = guild.get_member(user_id)
            if member is None or not member.bot:
                found[user_id] = Presence(channel_id, state.self_video, state.self_stream)
    return found
