"""User text is escaped before it is shown: no markdown tricks, no pings."""

from __future__ import annotations

import discord

from bot.core.errors import quoted


def escape(text: str | None, limit: int | None = None) -> str:
    """Escape markdown and mentions in member-provided text, then shorten to `limit`."""
    if not text:
        return ""
    cleaned = discord.utils.escape_mentions(discord.utils.escape_markdown(text))
    if limit is not None and len(cleaned) > limit:
        cleaned = cleaned[: max(0, limit - 1)].rstrip() + "…"
    return cleaned


def code(text: str, limit: int = 64) -> str:
    """Quote a short member-provided value inline, without letting it break the quoting."""
    return quoted(text, limit)
