from __future__ import annotations

import itertools

from bot.daily.rules.prompts import PromptRef, choose_prompt, rotation_order

PROMPTS = [PromptRef(f"{t}-{i}", t) for t in ("math", "toolkit", "community") for i in range(4)]


def test_rotation_is_deterministic_per_guild_and_differs_between_guilds() -> None:
    assert rotation_order(PROMPTS, 1, 0) == rotation_order(PROMPTS, 1, 0)
    assert rotation_order(PROMPTS, 1, 0) != rotation_order(PROMPTS, 2, 0)


def test_rotation_spreads_tracks() -> None:
    order = rotation_order(PROMPTS, 5, 0)
    tracks = [p.split("-")[0] for p in order]
    assert all(a != b for a, b in itertools.pairwise(tracks))


def test_no_repeat_until_exhausted_then_a_new_cycle() -> None:
    used: list[str] = []
    cycle = 0
    for _ in range(len(PROMPTS)):
        prompt, cycle = choose_prompt(PROMPTS, 9, cycle, used)
        assert prompt not in used
        used.append(prompt)
    assert cycle == 0 and sorted(used) == sorted(p.id for p in PROMPTS)
    _, next_cycle = choose_prompt(PROMPTS, 9, cycle, used)
    assert next_cycle == 1
