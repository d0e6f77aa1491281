"""An ended study-room session becomes a study-log entry; 25+ minutes get a one-tap tag.

`close` runs inside the voice writer's transaction: it ends the session's row and, when it
counts (the minimum, the daily cap: `bot.studyrooms.rules.credit`), writes one `activity` row
through `bot.daily.api.record_study` (the member's streak cache is refreshed with it), source
`voice`, kind `community` until tagged. The "what did you work on?" prompt is delivered after
the commit, by a worker of its own (DMs are paced at 2/s; the writer must not wait for them):
a DM to members who opted in, else kept for their next command reply (the inbox). The
member's tap re-tags that same entry (`tag`): never a second entry.
"""

from __future__ import annotations

import logging
from dataclasses import KW_ONLY, field
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.activity.api import set_activity_kind
from bot.core.background import BatchWorker
from bot.core.errors import NotFoundError
from bot.core.records import service
from bot.core.runtime import Core
from bot.core.time import local_date
from bot.daily.api import record_study
from bot.members.api import MemberService, Notifier
from bot.studyrooms.rules import (
    UNTAGGED_KIND,
    VOICE_SOURCE,
    Ended,
    credit,
    session_minutes,
    validate_tag,
)
from bot.studyrooms.service.models import Tagged, TagPrompt, TagRenderer
from bot.studyrooms.service.rooms import RoomConfig
from bot.studyrooms.store import sessions as session_rows

log = logging.getLogger(__name__)

#: The ledger kind of the prompt (its key: `voice-tag:{guild}:{user}:{session}`).
PROMPT_KIND = "voice-tag"
GONE = "That study-room session is no longer in your log."


@service
class Credits:
    """Closing and crediting sessions, the tag prompt and the tap that answers it."""

    core: Core
    _: KW_ONLY
    rooms: RoomConfig
    members: MemberService
    notifier: Notifier
    renderer: TagRenderer
    prompts: BatchWorker[TagPrompt] = field(init=False)

    def __post_init__(self) -> None:
        """The prompt worker (one delivery at a time, in the order sessions ended)."""
        self.prompts = BatchWorker("voice-tag-prompts", self._deliver, max_batch=50)

    def needs_zone(self, guild_id: int, ended: Ended) -> bool:
        """Only a session that may count needs the member's zone (its local day)."""
        minutes = session_minutes(ended.session.started_at, ended.ended_at)
        return minutes >= self.rooms.of(guild_id).minimum_minutes

    async def zone(self, guild_id: int, user_id: int) -> ZoneInfo:
        """The member's zone (their own, else the guild's): their local day."""
        return (await self.members.context(guild_id, user_id)).zone

    async def close(
        self,
        conn: AsyncConnection,
        guild_id: int,
        user_id: int,
        ended: Ended,
        zone: ZoneInfo | None,
    ) -> TagPrompt | None:
        """End the session's row, credit it if it counts; the prompt to send, if any."""
        session = ended.session
        minutes = session_minutes(session.started_at, ended.ended_at)
        session_id = await session_rows.close(
            conn,
            guild_id,
            user_id,
            session,
            ended_at=ended.ended_at,
            minutes=minutes,
            reason=ended.reason,
        )
        settings = self.rooms.of(guild_id)
        if zone is None or minutes < settings.minimum_minutes:
            return None
        day = local_date(session.started_at, zone)
        already = await session_rows.room_minutes_on(conn, guild_id, user_id, day)
        earned = credit(
            minutes,
            minimum=settings.minimum_minutes,
            cap=settings.daily_cap_minutes,
            already=already,
        )
        activity_id = None
        if earned.credited:
            activity_id = await record_study(
                conn,
                guild_id=guild_id,
                user_id=user_id,
                occurred_at=session.started_at,
                local_day=day,
                kind=UNTAGGED_KIND,
                minutes=earned.credited,
                source=VOICE_SOURCE,
                ref=f"voice:{session_id}",
            )
        await session_rows.set_credit(
            conn, session_id, credited=earned.credited, local_day=day, activity_id=activity_id
        )
        if activity_id is None or not earned.prompts:
            return None
        return TagPrompt(
            guild_id,
            user_id,
            session_id,
            activity_id,
            session.channel_id,
            session.started_at,
            ended.ended_at,
            earned.credited,
        )

    async def _deliver(self, prompts: list[TagPrompt]) -> None:
        for prompt in prompts:
            embed, view = self.renderer.tag_prompt(prompt)
            g, u = prompt.guild_id, prompt.user_id
            try:
                await self.notifier.to_member(
                    g,
                    u,
                    key=f"{PROMPT_KIND}:{g}:{u}:{prompt.session_id}",
                    kind=PROMPT_KIND,
                    embed=embed,
                    view=view,
                    payload={"voice_tag": prompt.activity_id, "guild": g},
                )
            except Exception:  # one member's prompt must not stop the others'
                log.exception("could not deliver the tag prompt of session %s", prompt.session_id)

    async def tag(self, guild_id: int, user_id: int, activity_id: int, kind: str) -> Tagged:
        """The member says what a session was: its study-log entry takes that kind."""
        validate_tag(kind)
        async with self.core.store.begin() as conn:
            row = await session_rows.for_activity(conn, guild_id, activity_id)
            if row is None or row["user_id"] != user_id:
                raise NotFoundError(GONE)
            changed = await set_activity_kind(
                conn,
                guild_id=guild_id,
                user_id=user_id,
                activity_id=activity_id,
                kind=kind,
                source=VOICE_SOURCE,
            )
            if not changed:
                raise NotFoundError(GONE)
        return Tagged(
            guild_id,
            activity_id,
            kind,
            row["credited_minutes"],
            row["channel_id"],
            row["started_at"],
        )
