"""The garbage collector's settings while the bot serves.

Everything loaded at start (modules, catalogs, caches, the member cache) lives as long as
the bot: `gc.freeze()` moves it out of the collector's sight, so a full collection no
longer walks ~150k objects and stalls the loop for 50-120 ms (`benchmarks/bench_voice.py`).

Young collections run every 20,000 allocations instead of 700: a whole-guild sweep allocates
by the million, and with the default every request in flight at a young collection was
promoted, until full collections (80-230 ms each, the loop stopped) ran dozens of times per
sweep; with these, about once (`benchmarks/bench_jobs.py` with gc callbacks).

A middle pass runs after every 2 young ones, not 20 (and a full pass after 100 middle ones,
not 10, so as rarely as before: every ~300 young passes). A middle pass walks everything
that survived the young passes since the last, and what survives a young pass in a serving
bot is mostly what it keeps (caches filling through the day): after 20 young passes, some
400,000 objects. The 1,000-guild day of `benchmarks/bench_many.py` stopped its loops for
127 and 141 ms in collector passes (its stall sampler caught them in the collector's
callback; no full pass ran all day); with these thresholds its longest stall was 43 ms. A
cache growing to 500,000 entries among throwaway work, alone in a process: the longest
middle pass 67 ms with (20000, 20, 10), 5 ms with (20000, 2, 100), and less collector time
in all (52 against 120 ms).

`leave` undoes both, so a process that runs bot after bot (the tests) frees each.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: The collector's thresholds while the bot serves.
SERVING_GC_THRESHOLDS = (20_000, 2, 100)

Thresholds = tuple[int, int, int]


def enter() -> Thresholds:
    """Freeze what is alive now and raise the thresholds; returns the thresholds to restore."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*SERVING_GC_THRESHOLDS)
    return before


def leave(before: Thresholds) -> None:
    """Hand the frozen objects back to the collector and restore `before`."""
    gc.unfreeze()
    gc.set_threshold(*before)


@contextmanager
def serving() -> Iterator[None]:
    """The serving settings for a block (benchmarks that run bot code without a bot)."""
    before = enter()
    try:
        yield
    finally:
        leave(before)
