"""The sweep's first stage for one guild: read every member a chunk at a time and run the
rules on each chunk, a slice of members at a time.

The stages overlap: while the rules evaluate chunk i, the next chunks are read from the
database, `SWEEP_READERS` ranges at once on as many
connections (the caller's and short-lived others from the same engine: SQLite in WAL mode
and PostgreSQL both serve concurrent readers, each on its own core). Chunks are consumed in
id order whatever order their reads finish in.

In the bot the rules run in its worker processes (`bot.core.workers`), beside the loop on
another core, a whole chunk at once as numpy arrays (`evaluate_whole_chunk`,
`bot.pitfalls.vectorised`). Without worker processes they run on the event loop in slices of
`SWEEP_RULES_SLICE` members (a few ms each), giving the loop a turn between slices, rather
than in a worker thread: Python threads share
one interpreter lock, so a thread busy with the rules never ran beside the loop's own
Python, and every time the loop waited on a socket it then waited up to the lock's switch
interval (5 ms) to get the lock back — measured, the whole sweep took longer that way.

No step holds the event loop for more than one chunk's rows (`SWEEP_CHUNK` members) or one
slice of the rules. Nothing is written here: the caller records the findings at the end
(`record_sweep`), so on SQLite the write lock is not held while the guild is read. The
extra readers see what is committed: the caller must not have written in its own
transaction the rows the sweep reads (the service reads first, then records).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import AsyncExitStack, aclosing, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.store.ranges import MemberRange
from bot.core.workers import CpuWorkers
from bot.pitfalls import store as rows
from bot.pitfalls.rules import Finding, evaluate_members
from bot.pitfalls.thresholds import PitfallThresholds

Found = list[Finding]


@dataclass
class Assessment:
    """What the rules found in a guild (members in id order)."""

    evaluated: int = 0
    found: Found = field(default_factory=list)
    #: Members who left the guild (never evaluated, never nudged).
    departed: set[int] = field(default_factory=set)


@asynccontextmanager
async def _readers(
    conn: AsyncConnection, count: int
) -> AsyncIterator[asyncio.Queue[AsyncConnection]]:
    """`conn` and up to `count - 1` more connections of its engine, as a queue of free ones
    (opened only when there is more than one range to read; closed on the way out)."""
    free: asyncio.Queue[AsyncConnection] = asyncio.Queue()
    free.put_nowait(conn)
    async with AsyncExitStack() as stack:
        for _ in range(count - 1):
            free.put_nowait(await stack.enter_async_context(conn.engine.connect()))
        yield free


async def guild_ranges(
    conn: AsyncConnection, guild_id: int, size: int = rows.SWEEP_CHUNK
) -> list[MemberRange]:
    """The guild's members cut into ranges of about `size` (together: every id)."""
    return MemberRange.split(await rows.member_edges(conn, guild_id, size))


async def read_chunks(
    conn: AsyncConnection,
    guild_id: int,
    now: datetime,
    t: PitfallThresholds,
    ranges: list[MemberRange],
    readers: int = rows.SWEEP_READERS,
) -> AsyncGenerator[rows.SweepChunk, None]:
    """The chunks of `ranges` in their order, read up to `readers` ranges at once."""
    async with _readers(conn, min(readers, len(ranges))) as free:

        async def read(users: MemberRange) -> rows.SweepChunk:
            # Waiters are served first come, first served: ranges start in id order.
            reader = await free.get()
            try:
                return await rows.read_chunk(reader, guild_id, now, t, users)
            finally:
                free.put_nowait(reader)

        pending: deque[asyncio.Task[rows.SweepChunk]] = deque()
        try:
            for users in ranges:
                pending.append(asyncio.create_task(read(users)))
                # One read more than there are readers waits for the first that is free.
                if len(pending) > readers:
                    yield await pending.popleft()
            while pending:
                yield await pending.popleft()
        finally:
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)


async def assess_guild(
    conn: AsyncConnection,
    guild_id: int,
    now: datetime,
    t: PitfallThresholds,
    size: int = rows.SWEEP_CHUNK,
    readers: int = rows.SWEEP_READERS,
    workers: CpuWorkers | None = None,
) -> Assessment:
    """Every member of the guild through the rules (members in id order).

    Given worker processes (`workers`, the bot's), each chunk's rules run there, on another
    core, while the next chunks are read; otherwise in slices on the loop."""
    out = Assessment()
    pool = workers if workers is not None and workers.processes > 0 else None
    evaluating: deque[asyncio.Future[tuple[int, Found]]] = deque()

    def settle(done: tuple[int, Found]) -> None:
        out.evaluated += done[0]
        out.found += done[1]

    # Closed at once if the rules fail: the reads still running are cancelled and their
    # connections given back now, not whenever the generator is collected.
    ranges = await guild_ranges(conn, guild_id, size)
    try:
        async with aclosing(read_chunks(conn, guild_id, now, t, ranges, readers)) as chunks:
            async for chunk in chunks:
                out.departed |= chunk.departed
                if pool is not None:
                    evaluating.append(
                        asyncio.ensure_future(pool.run(evaluate_whole_chunk, chunk, t))
                    )
                    if len(evaluating) > OFFLOADED_CHUNKS:  # a bounded number in flight
                        settle(await evaluating.popleft())
                else:
                    await evaluate_chunk(chunk, t, out)
        while evaluating:
            settle(await evaluating.popleft())
    finally:
        for unfinished in evaluating:
            unfinished.cancel()
    return out


#: Chunks handed to the worker processes and not yet collected: enough to keep a worker
#: busy while the next chunk is read, few enough that a big guild is never all in memory.
OFFLOADED_CHUNKS = 2


def evaluate_whole_chunk(chunk: rows.SweepChunk, t: PitfallThresholds) -> tuple[int, Found]:
    """The rules for all of a chunk's members at once, as arrays (in a worker process:
    nothing to interleave): `evaluate_members(chunk.members(), t)`, several times faster.
    numpy is imported here, not by the bot's own process (`warm_up` imports it early)."""
    from bot.pitfalls.vectorised import evaluate_arrays, parse_columns
    from bot.projects.api import most_stuck_arrays

    stuck = most_stuck_arrays(chunk.projects, chunk.shipped, chunk.now)
    totals = parse_columns(chunk.columns)
    return evaluate_arrays(totals, chunk.community, chunk.history, chunk.departed, stuck, t)


async def evaluate_chunk(
    chunk: rows.SweepChunk,
    t: PitfallThresholds,
    out: Assessment,
    slice_size: int = rows.SWEEP_RULES_SLICE,
) -> None:
    """The rules for a chunk's members, `slice_size` at a time with a turn for the event loop
    (and the chunks being read) between slices; what fires is added to `out` in id order."""
    members = chunk.members()
    while True:
        evaluated, found = evaluate_members(islice(members, slice_size), t)
        if not evaluated:
            return
        out.evaluated += evaluated
        out.found += found
        await asyncio.sleep(0)


def warm_up() -> None:
    """Imports the rules (a worker process that unpickles this function imports this module)
    and their arrays' numpy: the wait the first sweep's first chunk would otherwise have."""
    import bot.pitfalls.vectorised  # noqa: F401
    from bot.projects.api import most_stuck_arrays

    most_stuck_arrays([], frozenset(), datetime.now(UTC))  # imports its module
