"""Persistent components declare prefix and typed fields once; ids stay what they were."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

import discord
import pytest

from bot.core.persistent import Field, FixedButton, PersistentButton


class Done(PersistentButton, prefix="daily-done"):
    guild_id: int
    day: date

    def __init__(self, guild_id: int, day: date) -> None:
        super().__init__(discord.ui.Button[Any](label="Done"), guild_id=guild_id, day=day)


class Next(PersistentButton, prefix="iv-next"):
    category: Annotated[str | None, Field(r"[a-z_]+", none="-")]
    difficulty: Annotated[int | None, Field(r"[0-3]", none="0")]

    def __init__(self, category: str | None, difficulty: int | None) -> None:
        super().__init__(
            discord.ui.Button[Any](label="Next"), category=category, difficulty=difficulty
        )


class Feedback(PersistentButton, prefix="nudge-"):
    choice: Literal["on", "off"]
    guild_id: int
    row_id: int

    def __init__(self, choice: str, guild_id: int, row_id: int) -> None:
        super().__init__(
            discord.ui.Button[Any](label="x"), choice=choice, guild_id=guild_id, row_id=row_id
        )


def parse(cls: type[PersistentButton], custom_id: str) -> dict[str, object]:
    match = cls.__discord_ui_compiled_template__.fullmatch(custom_id)
    assert match is not None, custom_id
    return cls.fields_from(match)


def test_ids_are_the_ones_already_on_members_messages() -> None:
    # The formats the hand-written templates used, so old buttons keep working.
    assert Done(5, date(2026, 3, 2)).custom_id == "studybot:daily-done:5:2026-03-02"
    assert Next(None, None).custom_id == "studybot:iv-next:-:0"
    assert Next("math", 2).custom_id == "studybot:iv-next:math:2"
    assert Feedback("off", 3, 9).custom_id == "studybot:nudge-off:3:9"


def test_a_custom_id_parses_back_into_typed_fields() -> None:
    assert parse(Done, "studybot:daily-done:5:2026-03-02") == {
        "guild_id": 5,
        "day": date(2026, 3, 2),
    }
    assert parse(Next, "studybot:iv-next:-:0") == {"category": None, "difficulty": None}
    assert parse(Feedback, "studybot:nudge-on:3:9") == {"choice": "on", "guild_id": 3, "row_id": 9}


def test_ids_of_other_components_do_not_match() -> None:
    for other in ("studybot:daily-done:5", "studybot:nudge-maybe:3:9", "studybot:iv-next:X:9"):
        for cls in (Done, Next, Feedback):
            assert cls.__discord_ui_compiled_template__.fullmatch(other) is None


def test_a_field_named_like_a_discord_attribute_is_refused() -> None:
    with pytest.raises(TypeError, match="clash"):

        class Clash(PersistentButton, prefix="clash"):
            row: int


def test_a_fixed_button_shows_the_face_its_header_names() -> None:
    class Check(FixedButton, prefix="check", label="Check in", style=discord.ButtonStyle.primary):
        guild_id: int

    button = Check(7)
    assert (button.item.label, button.item.style) == ("Check in", discord.ButtonStyle.primary)
    assert button.custom_id == "studybot:check:7"


def test_a_fixed_button_without_a_label_is_refused_when_declared() -> None:
    with pytest.raises(TypeError, match="needs a label"):

        class Faceless(FixedButton, prefix="faceless"):
            guild_id: int
