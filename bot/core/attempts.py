"""One try at sending a ledger key: its Discord nonce and the marker its post carries.

Below both the store (the dispatcher's batch claim hands out attempts) and the scheduling
layer (the deliverer sends with them), so neither imports the other for it.
"""

from __future__ import annotations

import hashlib

from bot.core.records import frozen


def nonce_for(key: str) -> str:
    """Discord nonces are at most 25 characters: a stable digest of the ledger key."""
    return hashlib.sha256(key.encode()).hexdigest()[:25]


@frozen
class Attempt:
    """One try at sending a ledger key: Discord's nonce and the post's marker come from the
    key; `earlier` says an earlier try may already have reached Discord (a re-claim).

    Discord de-duplicates a nonce for a few minutes only. So a keyed channel post also carries
    a short marker in its embed footer, and a re-claim first looks for it among the channel's
    latest messages: found, the post is recorded instead of sent again (`reconciled`)."""

    key: str
    earlier: bool = False
    #: The ledger holds this occurrence as over (sent, skipped, or failed for good) although
    #: its reminder is still due: a process stopped between the send and moving the row on.
    #: Nothing may be sent (`deliver_once` answers "duplicate"); the handler still runs, to
    #: say when the reminder is due next.
    closed: bool = False

    @property
    def nonce(self) -> str:
        return nonce_for(self.key)

    @property
    def marker(self) -> str:
        return f"ref {self.nonce[:8]}"
