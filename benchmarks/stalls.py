"""Where the event loop's thread was while the loop stood still: a developer's aid.

`StallSampler` beats on the loop every few ms; a thread of its own looks at that beat and,
while it is older than `threshold`, samples the loop thread's stack (`sys._current_frames`).
The stacks seen most often are where the loop's long blocks went — what a profile of the
whole day (cProfile: where the time went, not when it blocked) cannot say.

The sampling thread needs the GIL to look, so a sample lands at the interpreter's next
switch (every 5 ms by default): a block shows up as roughly one sample per 5 ms it lasted.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

#: Frames kept of each sampled stack, innermost last.
DEPTH = 14
#: Where the project's own code lives (a stall's frame is named by the innermost of these).
OUR_CODE = ("/bot/", "/cogs/", "/benchmarks/", "/tests/")


class StallSampler:
    def __init__(self, threshold: float = 0.025, interval: float = 0.002) -> None:
        self.threshold = threshold
        self.interval = interval
        self.stacks: Counter[tuple[str, ...]] = Counter()
        #: Each stall (the loop's beat unchanged from one sample to the next): its start
        #: (the beat it stalled after), its last sample, and the bot's innermost frame at
        #: each sample.
        self.episodes: dict[float, tuple[float, Counter[str]]] = {}
        self._beat = time.perf_counter()
        self._loop_thread = threading.get_ident()
        self._stop = threading.Event()

    async def _beating(self) -> None:
        while True:
            self._beat = time.perf_counter()
            await asyncio.sleep(0.005)

    def _watch(self) -> None:
        while not self._stop.wait(self.interval):
            if time.perf_counter() - self._beat > self.threshold:
                self._sample()

    def _sample(self) -> None:
        beat, now = self._beat, time.perf_counter()
        frame = sys._current_frames().get(self._loop_thread)
        stack: list[str] = []
        ours = ""
        while frame is not None:
            code = frame.f_code
            where = f"{_short(code.co_filename)}:{frame.f_lineno} {code.co_name}"
            if len(stack) < DEPTH:
                stack.append(where)
            if not ours and any(part in code.co_filename for part in OUR_CODE):
                ours = where
            frame = frame.f_back
        self.stacks[tuple(reversed(stack))] += 1
        _, frames = self.episodes.get(beat, (now, Counter()))
        frames[(ours or stack[0]) if stack else "?"] += 1
        self.episodes[beat] = (now, frames)

    def longest(self, top: int = 5) -> list[tuple[float, Counter[str]]]:
        """The `top` longest stalls: seconds from the beat they stalled after to their last
        sample, and where the loop thread was (its innermost frame of the bot's own code)."""
        spans = [(last - beat, frames) for beat, (last, frames) in self.episodes.items()]
        return sorted(spans, key=lambda span: -span[0])[:top]

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[StallSampler]:
        """Sample while the block runs (enter it on the loop's thread)."""
        self._loop_thread = threading.get_ident()
        beating = asyncio.create_task(self._beating(), name="stall-beat")
        watcher = threading.Thread(target=self._watch, name="stall-sampler", daemon=True)
        watcher.start()
        try:
            yield self
        finally:
            self._stop.set()
            watcher.join()
            beating.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beating

    def write(self, path: Path, top: int = 25) -> None:
        """The longest stalls, then the `top` stacks seen most often, with sample counts."""
        lines: list[str] = []
        for seconds, frames in self.longest():
            lines.append(f"stall of {1000 * seconds:.0f}+ ms")
            lines.extend(f"    {count} x {frame}" for frame, count in frames.most_common(6))
        for stack, count in self.stacks.most_common(top):
            lines.append(f"{count} samples")
            lines.extend(f"    {frame}" for frame in stack)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _short(filename: str) -> str:
    for marker in ("/site-packages/", "/lib/python3", "/work/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename
