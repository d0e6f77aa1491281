"""Long loops on the event loop must let other work run: a sweep over 100,000 members should
not freeze command replies for a second."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from typing import TypeVar

T = TypeVar("T")

DEFAULT_EVERY = 500


async def paced(items: Iterable[T], every: int = DEFAULT_EVERY) -> AsyncIterator[T]:
    """Yield `items`, giving the event loop a turn every `every` items."""
    for index, item in enumerate(items, 1):
        yield item
        if index % every == 0:
            await asyncio.sleep(0)
