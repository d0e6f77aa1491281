"""Persistent answer buttons: one question, a few answers (Confirm/Cancel, Delete/Keep …).

A subclass declares its `prefix` (ending in "-"), `action: Literal[...]` as its first field,
any further fields, and `CHOICES`: each action's label and style in the order they show.
The custom id is then `studybot:<prefix><action>:<fields…>`, e.g.
`studybot:content-confirm:<token>`; `choices_view(**fields)` gives every answer in one view.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import discord

from bot.core.persistent import PersistentButton, PersistentView

#: Each action's label and button style, in the order the buttons show.
Choices = Mapping[str, tuple[str, discord.ButtonStyle]]


class ChoiceButton(PersistentButton):
    """One answer of a persistent question; see the module docstring."""

    CHOICES: ClassVar[Choices] = {}
    action: str

    def __init__(self, action: str, **values: object) -> None:
        label, style = self.CHOICES[action]
        button = discord.ui.Button[Any](label=label, style=style)
        super().__init__(button, action=action, **values)

    @classmethod
    def choices_view(cls, **values: object) -> discord.ui.View:
        """One button per answer, in a view that never times out."""
        return PersistentView(*(cls(action, **values) for action in cls.CHOICES))
