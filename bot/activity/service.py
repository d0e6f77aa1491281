"""Recording activity: everything a member did, with its source, on their own local day."""

from __future__ import annotations

from datetime import datetime

from bot.activity import store as activity_rows
from bot.activity.rules import ACTIVITY_KINDS
from bot.core.clock import Clock
from bot.core.store import Store
from bot.core.time import local_date
from bot.members.api import GuildService, MemberService


class ActivityService:
    """Recording activity on the member's own local day."""

    def __init__(
        self, store: Store, clock: Clock, guilds: GuildService, members: MemberService
    ) -> None:
        self.store = store
        self.clock = clock
        self.guilds = guilds
        self.members = members

    async def record(
        self,
        guild_id: int,
        user_id: int,
        *,
        kind: str,
        minutes: int,
        source: str,
        topic: str | None = None,
        note: str | None = None,
        ref: str | None = None,
        at: datetime | None = None,
    ) -> int:
        """Store one activity row on the member's local date; returns its id."""
        if kind not in ACTIVITY_KINDS:
            raise ValueError(f"unknown activity kind {kind!r}")
        occurred = at or self.clock.now()
        context = await self.members.context(guild_id, user_id)
        day = local_date(occurred, context.zone)
        async with self.store.begin() as conn:
            return await activity_rows.add(
                conn,
                guild_id=guild_id,
                user_id=user_id,
                occurred_at=occurred,
                local_day=day,
                kind=kind,
                minutes=minutes,
                source=source,
                topic=topic,
                note=note,
                ref=ref,
            )
