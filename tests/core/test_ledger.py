"""deliver_once: the one claim -> send -> record routine of the delivery ledger."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.clock import FakeClock
from bot.core.errors import UserFacingError
from bot.core.scheduling.delivery import DeliveryFailed, Sent
from bot.core.scheduling.ledger import Delivered, deliver_once
from bot.core.store import Store
from bot.core.store import deliveries as ledger
from bot.core.store.schema import inbox

GUILD = 42


async def status(store: Store, key: str) -> str | None:
    async with store.connect() as conn:
        row = await ledger.get(conn, key)
    return None if row is None else str(row["status"])


async def test_sends_once_and_records_where_it_went(store: Store, clock: FakeClock) -> None:
    calls: list[str] = []

    async def send(key: str) -> Sent:
        calls.append(key)
        return Sent(channel_id=7, message_id=99)

    first = await deliver_once(store, clock, key="k", guild_id=GUILD, kind="t", send=send)
    second = await deliver_once(store, clock, key="k", guild_id=GUILD, kind="t", send=send)
    assert (first.status, second.status) == ("sent", "duplicate")
    assert calls == ["k"]  # the key is what the send passes to Discord as its nonce
    async with store.connect() as conn:
        row = await ledger.get(conn, "k")
    assert row is not None and (row["status"], row["message_id"]) == ("sent", 99)


@pytest.mark.parametrize(("permanent", "expected"), [(True, "failed"), (False, "retry")])
async def test_a_failed_send_is_recorded_failed_or_retryable(
    store: Store, clock: FakeClock, permanent: bool, expected: str
) -> None:
    async def send(key: str) -> Sent:
        raise DeliveryFailed("the channel no longer exists", permanent=permanent)

    outcome = await deliver_once(store, clock, key="k", guild_id=GUILD, kind="t", send=send)
    assert outcome.status == expected and outcome.failure is not None
    assert await status(store, "k") == expected


async def test_a_refusal_from_the_renderer_is_unavailable(store: Store, clock: FakeClock) -> None:
    async def send(key: str) -> Sent:
        raise UserFacingError("This server has no daily prompts loaded yet.")

    outcome = await deliver_once(store, clock, key="k", guild_id=GUILD, kind="t", send=send)
    assert (outcome.status, outcome.detail) == (
        "unavailable",
        "This server has no daily prompts loaded yet.",
    )
    assert await status(store, "k") == "failed"


async def test_an_unexpected_error_leaves_the_key_retryable_not_claimed(
    store: Store, clock: FakeClock
) -> None:
    async def send(key: str) -> Sent:
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError):
        await deliver_once(store, clock, key="k", guild_id=GUILD, kind="t", send=send)
    assert await status(store, "k") == "retry"

    async def works(key: str) -> Sent:
        return Sent(channel_id=7, message_id=1)

    again = await deliver_once(store, clock, key="k", guild_id=GUILD, kind="t", send=works)
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

    async def send(key: str) -> Delivered:
        return Delivered(detail="inbox", record=keep)

    outcome = await deliver_once(store, clock, key="k", guild_id=GUILD, kind="t", send=send)
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

    async def send(key: str) -> Sent:
        return Sent(channel_id=7, message_id=2)

    outcome = await deliver_once(
        store, clock, key="k", guild_id=GUILD, kind="t", send=send, claimed=True
    )
    assert outcome.status == "sent"
    assert await status(store, "k") == "sent"
