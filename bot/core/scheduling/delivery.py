"""The one way scheduled traffic reaches Discord: rate limited, classified failures.

Every scheduled send passes one limiter (sustained rate with a burst allowance; DMs paced by
their own, slower limiter) whatever discord.py does with 429s. Failures are sorted into
permanent (channel gone, permission lost, DMs closed: do not retry) and transient
(Discord 5xx after discord.py's own retries: retry later, a bounded number of times).
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from aiolimiter import AsyncLimiter

from bot.core.attempts import Attempt
from bot.core.records import frozen
from bot.core.settings import Settings

log = logging.getLogger(__name__)

# Discord JSON error codes that will not fix themselves by retrying.
CANNOT_DM = 50007
MISSING_PERMISSIONS = 50013
MISSING_ACCESS = 50001
UNKNOWN_CHANNEL = 10003


#: How many of a channel's latest messages a resend looks through for its earlier post.
RECONCILE_LOOKBACK = 50


class DeliveryFailed(Exception):
    def __init__(self, reason: str, *, permanent: bool, code: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.code = code


@frozen
class Sent:
    channel_id: int
    message_id: int
    thread_id: int | None = None
    #: True when an earlier attempt's post was found instead of sending again.
    reconciled: bool = False


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
    embed: discord.Embed, view: discord.ui.View | None, attempt: Attempt | None
) -> dict[str, Any]:
    """The send options a scheduled message carries: its embed (marked, see `Attempt`), its
    view, and the ledger key as Discord's nonce (a retry within Discord's window returns the
    first message instead of a second)."""
    options: dict[str, Any] = {"embed": embed}
    if attempt is not None:
        options["nonce"] = attempt.nonce
        options["embed"] = marked(embed, attempt.marker)
    if view is not None:
        options["view"] = view
    return options


def marked(embed: discord.Embed, marker: str) -> discord.Embed:
    """A copy of `embed` whose footer ends with `marker`."""
    copy = embed.copy()
    footer = copy.footer.text
    copy.set_footer(
        text=f"{footer} · {marker}" if footer else marker, icon_url=copy.footer.icon_url
    )
    return copy


async def find_earlier_post(
    channel: discord.abc.Messageable, author_id: int | None, marker: str
) -> discord.Message | None:
    """The bot's message carrying `marker` among the channel's latest, if there is one."""
    async for message in channel.history(limit=RECONCILE_LOOKBACK):
        if message.author.id != author_id:
            continue
        if any(marker in (embed.footer.text or "") for embed in message.embeds):
            return message
    return None


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

    async def _earlier(
        self, channel: discord.abc.Messageable, attempt: Attempt | None
    ) -> discord.Message | None:
        """On a re-claim, the post an earlier attempt made (see `Attempt`), if any."""
        if attempt is None or not attempt.earlier:
            return None
        me = self.client.user.id if self.client.user else None
        try:
            async with self.limiter:
                return await find_earlier_post(channel, me, attempt.marker)
        except discord.HTTPException as error:
            # No Read Message History: the nonce is then the only guard against a repeat.
            log.info("could not look for an earlier post (%s)", error.status)
            return None

    async def to_channel(
        self,
        channel_id: int,
        *,
        embed: discord.Embed,
        view: discord.ui.View | None = None,
        content: str | None = None,
        thread_name: str | None = None,
        allowed_mentions: discord.AllowedMentions | None = None,
        attempt: Attempt | None = None,
    ) -> Sent:
        """Post to a channel. With `attempt` (a ledger key's), a resend after a crash between
        Discord accepting the post and the ledger recording it returns the first message
        instead of posting twice: by Discord's nonce, or after its window by the marker."""
        channel = await self._channel(channel_id)
        earlier = await self._earlier(channel, attempt)
        if earlier is not None:
            thread = earlier.thread
            log.info("channel %s: found the earlier post of %s", channel_id, attempt)
            return Sent(channel_id, earlier.id, thread.id if thread else None, reconciled=True)
        kwargs = _message_options(embed, view, attempt)
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
        attempt: Attempt | None = None,
    ) -> Sent:
        """A DM; with `attempt`, de-duplicated as `to_channel` does."""
        try:
            async with self.dm_limiter, self.limiter:
                user = self.client.get_user(user_id) or await self.client.fetch_user(user_id)
                dm = user.dm_channel or await user.create_dm()
                earlier = await self._earlier(dm, attempt)
                if earlier is not None:
                    return Sent(dm.id, earlier.id, reconciled=True)
                message = await dm.send(**_message_options(embed, view, attempt))
        except discord.HTTPException as error:
            raise _classify(error, "the DM channel") from error
        return Sent(channel_id=message.channel.id, message_id=message.id)
