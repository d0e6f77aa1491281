"""The one way scheduled traffic reaches Discord: rate limited, classified failures.

Every scheduled send passes one limiter (sustained rate with a burst allowance; DMs paced by
their own, slower limiter) whatever discord.py does with 429s. Failures are sorted into
permanent (channel gone, permission lost, DMs closed: do not retry) and transient
(Discord 5xx after discord.py's own retries: retry later, a bounded number of times).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

import discord
from aiolimiter import AsyncLimiter

from bot.core.settings import Settings

log = logging.getLogger(__name__)

# Discord JSON error codes that will not fix themselves by retrying.
CANNOT_DM = 50007
MISSING_PERMISSIONS = 50013
MISSING_ACCESS = 50001
UNKNOWN_CHANNEL = 10003


def nonce_for(key: str) -> str:
    """Discord nonces are at most 25 characters: a stable digest of the ledger key."""
    return hashlib.sha256(key.encode()).hexdigest()[:25]


class DeliveryFailed(Exception):
    def __init__(self, reason: str, *, permanent: bool, code: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.code = code


@dataclass(frozen=True)
class Sent:
    channel_id: int
    message_id: int
    thread_id: int | None = None


def _classify(error: discord.HTTPException, what: str) -> DeliveryFailed:
    code = error.code
    if isinstance(error, discord.NotFound) or code == UNKNOWN_CHANNEL:
        return DeliveryFailed(f"{what} no longer exists", permanent=True, code=code)
    if code == CANNOT_DM:
        return DeliveryFailed("the member does not accept DMs", permanent=True, code=code)
    if isinstance(error, discord.Forbidden):
        return DeliveryFailed(
            f"I lost permission to post in {what}", permanent=True, code=code or MISSING_PERMISSIONS
        )
    return DeliveryFailed(f"Discord error {error.status}", permanent=False, code=code)


def _message_options(
    embed: discord.Embed, view: discord.ui.View | None, idempotency_key: str | None
) -> dict[str, Any]:
    """The send options a scheduled message carries: its embed, its view, and the ledger
    key as Discord's nonce (so a retry returns the first message instead of a second)."""
    options: dict[str, Any] = {"embed": embed}
    if idempotency_key is not None:
        options["nonce"] = nonce_for(idempotency_key)
    if view is not None:
        options["view"] = view
    return options


class Deliverer:
    def __init__(self, client: discord.Client, settings: Settings) -> None:
        self.client = client
        burst = settings.send_burst
        self.limiter = AsyncLimiter(burst, burst / settings.process_send_rate)
        self.dm_limiter = AsyncLimiter(1, 1 / settings.dm_rate_per_second)

    def system_channel_id(self, guild_id: int) -> int | None:
        guild = self.client.get_guild(guild_id)
        if guild is None or guild.system_channel is None:
            return None
        return guild.system_channel.id

    async def _channel(self, channel_id: int) -> discord.abc.Messageable:
        channel = self.client.get_channel(channel_id)
        if channel is None:
            try:
                async with self.limiter:
                    fetched = await self.client.fetch_channel(channel_id)
            except discord.HTTPException as error:
                raise _classify(error, "the channel") from error
            channel = fetched
        if not isinstance(channel, discord.abc.Messageable):
            raise DeliveryFailed("the channel is not a text channel", permanent=True)
        return channel

    async def to_channel(
        self,
        channel_id: int,
        *,
        embed: discord.Embed,
        view: discord.ui.View | None = None,
        content: str | None = None,
        thread_name: str | None = None,
        allowed_mentions: discord.AllowedMentions | None = None,
        idempotency_key: str | None = None,
    ) -> Sent:
        """Post to a channel. With `idempotency_key` (the ledger key), a retry after a crash
        between Discord accepting the post and the ledger recording it returns the first
        message instead of posting twice (Discord's enforce_nonce)."""
        channel = await self._channel(channel_id)
        kwargs = _message_options(embed, view, idempotency_key)
        kwargs["allowed_mentions"] = allowed_mentions or discord.AllowedMentions.none()
        try:
            async with self.limiter:
                message = await channel.send(content, **kwargs)
        except discord.HTTPException as error:
            raise _classify(error, "the channel") from error
        thread_id: int | None = None
        if thread_name and isinstance(channel, discord.TextChannel):
            try:
                async with self.limiter:
                    thread = await message.create_thread(name=thread_name[:100])
                thread_id = thread.id
            except discord.HTTPException:
                # A missing thread is not worth failing the post for.
                log.info("could not open a thread in channel %s", channel_id)
        return Sent(channel_id=message.channel.id, message_id=message.id, thread_id=thread_id)

    async def create_thread(self, channel_id: int, name: str) -> int:
        channel = await self._channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            raise DeliveryFailed("the channel cannot hold threads", permanent=True)
        try:
            async with self.limiter:
                thread = await channel.create_thread(
                    name=name[:100],
                    type=discord.ChannelType.public_thread,
                    auto_archive_duration=1440,
                )
        except discord.HTTPException as error:
            raise _classify(error, "the channel") from error
        return thread.id

    async def to_member(
        self,
        user_id: int,
        *,
        embed: discord.Embed,
        view: discord.ui.View | None = None,
        idempotency_key: str | None = None,
    ) -> Sent:
        try:
            async with self.dm_limiter, self.limiter:
                user = self.client.get_user(user_id) or await self.client.fetch_user(user_id)
                message = await user.send(**_message_options(embed, view, idempotency_key))
        except discord.HTTPException as error:
            raise _classify(error, "the DM channel") from error
        return Sent(channel_id=message.channel.id, message_id=message.id)
