"""How waiting reminders and nudges look when attached to a member's next reply.

A nudge (an item whose payload carries `nudge`, its row id) shows its suggested action and
gets its **On it** / **Not for me** buttons through `inbox_view`; a study-room session's
"what did you work on?" (payload `voice_tag`, its study-log entry) gets its tag buttons;
other items show as kept.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.core import embeds
from bot.core.persistent import PersistentView
from bot.core.text import shorten
from bot.pitfalls.views import feedback_buttons, nudge_card
from bot.studyrooms.views import tag_buttons

MAX_EMBEDS = 10
#: Discord allows 5 rows of 5 buttons; two per nudge.
MAX_NUDGE_BUTTON_PAIRS = 12
MAX_BUTTONS = 25


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


def _voice_tag_entry(item: dict[str, Any]) -> int | None:
    payload = item.get("payload") or {}
    entry = payload.get("voice_tag") if isinstance(payload, dict) else None
    return entry if isinstance(entry, int) else None


def inbox_view(items: list[dict[str, Any]]) -> discord.ui.View | None:
    """The buttons of the nudges and tag prompts among `items` (None when there is none);
    the first that fit Discord's 25 buttons (a tag prompt takes a row of five)."""
    view = PersistentView()
    pairs = 0
    for item in items[:MAX_EMBEDS]:
        payload = _nudge_payload(item)
        entry = _voice_tag_entry(item)
        if entry is not None and len(view.children) + 5 <= MAX_BUTTONS:
            guild_id = int(item["payload"].get("guild", item["guild_id"]))
            for tag in tag_buttons(guild_id, entry):
                view.add_item(tag)
        if payload is None or pairs >= MAX_NUDGE_BUTTON_PAIRS:
            continue
        if len(view.children) + 2 > MAX_BUTTONS:
            continue
        guild_id = int(payload.get("guild", item["guild_id"]))
        for button in feedback_buttons(guild_id, payload["nudge"]):
            view.add_item(button)
        pairs += 1
    return view if view.children else None
