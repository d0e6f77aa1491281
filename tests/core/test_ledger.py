"""deliver_once: the one claim -> send -> record routine of the delivery ledger."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.attempts import Attempt
from bot.core.clock import FakeClock
from bot.core.errors import UserFacingError
from bot.core.scheduling.delivery import DeliveryFailed, Sent
from bot.core.scheduling.ledger import Delivered, deliver_once
from bot.core.store import Store
from bot.core.store import deliveries as ledger
from bot.core.store.schema import inbox
from bot.core.telemetry import NO_TELEMETRY, InteractionOutcome

GUILD = 42


async def status(store: Store, key: str) -> str | None:
    async with store.connect() as conn:
        row = await ledger.get(conn, key)
    return None if row is None else str(row["status"])


async def test_sends_once_and_records_where_it_went(store: Store, clock: FakeClock) -> None:
    calls: list[str] = []

    async def send(attempt: Attempt) -> Sent:
        calls.append(attempt.key)
        assert not attempt.earlier  # a first claim: nothing can have reached Discord yet
        return Sent(channel_id=7, message_id=99)

    first = await deliver_once(
        store, clock, key="k", guild_id=GUILD, kind="t", send=send, telemetry=NO_TELEMETRY
    )
    second = await deliver_once(
        store, clock, key="k", guild_id=GUILD, kind="t", send=send, telemetry=NO_TELEMETRY
    )
    assert (first.status, second.status) == ("sent", "duplicate")
    assert calls == ["k"]  # the key is what the send passes to Discord as its nonce
    async with store.connect() as conn:
        row = await ledger.get(conn, "k")
    assert row is not None and (row["status"], row["message_id"]) == ("sent", 99)


@pytest.mark.parametrize(("permanent", "expected"), [(True, "failed"), (False, "retry")])
async def test_a_failed_send_is_recorded_failed_or_retryable(
    store: Store, clock: FakeClock, permanent: bool, expected: str
) -> None:
    async def send(attempt: Attempt) -> Sent:
        raise DeliveryFailed("the channel no longer exists", permanent=permanent)

    outcome = await deliver_once(
        store, clock, key="k", guild_id=GUILD, kind="t", send=send, telemetry=NO_TELEMETRY
    )
    assert outcome.status == expected and outcome.failure is not None
    assert await status(store, "k") == expected


async def test_a_refusal_from_the_renderer_is_unavailable(store: Store, clock: FakeClock) -> None:
    async def send(attempt: Attempt) -> Sent:
        raise UserFacingError("This server has no daily prompts loaded yet.")

    outcome = await deliver_once(
        store, clock, key="k", guild_id=GUILD, kind="t", send=send, telemetry=NO_TELEMETRY
    )
    assert (outcome.status, outcome.detail) == (
        "unavailable",
        "This server has no daily prompts loaded yet.",
    )
    assert await status(store, "k") == "failed"


async def test_an_unexpected_error_leaves_the_key_retryable_not_claimed(
    store: Store, clock: FakeClock
) -> None:
    async def send(attempt: Attempt) -> Sent:
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError):
        await deliver_once(
            store, clock, key="k", guild_id=GUILD, kind="t", send=send, telemetry=NO_TELEMETRY
        )
    assert await status(store, "k") == "retry"

    async def works(attempt: Attempt) -> Sent:
        # The first attempt may have reached Discord before the error: the resend knows.
        assert attempt.earlier and attempt.key == "k"
        return Sent(channel_id=7, message_id=1)

    again = await deliver_once(
        store, clock, key="k", guild_id=GUILD, kind="t", send=works, telemetry=NO_TELEMETRY
    )
    assert again.status == "sent"


async def test_record_runs_in_the_transaction_that_marks_the_key_sent(
    store: Store, clock: FakeClock
) -> None:
    async def keep(conn: AsyncConnection) -> None:
        await conn.execute(
            inbox.insert().values(
                guild_id=GUILD,
                user_id=5,
                kind="t",
                title="T",
                body="B",
                payload={},
                created_at=clock.now(),
            )
        )

    async def send(attempt: Attempt) -> Delivered:
        return Delivered(detail="inbox", record=keep)

    outcome = await deliver_once(
        store, clock, key="k", guild_id=GUILD, kind="t", send=send, telemetry=NO_TELEMETRY
    )
    assert outcome.status == "sent" and outcome.sent is None
    async with store.connect() as conn:
        kept = (await conn.execute(select(inbox.c.title))).scalars().all()
        row = await ledger.get(conn, "k")
    assert kept == ["T"] and row is not None and row["detail"] == "inbox"


async def test_a_key_already_claimed_by_the_caller_is_not_claimed_again(
    store: Store, clock: FakeClock
) -> None:
    async with store.begin() as conn:
        assert await ledger.claim(conn, "k", GUILD, "t", clock.now(), store.claimant)

    async def send(attempt: Attempt) -> Sent:
        return Sent(channel_id=7, message_id=2)

    outcome = await deliver_once(
        store,
        clock,
        key="k",
        guild_id=GUILD,
        kind="t",
        send=send,
        telemetry=NO_TELEMETRY,
        claimed=Attempt("k"),
    )
    assert outcome.status == "sent"
    assert await status(store, "k") == "sent"


class Recorded:
    """A `Telemetry` that remembers what it was told."""

    def __init__(self) -> None:
        self.deliveries: list[tuple[str, str]] = []

    def interaction(self, command: str, outcome: InteractionOutcome) -> None:
        raise AssertionError("deliver_once reports deliveries only")

    def component(self, component: str, outcome: InteractionOutcome) -> None:
        raise AssertionError("deliver_once reports deliveries only")

    def delivery(self, kind: str, outcome: str) -> None:
        self.deliveries.append((kind, outcome))

    def sweep(self, seconds: float) -> None:
        raise AssertionError("deliver_once reports deliveries only")


async def test_every_outcome_is_counted_by_kind(store: Store, clock: FakeClock) -> None:
    recorded = Recorded()

    async def works(attempt: Attempt) -> Sent:
        return Sent(channel_id=7, message_id=1)

    async def gone(attempt: Attempt) -> Sent:
        raise DeliveryFailed("the channel no longer exists", permanent=True)

    async def later(attempt: Attempt) -> Sent:
        raise DeliveryFailed("Discord error 502", permanent=False)

    async def nothing_to_send(attempt: Attempt) -> Sent:
        raise UserFacingError("no content loaded")

    async def crashes(attempt: Attempt) -> Sent:
        raise RuntimeError("bug")

    sends = [("a", works), ("a", works), ("b", gone), ("c", later), ("d", nothing_to_send)]
    for key, send in sends:
        await deliver_once(
            store, clock, key=key, guild_id=GUILD, kind="daily", send=send, telemetry=recorded
        )
    with pytest.raises(RuntimeError):
        await deliver_once(
            store, clock, key="e", guild_id=GUILD, kind="nudge", send=crashes, telemetry=recorded
        )
    assert recorded.deliveries == [
        ("daily", "sent"),
        ("daily", "duplicate"),
        ("daily", "failed"),
        ("daily", "retry"),
        ("daily", "unavailable"),
        ("nudge", "error"),
    ]


async def test_a_closed_attempt_sends_nothing_and_leaves_the_ledger_as_it_was(
    store: Store, clock: FakeClock
) -> None:
    """The dispatcher hands a still-due row whose occurrence is already over to its handler
    with a closed attempt: the handler runs, the send does not."""
    calls: list[str] = []

    async def send(attempt: Attempt) -> Sent:
        calls.append(attempt.key)
        return Sent(channel_id=7, message_id=99)

    first = await deliver_once(
        store, clock, key="k", guild_id=GUILD, kind="t", send=send, telemetry=NO_TELEMETRY
    )
    again = await deliver_once(
        store,
        clock,
        key="k",
        guild_id=GUILD,
        kind="t",
        send=send,
        telemetry=NO_TELEMETRY,
        claimed=Attempt("k", closed=True),
    )
    assert (first.status, again.status, again.detail) == ("sent", "duplicate", "already delivered")
    assert calls == ["k"]
    assert await status(store, "k") == "sent"
