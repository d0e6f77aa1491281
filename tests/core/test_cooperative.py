"""`paced` hands the loop over by the time a slice took, not by a count of items."""

from __future__ import annotations

import asyncio
import itertools

from bot.core.cooperative import CHECK_EVERY, paced


class SteppingClock:
    """A clock that moves `step` seconds each time it is read (work per item, simulated)."""

    def __init__(self, step: float) -> None:
        self.step = step
        self.now = 0.0

    def __call__(self) -> float:
        self.now += self.step
        return self.now


async def _turns_while(items: list[int], clock: SteppingClock) -> tuple[list[int], int]:
    """Run `paced` over items while a rival task counts the loop turns it gets."""
    turns = 0
    stop = False

    async def rival() -> None:
        nonlocal turns
        while not stop:
            turns += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(rival())
    await asyncio.sleep(0)  # the rival is waiting for its next turn
    start = turns
    seen = [item async for item in paced(items, slice_seconds=0.002, clock=clock)]
    stop = True
    await task
    return seen, turns - start


async def test_slow_items_give_the_loop_a_turn_each_slice() -> None:
    items = list(range(10 * CHECK_EVERY))
    # 3 ms per clock read: a 2 ms slice is over at every look at the clock.
    seen, turns = await _turns_while(items, SteppingClock(0.003))
    assert seen == items
    assert turns == len(items) // CHECK_EVERY


async def test_fast_items_run_without_interruption() -> None:
    items = list(range(10 * CHECK_EVERY))
    # 1 microsecond per read: the whole loop fits in one slice.
    seen, turns = await _turns_while(items, SteppingClock(0.000001))
    assert seen == items
    assert turns == 0


async def test_any_iterable_and_empty() -> None:
    nothing: list[int] = []
    assert [x async for x in paced(nothing)] == []
    assert [x async for x in paced(itertools.islice(itertools.count(), 5))] == [0, 1, 2, 3, 4]
