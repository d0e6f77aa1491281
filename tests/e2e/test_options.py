"""Every bounded option declares its range, and Discord refuses a bad value before sending.

The fake Discord enforces declared `min_value`/`max_value` and `min_length`/`max_length` as
Discord's client does: the command is never sent, so the bot never sees it.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.interview.rules import MOCK_MAX_QUESTIONS, MOCK_MIN_QUESTIONS
from bot.pitfalls.thresholds import THRESHOLD_LIMITS
from bot.progress.rules import MAX_GOAL_HOURS, MIN_GOAL_HOURS
from bot.sandbox import OptionRefused, Sandbox

JSON = dict[str, Any]


def _leaf_options(commands: list[JSON]) -> list[tuple[str, JSON]]:
    """(command path, option) for every value option of every synced command."""
    found: list[tuple[str, JSON]] = []

    def walk(options: list[JSON], path: str) -> None:
        for option in options:
            if option["type"] in (1, 2):
                walk(option.get("options") or [], f"{path} {option['name']}")
            else:
                found.append((path, option))

    for command in commands:
        walk(command.get("options") or [], command["name"])
    return found


async def test_every_number_and_text_option_declares_its_bounds(sb: Sandbox) -> None:
    """Numbers declare min and max; free text declares a maximum length (an autocompleted
    value at most Discord's 100 characters for a choice). Choices bound themselves."""
    unbounded = []
    for path, option in _leaf_options(sb.commands):
        if option.get("choices"):
            continue
        if option["type"] in (4, 10) and ("min_value" not in option or "max_value" not in option):
            unbounded.append(f"/{path} {option['name']}")
        if option["type"] == 3 and "max_length" not in option:
            unbounded.append(f"/{path} {option['name']}")
    assert unbounded == []


def _option(sb: Sandbox, path: str, name: str) -> JSON:
    return next(o for o in sb.command_options(path) if o["name"] == name)


async def test_declared_ranges_are_the_rules_ranges(sb: Sandbox) -> None:
    mock = _option(sb, "interview mock", "questions")
    assert (mock["min_value"], mock["max_value"]) == (MOCK_MIN_QUESTIONS, MOCK_MAX_QUESTIONS)
    goal = _option(sb, "goal", "hours_per_week")
    assert (goal["min_value"], goal["max_value"]) == (MIN_GOAL_HOURS, MAX_GOAL_HOURS)
    for name, (low, high) in THRESHOLD_LIMITS.items():
        threshold = _option(sb, "setup pitfalls", name)
        assert (threshold["min_value"], threshold["max_value"]) == (low, high), name


@pytest.mark.parametrize(
    ("moderator", "path", "options", "refused"),
    [
        (False, "interview mock", {"questions": 2}, "between 3 and 6"),
        (False, "interview mock", {"questions": 7}, "between 3 and 6"),
        (False, "log", {"minutes": 0, "kind": "math"}, "between 1 and 600"),
        (False, "log", {"minutes": 601, "kind": "math"}, "between 1 and 600"),
        (False, "goal", {"hours_per_week": 81}, "between 1 and 80"),
        (False, "settings reminders", {"hours_before": 13}, "between 1 and 12"),
        (False, "project checkin", {"minutes": 1441}, "between 0 and 1440"),
        (False, "project done", {"project": "1", "note": "x" * 501}, "at most 500 characters"),
        (False, "settings reminders", {"review_time": "18:00:00"}, "at most 5 characters"),
        (True, "setup pitfalls", {"gap_ratio": 0.5}, "between 1.0 and 100.0"),
        (True, "setup pitfalls", {"tutorial_days": 91}, "between 1 and 90"),
    ],
)
async def test_discord_refuses_an_out_of_range_value_before_the_bot_sees_it(
    sb: Sandbox, moderator: bool, path: str, options: JSON, refused: str
) -> None:
    member = sb.member("morgan" if moderator else "alice", moderator=moderator)
    with pytest.raises(OptionRefused) as error:
        await sb.slash(member, path, **options)
    assert refused in str(error.value)
    await sb.wait_idle()
    assert [e for _, e, _ in sb.fake.dispatched if e == "INTERACTION_CREATE"] == []
    assert not sb.fake.interactions  # the bot never saw the command


async def test_the_bounds_themselves_are_accepted(sb: Sandbox) -> None:
    alice = sb.member("alice")
    assert "Mock interview" in (await sb.slash(alice, "interview mock", questions=6)).all_text
    reply = await sb.slash(alice, "goal", hours_per_week=80)
    assert "80 h" in reply.all_text
