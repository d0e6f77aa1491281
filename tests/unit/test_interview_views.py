"""The interview buttons' custom ids: members have old buttons on their messages, so the ids
(and what they parse back to) must never change."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.persistent import PersistentButton
from bot.interview.views import DYNAMIC_ITEMS
from bot.interview.views.pairing import PairDoneButton, PairKeyPointsButton, PairRateButton
from bot.interview.views.practice import HintButton, KeyPointsButton, NextButton, RateButton
from bot.interview.views.qotd import QotdPracticeButton

IDS: list[tuple[PersistentButton, str]] = [
    (HintButton(12, 2), "studybot:iv-hint:12:2"),
    (KeyPointsButton(7), "studybot:iv-keys:7"),
    (RateButton(7, "hard"), "studybot:iv-rate:7:hard"),
    (NextButton(None, None), "studybot:iv-next:-:0"),
    (NextButton("ml_system_design", 3), "studybot:iv-next:ml_system_design:3"),
    (NextButton(None, 2), "studybot:iv-next:-:2"),
    (QotdPracticeButton("coding-two-sum"), "studybot:iv-qotd:coding-two-sum"),
    (PairKeyPointsButton(5), "studybot:iv-pkeys:5"),
    (PairDoneButton(5), "studybot:iv-pdone:5"),
    (PairRateButton(5, 4), "studybot:iv-prate:5:4"),
]


@pytest.mark.parametrize(("button", "custom_id"), IDS)
def test_custom_ids_are_unchanged_and_parse_back(
    button: PersistentButton,
    custom_id: str,
) -> None:
    assert button.item.custom_id == custom_id
    matching = [
        cls for cls in DYNAMIC_ITEMS if cls.__discord_ui_compiled_template__.fullmatch(custom_id)
    ]
    assert matching == [type(button)]
    match = type(button).__discord_ui_compiled_template__.fullmatch(custom_id)
    assert match is not None
    build: Any = type(button)  # each subclass takes its fields as keyword arguments
    rebuilt = build(**type(button).fields_from(match))
    assert rebuilt.item.custom_id == custom_id


def test_next_button_keeps_no_filter_as_none() -> None:
    match = NextButton.__discord_ui_compiled_template__.fullmatch("studybot:iv-next:-:0")
    assert match is not None
    assert NextButton.fields_from(match) == {"category": None, "difficulty": None}


@pytest.mark.parametrize(
    "custom_id",
    [
        "studybot:iv-next:x:4",
        "studybot:iv-rate:1:meh",
        "studybot:iv-prate:1:6",
        "studybot:iv-qotd:a",
    ],
)
def test_ids_outside_the_old_patterns_match_nothing(custom_id: str) -> None:
    assert not any(
        cls.__discord_ui_compiled_template__.fullmatch(custom_id) for cls in DYNAMIC_ITEMS
    )
