"""Text members read: escaped user text (no markdown tricks, no pings), counts with the right
plural and text cut with an ellipsis (the last two from `bot.core.wording`, which is pure)."""

from __future__ import annotations

import discord

from bot.core.errors import quoted
from bot.core.wording import ELLIPSIS, first_sentence, noun, plural, shorten, strength_text

__all__ = [
    "ELLIPSIS",
    "code",
    "escape",
    "first_sentence",
    "noun",
    "plural",
    "shorten",
    "strength_text",
]


def escape(text: str | None, limit: int | None = None) -> str:
    """Escape markdown and mentions in member-provided text, then shorten to `limit`."""
    if not text:
        return ""
    cleaned = discord.utils.escape_mentions(discord.utils.escape_markdown(text))
    if limit is not None:
        cleaned = shorten(cleaned, limit)
    return cleaned


def code(text: str, limit: int = 64) -> str:
    """Quote a short member-provided value inline, without letting it break the quoting."""
    return quoted(text, limit)
