"""Reaching one member: a DM where they opted in, else their next command reply (inbox).

Every send claims a ledger key first, so a reminder or nudge reaches a member once however
often the job runs. A DM that bounces (DMs closed) marks the member unreachable and falls
back to the inbox; it never breaks the sweep that sent it.
"""

from __future__ import annotations

import logging
from dataclasses import KW_ONLY
from typing import Any

import discord
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.attempts import Attempt
from bot.core.records import service
from bot.core.runtime import Core
from bot.core.scheduling.delivery import DeliveryFailed
from bot.core.scheduling.ledger import Delivered
from bot.core.store import inbox as inbox_rows
from bot.members.service.profiles import MemberService

log = logging.getLogger(__name__)


@service
class Notifier:
    """Reaching one member once: a DM where they opted in, else their next reply."""

    core: Core
    _: KW_ONLY
    members: MemberService

    async def to_member(
        self,
        guild_id: int,
        user_id: int,
        *,
        key: str,
        kind: str,
        embed: discord.Embed,
        view: discord.ui.View | None = None,
        prefer_dm: bool = True,
        payload: dict[str, Any] | None = None,
        claimed: Attempt | None = None,
    ) -> str:
        """Deliver once. Returns "dm", "inbox" or "duplicate".

        `claimed`: the caller already owns `key`, with this attempt (the dispatcher's batch
        claim)."""

        async def send(attempt: Attempt) -> Delivered:
            profile = await self.members.profile(guild_id, user_id)
            if prefer_dm and profile.can_dm:
                try:
                    sent = await self.core.deliverer.to_member(
                        user_id, embed=embed, view=view, attempt=attempt
                    )
                except DeliveryFailed as failure:
                    log.info("DM to %s failed (%s); using the inbox", user_id, failure.reason)
                    if failure.permanent:
                        await self.members.mark_dm_unreachable(guild_id, user_id)
                else:
                    return Delivered(sent=sent, detail="dm")

            async def keep_for_next_reply(conn: AsyncConnection) -> None:
                await inbox_rows.add(
                    conn,
                    guild_id,
                    user_id,
                    kind,
                    embed.title or kind,
                    embed.description or "",
                    self.core.clock.now(),
                    payload,
                )

            return Delivered(detail="inbox", record=keep_for_next_reply)

        outcome = await self.core.deliver_once(
            key=key, guild_id=guild_id, kind=kind, send=send, claimed=claimed
        )
        if outcome.status == "duplicate":
            return "duplicate"
        return "dm" if outcome.sent is not None else "inbox"

    async def take_inbox(self, guild_id: int, user_id: int) -> list[dict[str, Any]]:
        """Hand over (and mark delivered) what waited for the member's next reply."""
        async with self.core.store.connect() as conn:
            if not await inbox_rows.has_pending(conn, guild_id, user_id):
                return []
        async with self.core.store.begin() as conn:
            return await inbox_rows.take_pending(conn, guild_id, user_id, self.core.clock.now())
