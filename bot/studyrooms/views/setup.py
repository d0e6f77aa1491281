"""`/setup study-rooms`: what is marked, the limits, and what just changed."""

from __future__ import annotations

import discord

from bot.core import embeds
from bot.core.text import plural
from bot.studyrooms.service import RoomsChange


def _channels(ids: frozenset[int]) -> str:
    return " ".join(f"<#{channel}>" for channel in sorted(ids)) or "none"


def rooms_embed(change: RoomsChange) -> discord.Embed:
    s = change.settings
    done = []
    if change.added is not None:
        done.append(f"<#{change.added}> is a study room now: time there counts.")
    if change.focus_added is not None:
        done.append(f"Focus sessions may run in <#{change.focus_added}> too.")
    if change.removed is not None:
        done.append(f"<#{change.removed}> is no longer marked; sessions there stop counting.")
    if change.limits_saved:
        done.append("Limits saved.")
    text = "\n".join(done) or (
        "Time members spend in study rooms (voice channels) counts as study: it goes into their "
        "log, streaks and goals. Focus sessions (`/focus start`) run in a room's chat or a "
        "focus channel."
    )
    title = "Study rooms saved" if change.changed else "Study rooms"
    embed = (embeds.success if change.changed else embeds.info)(title, text)
    embed.add_field(name="Study rooms", value=_channels(s.rooms), inline=False)
    embed.add_field(name="Focus channels", value=_channels(s.focus_channels), inline=False)
    embed.add_field(
        name="Limits",
        value=f"A session counts from {plural(s.minimum_minutes, 'minute')}; at most "
        f"{plural(s.daily_cap_minutes // 60, 'hour')} of room time a day per member. The AFK "
        "channel never counts.",
        inline=False,
    )
    embed.set_footer(
        text="add:#voice · remove:#channel · focus_channel:#text · minimum · daily_cap (hours)"
    )
    return embed
