"""`deliver_once`: the one claim -> send -> record routine of the delivery ledger.

Every scheduled or event-driven send (daily post, reminder, nudge, welcome, ship
celebration) goes through here, so the rules live in one place:
- the key is claimed first; a key someone else owns (or that was sent) is a "duplicate";
- the send gets an `Attempt`: the key becomes Discord's message nonce and the post's marker,
  so a retry after a crash between Discord accepting and the ledger recording returns the
  first message (by the nonce within Discord's window, by the marker after it);
- a permanent failure is recorded "failed", a transient one "retry"; a refusal from the
  renderer (`UserFacingError`, e.g. no content loaded) is "unavailable" and recorded failed;
- anything unexpected leaves the key retryable instead of stuck "claimed", then re-raises;
- `Delivered.record` runs in the same transaction that marks the key sent (e.g. the inbox
  row of a reminder), so a crash cannot leave one without the other.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.attempts import Attempt
from bot.core.clock import Clock
from bot.core.errors import UserFacingError
from bot.core.records import frozen
from bot.core.scheduling.delivery import DeliveryFailed, Sent
from bot.core.store import Store
from bot.core.store import deliveries as ledger
from bot.core.telemetry import Telemetry

OutcomeStatus = Literal["sent", "duplicate", "failed", "retry", "unavailable"]


@frozen
class Delivered:
    """What a send reports back: where it went, and what to store with the "sent" mark."""

    sent: Sent | None = None
    detail: str | None = None
    record: Callable[[AsyncConnection], Awaitable[object]] | None = None


@frozen
class Outcome:
    status: OutcomeStatus
    sent: Sent | None = None
    detail: str = ""
    failure: DeliveryFailed | None = None


Send = Callable[[Attempt], Awaitable[Sent | Delivered]]


async def deliver_once(
    store: Store,
    clock: Clock,
    *,
    key: str,
    guild_id: int,
    kind: str,
    send: Send,
    telemetry: Telemetry,
    claimed: Attempt | None = None,
) -> Outcome:
    """Claim `key`, run `send(attempt)`, record the result (and count it: `telemetry`).
    `claimed`: the caller already owns the key, with this attempt (the dispatcher claims a
    whole batch at once); a closed attempt sends nothing."""

    async def claim_send_record() -> Outcome:
        if claimed is not None and claimed.closed:
            return Outcome("duplicate", detail="already delivered")
        attempt = claimed or Attempt(key)
        if claimed is None:
            async with store.begin() as conn:
                number = await ledger.claim(conn, key, guild_id, kind, clock.now(), store.claimant)
            if number is None:
                return Outcome("duplicate", detail="already delivered")
            attempt = Attempt(key, earlier=number > 1)
        try:
            result = await send(attempt)
        except DeliveryFailed as failure:
            status: OutcomeStatus = "failed" if failure.permanent else "retry"
            async with store.begin() as conn:
                await ledger.finish(conn, key, status, clock.now(), detail=failure.reason)
            return Outcome(status, detail=failure.reason, failure=failure)
        except UserFacingError as refusal:
            async with store.begin() as conn:
                await ledger.finish(conn, key, "failed", clock.now(), detail=refusal.message)
            return Outcome("unavailable", detail=refusal.message)
        except Exception:
            async with store.begin() as conn:
                await ledger.finish(
                    conn, key, "retry", clock.now(), detail="interrupted by an error"
                )
            raise
        delivered = result if isinstance(result, Delivered) else Delivered(sent=result)
        sent = delivered.sent
        async with store.begin() as conn:
            if delivered.record is not None:
                await delivered.record(conn)
            await ledger.finish(
                conn,
                key,
                "sent",
                clock.now(),
                channel_id=sent.channel_id if sent else None,
                message_id=sent.message_id if sent else None,
                detail=delivered.detail,
            )
        return Outcome("sent", sent=sent)

    try:
        outcome = await claim_send_record()
    except Exception:
        telemetry.delivery(kind, "error")
        raise
    telemetry.delivery(kind, outcome.status)
    return outcome
