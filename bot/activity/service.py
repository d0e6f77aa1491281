"""Recording activity: everything a member did, with its source, on their own local day."""

from __future__ import annotations

from dataclasses import KW_ONLY
from datetime import datetime
from typing import Unpack

from bot.activity import store as activity_rows
from bot.activity.store import ActivityFields
from bot.core.records import service
from bot.core.runtime import Core
from bot.core.time import local_date
from bot.members.api import MemberService


@service
class ActivityService:
    """The activity log's own-transaction entry point (`add_activity` is the in-transaction
    one; both write through `bot.activity.store.add`)."""

    core: Core
    _: KW_ONLY
    members: MemberService

    async def record(
        self,
        guild_id: int,
        user_id: int,
        *,
        at: datetime | None = None,
        **fields: Unpack[ActivityFields],
    ) -> int:
        """Store one activity row on the member's local date (now, or `at`); returns its id."""
        context = await self.members.context(guild_id, user_id)
        occurred = at or context.now
        async with self.core.store.begin() as conn:
            return await activity_rows.add(
                conn,
                guild_id=guild_id,
                user_id=user_id,
                occurred_at=occurred,
                local_day=local_date(occurred, context.zone),
                **fields,
            )
