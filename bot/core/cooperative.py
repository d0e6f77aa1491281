"""Long loops on the event loop must let other work run: a sweep over 100,000 members should
not freeze command replies for a second."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

#: How long a paced loop may hold the event loop before it gives others a turn. A member's
#: command crosses the loop a dozen times (gateway, database, reply), and meets a waiting
#: slice at each crossing: slices of 2 ms keep that under ~25 ms, where a count of items
#: (the old rule: every 500) made slices of 5-40 ms depending on the work per item.
SLICE_SECONDS = 0.002
#: Items between looks at the clock (reading it costs ~50 ns; the work per item is more).
CHECK_EVERY = 16


async def paced(
    items: Iterable[T],
    slice_seconds: float = SLICE_SECONDS,
    clock: Callable[[], float] = time.perf_counter,
) -> AsyncIterator[T]:
    """Yield `items`, giving the event loop a turn whenever `slice_seconds` of work passed."""
    deadline = clock() + slice_seconds
    for index, item in enumerate(items, 1):
        yield item
        if index % CHECK_EVERY == 0 and clock() >= deadline:
            await asyncio.sleep(0)
            deadline = clock() + slice_seconds
