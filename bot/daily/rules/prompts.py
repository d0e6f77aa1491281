"""Which prompt a guild gets on a given day.

Deterministic: the order is a shuffle seeded by the guild id and the cycle number, with
tracks interleaved so consecutive days differ in track. A guild walks the order without
repeats; when every prompt was used, a new cycle (new shuffle) starts.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence

from bot.core.records import frozen


@frozen
class PromptRef:
    id: str
    track: str


def rotation_order(prompts: Sequence[PromptRef], guild_id: int, cycle: int) -> list[str]:
    """All prompt ids, tracks interleaved round-robin, shuffled per (guild, cycle)."""
    rng = random.Random(f"{guild_id}:{cycle}")
    by_track: dict[str, list[str]] = {}
    for prompt in sorted(prompts, key=lambda p: p.id):
        by_track.setdefault(prompt.track, []).append(prompt.id)
    tracks = sorted(by_track)
    rng.shuffle(tracks)
    for ids in by_track.values():
        rng.shuffle(ids)
    order: list[str] = []
    while any(by_track.values()):
        for track in tracks:
            if by_track[track]:
                order.append(by_track[track].pop())
    return order


def choose_prompt(
    prompts: Sequence[PromptRef], guild_id: int, cycle: int, used_in_cycle: Collection[str]
) -> tuple[str, int]:
    """The next prompt id and the cycle it belongs to. Raises ValueError with no prompts."""
    if not prompts:
        raise ValueError("no prompts available")
    order = rotation_order(prompts, guild_id, cycle)
    for prompt_id in order:
        if prompt_id not in used_in_cycle:
            return prompt_id, cycle
    # Every prompt of this cycle was used (or the catalog shrank): start the next cycle.
    return rotation_order(prompts, guild_id, cycle + 1)[0], cycle + 1
