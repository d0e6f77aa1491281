"""Plain-words helpers for text members read: counts with the right plural, cut text.

Pure (no Discord), so rules may use them too; `bot.core.text` re-exports them beside the
escaping helpers that need discord.py.
"""

from __future__ import annotations

import re
from typing import Final

ELLIPSIS: Final = "…"
#: Where a cut may end: before whitespace, so words stay whole.
_BREAK = re.compile(r"\s")
#: Trailing characters that read badly right before the ellipsis.
_DANGLING = " \t\n,;:-–—([{\\"


def plural(count: int, singular: str, many: str | None = None) -> str:
    """``count`` with its noun: ``plural(1, "day")`` is "1 day", ``plural(2, "day")``
    "2 days", ``plural(3, "entry", "entries")`` "3 entries"; thousands get separators."""
    noun = singular if count == 1 else (many if many is not None else singular + "s")
    return f"{count:,} {noun}"


def noun(count: int, singular: str, many: str | None = None) -> str:
    """The noun alone, in the form ``count`` needs ("day" or "days")."""
    return singular if count == 1 else (many if many is not None else singular + "s")


def shorten(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, ending in "…" when it had to be cut.

    The cut falls at the last word boundary when that keeps at least half of the room
    (a single very long word is cut inside it instead); dangling punctuation before the
    ellipsis is dropped.
    """
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    if limit == 1:
        return ELLIPSIS
    room = text[: limit - 1]
    boundary = max((m.start() for m in _BREAK.finditer(text, 0, limit)), default=-1)
    if boundary >= (limit - 1) // 2:
        room = text[:boundary]
    return room.rstrip(_DANGLING) + ELLIPSIS


def first_sentence(text: str, limit: int) -> str:
    """The first sentence (or line) of ``text``, shortened to ``limit`` with "…" if needed.

    What a list shows for an item that has no title of its own, e.g. a question.
    """
    flat = " ".join(text.split())
    match = re.search(r"(?<=[.?!])\s", flat)
    sentence = flat[: match.start()] if match else flat
    return shorten(sentence, limit)


def strength_text(value: float, answers: int) -> str:
    """A strength (0..1) on the one scale members see everywhere, with its sample size:
    "67% · 3 answers"."""
    return f"{round(100 * value)}% · {plural(answers, 'answer')}"
