"""The order in which a member meets questions they have not seen yet (pure).

Unseen questions used to come in catalog order, so every new member got the same first
question (and the same second). Now each member has an order of their own:

1. questions in the member's focus tracks (chosen in `/start`) first;
2. the easiest first, so the first question is a warm-up;
3. then a shuffle that is stable for the member — seeded by guild and user id, so it is the
   same on every call and after a restart — and different from other members'.

Due reviews always come before any of these (`rules.next_question`). Without a seed
(`CATALOG_ORDER`) the order is the catalog's, as for guild-wide choices.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from typing import TYPE_CHECKING

from bot.core.records import frozen

if TYPE_CHECKING:
    from bot.interview.rules import QuestionRef


def _stable_int(text: str) -> int:
    """A stable integer for `text` (Python's `hash` of a str changes per process)."""
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


@frozen
class NewQuestionOrder:
    """How one member's unseen questions are ordered (see the module docstring)."""

    focus: frozenset[str] = frozenset()  # track ids
    seed: int | None = None  # None: catalog order

    def key(self, question: QuestionRef) -> tuple[bool, int, int] | tuple[()]:
        """Sort key: smaller comes first. Equal keys keep catalog order (`min` is stable)."""
        if self.seed is None:
            return ()
        outside_focus = bool(self.focus) and not (question.tracks & self.focus)
        return (outside_focus, question.difficulty, _stable_int(f"{self.seed}:{question.id}"))


CATALOG_ORDER = NewQuestionOrder()


def member_order(guild_id: int, user_id: int, focus_tracks: Collection[str]) -> NewQuestionOrder:
    """The member's own order: their focus tracks, then a shuffle seeded by who they are."""
    return NewQuestionOrder(frozenset(focus_tracks), _stable_int(f"{guild_id}:{user_id}"))
