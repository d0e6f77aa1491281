"""Sizes that keep the sweep's queries bounded and the event loop responsive."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

#: Ids per IN (...) list: far below every database's bind-parameter limit.
CHUNK = 500
#: Detections per INSERT .. SELECT (`record_detections`): the rows go over as one value,
#: so a slice costs the loop one JSON encode or three lists, not a parameter per column.
DETECTION_SLICE = 2000
#: Detections recorded per transaction by the service: the write (and SQLite's write lock)
#: is held for one such slice at a time, so members' own writes wait milliseconds, not the
#: seconds 100k detections take.
RECORD_SLICE = 2000
#: Members per range the sweep reads at once (`bot.pitfalls.store.sweep`): big enough that
#: the per-query overhead vanishes, small enough that no query or chunk holds anything long.
SWEEP_CHUNK = 5000
#: Ranges the sweep reads at once, each on its own connection (`bot.pitfalls.assess`): the
#: database works on two cores while the event loop decodes and a thread runs the rules.
SWEEP_READERS = 2
#: Members the rules evaluate per turn of the event loop (`bot.pitfalls.assess`): ~2 ms.
SWEEP_RULES_SLICE = 500
#: Rows per fetch of a streamed result: each fetch awaits the driver.
STREAM_PARTITION = 1000


def chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    """`ids` in lists of at most `CHUNK`."""
    for start in range(0, len(ids), CHUNK):
        yield list(ids[start : start + CHUNK])
