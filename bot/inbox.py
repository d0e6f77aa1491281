"""How waiting reminders and nudges look when attached to a member's next reply.

A nudge (an item whose payload carries `nudge`, its row id) shows its suggested action and
gets its **On it** / **Not for me** buttons through `inbox_view`; other items show as kept.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.core import embeds
from bot.core.text import shorten
from bot.pitfalls.views import feedback_buttons, nudge_card

MAX_EMBEDS = 10
#: Discord allows 5 rows of 5 buttons; two per nudge.
MAX_NUDGE_BUTTON_PAIRS = 12


def _nudge_payload(item: dict[str, Any]) -> dict[str, Any] | None:
    payload = item.get("payload") or {}
    if isinstance(payload, dict) and isinstance(payload.get("nudge"), int):
        return payload
    return None


def inbox_embeds(items: list[dict[str, Any]]) -> list[discord.Embed]:
    """One embed per waiting item (at most `MAX_EMBEDS`): nudges as nudges, others as kept."""
    shown = []
    for item in items[:MAX_EMBEDS]:
        payload = _nudge_payload(item)
        if payload is not None:
            action = str(payload.get("action", ""))
            embed = nudge_card(item["title"], item["body"], action, payload["pitfall"])
        else:
            embed = embeds.info(
                shorten(item["title"], 256), shorten(item["body"], 4096), colour=embeds.WARNING
            )
            embed.set_footer(text="Kept for you since you do not get DMs from me.")
        shown.append(embed)
    return shown


def inbox_view(items: list[dict[str, Any]]) -> discord.ui.View | None:
    """The feedback buttons of the nudges among `items` (None when there is no nudge)."""
    view = discord.ui.View(timeout=None)
    pairs = 0
    for item in items[:MAX_EMBEDS]:
        payload = _nudge_payload(item)
        if payload is None or pairs >= MAX_NUDGE_BUTTON_PAIRS:
            continue
        guild_id = int(payload.get("guild", item["guild_id"]))
        for button in feedback_buttons(guild_id, payload["nudge"]):
            view.add_item(button)
        pairs += 1
    return view if pairs else None
