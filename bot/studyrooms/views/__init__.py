"""The study rooms' embeds and persistent buttons, and the renderer the service is wired
with (`StudyRoomsViews`: the tag prompt, and the focus board over the client)."""

from __future__ import annotations

from bot.core.scheduling.delivery import Deliverer
from bot.studyrooms.views.focus import (
    FocusButton,
    FocusPublisher,
    board_embed,
    board_view,
    clicked_embed,
    started_embed,
    stopped_embed,
)
from bot.studyrooms.views.setup import rooms_embed
from bot.studyrooms.views.tag import TagButton, TagViews, prompt_embed, tag_buttons, tagged_embed

#: Every persistent component of the feature (registered by its cogs).
DYNAMIC_ITEMS = (TagButton, FocusButton)


class StudyRoomsViews(TagViews, FocusPublisher):
    """The `StudyRoomsRenderer`: the tag prompt, and the focus board posted, edited and
    pinged through the Deliverer's client and limiter."""

    def __init__(self, deliverer: Deliverer) -> None:
        FocusPublisher.__init__(self, deliverer)


__all__ = [
    "DYNAMIC_ITEMS",
    "FocusButton",
    "StudyRoomsViews",
    "TagButton",
    "board_embed",
    "board_view",
    "clicked_embed",
    "prompt_embed",
    "rooms_embed",
    "started_embed",
    "stopped_embed",
    "tag_buttons",
    "tagged_embed",
]
