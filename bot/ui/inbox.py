"""How waiting reminders and nudges look when attached to a member's next reply."""

from __future__ import annotations

from typing import Any

import discord

from bot.ui import embeds

MAX_EMBEDS = 10


def inbox_embeds(items: list[dict[str, Any]]) -> list[discord.Embed]:
    shown = []
    for item in items[:MAX_EMBEDS]:
        embed = embeds.info(item["title"][:256], item["body"][:4096], colour=embeds.WARNING)
        embed.set_footer(text="Kept for you since you do not get DMs from me.")
        shown.append(embed)
    return shown
