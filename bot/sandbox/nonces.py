"""Discord's nonce window: ``enforce_nonce`` de-duplicates message creates only for a few
minutes, on the fake's own clock.

The clock is monotonic seconds plus an offset a test moves (:meth:`Nonces.advance`), so a
test can step past the window without waiting on the wall clock.
"""

from __future__ import annotations

import time

from bot.sandbox.models import FakeMessage

#: How long Discord remembers a nonce ("a few minutes"); the fake's default window.
NONCE_WINDOW_SECONDS = 300.0


class Nonces:
    """(channel id, nonce) -> the message first created with it, with when it was stored."""

    def __init__(self, window_seconds: float = NONCE_WINDOW_SECONDS) -> None:
        self.window_seconds = window_seconds
        self._offset = 0.0
        self._stored: dict[tuple[int, str], tuple[float, FakeMessage]] = {}

    def now(self) -> float:
        """The fake's clock: monotonic seconds plus every :meth:`advance` so far."""
        return time.monotonic() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the fake's clock on (never back)."""
        if seconds < 0:
            raise ValueError("the fake's clock only moves forward")
        self._offset += seconds

    def recall(self, channel_id: int, nonce: str) -> FakeMessage | None:
        """The message created with ``nonce`` in the channel within the window, if any (an
        older one is forgotten)."""
        key = (channel_id, nonce)
        stored = self._stored.get(key)
        if stored is None:
            return None
        stored_at, msg = stored
        if self.now() - stored_at >= self.window_seconds:
            del self._stored[key]
            return None
        return msg

    def remember(self, channel_id: int, nonce: str, msg: FakeMessage) -> None:
        self._stored[(channel_id, nonce)] = (self.now(), msg)

    def __len__(self) -> int:
        """Nonces stored, expired or not."""
        return len(self._stored)
