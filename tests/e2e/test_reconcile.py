"""A post Discord accepted but the ledger never recorded, resent after Discord's nonce window.

Discord de-duplicates a message nonce for a few minutes only (the fake forgets it after 300 s
on its own clock). A process that died between Discord accepting a post and the ledger marking
it sent retries it later, maybe much later: the resend first looks for the post's marker
(`ref …` in the embed footer) among the channel's latest messages and records what it finds.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.attempts import Attempt
from bot.core.scheduling.delivery import Sent
from bot.core.store import deliveries as ledger
from bot.sandbox import Sandbox
from tests.e2e.conftest import bot_of
from tests.e2e.test_daily import configure_daily, daily_posts


class CrashAfterSending(RuntimeError):
    """The process 'dies' right after Discord accepted the post."""


async def test_a_resend_after_the_nonce_window_finds_the_post_instead_of_repeating_it(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    await configure_daily(sb, "UTC")
    bot = bot_of(sb)
    daily = bot.services.posts["daily"]
    deliverer = bot.services.core.deliverer
    real_send = deliverer.to_channel
    attempts: list[Attempt | None] = []

    async def send_then_crash(channel_id: int, **options: Any) -> Sent:
        attempts.append(options.get("attempt"))
        await real_send(channel_id, **options)
        raise CrashAfterSending

    monkeypatch.setattr(deliverer, "to_channel", send_then_crash)
    with pytest.raises(CrashAfterSending):
        await daily.post(sb.guild.id)
    monkeypatch.setattr(deliverer, "to_channel", real_send)
    [first] = daily_posts(sb)
    first_attempt = attempts[0]
    assert first_attempt is not None and not first_attempt.earlier
    assert first_attempt.marker in first.text  # the marker is in the footer
    key = daily.key(sb.guild.id, bot.clock.now().date())
    async with bot.store.connect() as conn:
        row = await ledger.get(conn, key)
    assert row is not None and row["status"] == "retry"  # sent, but not recorded as sent

    # Past Discord's window the nonce no longer protects the resend (the fake's own tests
    # show a repeated nonce then posts again): only the marker can.
    sb.let_nonces_expire()
    result = await daily.post(sb.guild.id)
    assert result.status == "sent"
    assert [m.message_id for m in daily_posts(sb)] == [first.message_id]
    async with bot.store.connect() as conn:
        row = await ledger.get(conn, key)
    assert row is not None
    assert (row["status"], row["message_id"], row["attempts"]) == ("sent", first.message_id, 2)
