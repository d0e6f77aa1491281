"""The study log: `/log` (with Undo), `/history` and the weekly goal."""

from __future__ import annotations

from dataclasses import KW_ONLY
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.catalog import Catalog, CatalogRegistry
from bot.core.errors import UserFacingError
from bot.core.records import frozen, service
from bot.core.runtime import Core
from bot.daily.api import record_study, refresh_streak
from bot.members.api import MemberService
from bot.progress import rules
from bot.progress import store as rows
from bot.progress.service.shared import ProgressPrefs, resolve_skill, skill_name

HISTORY_SIZE = 15


@frozen
class LoggedEntry:
    """What `/log` saved, with the week so far."""

    id: int
    kind: str
    minutes: int
    topic: str | None  # display name (skill name or the member's text)
    note: str | None
    local_day: date
    week_minutes: int
    goal_minutes: int | None


@frozen
class HistoryEntry:
    """One activity row as `/history` lists it."""

    id: int
    occurred_at: datetime
    local_day: date
    kind: str
    minutes: int
    source: str
    topic: str | None
    note: str | None

    @property
    def deletable(self) -> bool:
        """Only what the member added with `/log` can be deleted."""
        return self.source == "log"

    @classmethod
    def from_row(cls, catalog: Catalog, row: rows.Entry) -> HistoryEntry:
        """The entry as `/history` shows it (the topic by its skill name)."""
        return cls(
            id=row["id"],
            occurred_at=row["occurred_at"],
            local_day=date.fromisoformat(row["local_date"]),
            kind=row["kind"],
            minutes=row["minutes"],
            source=row["source"],
            topic=skill_name(catalog, row["topic"]),
            note=row["note"],
        )


async def week_and_goal(
    conn: AsyncConnection, guild_id: int, user_id: int, today: date
) -> tuple[rules.WeekMinutes, int | None]:
    """The member's minutes by kind in the week of `today` (their local day), and their
    weekly goal (one statement)."""
    since = rules.week_start(today)
    day_rows, goal = await rows.minutes_and_goal(conn, guild_id, user_id, since)
    return rules.minutes_by_week(day_rows, today, 1)[0], goal


@service
class StudyLog:
    """What members log, and their weekly goal."""

    core: Core
    _: KW_ONLY
    catalog: CatalogRegistry
    members: MemberService
    prefs: ProgressPrefs

    async def add(
        self,
        guild_id: int,
        user_id: int,
        *,
        minutes: int,
        kind: str,
        topic: str | None = None,
        note: str | None = None,
    ) -> LoggedEntry:
        """`/log`: one entry on the member's local day, with the week so far."""
        rules.validate_minutes(minutes)
        rules.validate_kind(kind)
        cleaned_note = rules.clean_note(note)
        catalog = self.catalog.for_guild(guild_id)
        topic_id: str | None = None
        if topic is not None and topic.strip():
            try:
                topic_id = resolve_skill(catalog, topic)
            except UserFacingError:
                topic_id = rules.free_topic(topic)
        async with self.core.store.begin() as conn:
            context = await self.members.context_in(conn, guild_id, user_id)
            activity_id = await record_study(
                conn,
                member_stored=context.stored,
                guild_id=guild_id,
                user_id=user_id,
                occurred_at=context.now,
                local_day=context.today,
                kind=kind,
                minutes=minutes,
                source="log",
                topic=topic_id,
                note=cleaned_note,
            )
            week, goal = await week_and_goal(conn, guild_id, user_id, context.today)
        return LoggedEntry(
            id=activity_id,
            kind=kind,
            minutes=minutes,
            topic=skill_name(catalog, topic_id),
            note=cleaned_note,
            local_day=context.today,
            week_minutes=week.total,
            goal_minutes=goal,
        )

    async def undo(self, guild_id: int, user_id: int, activity_id: int) -> HistoryEntry:
        """The Undo button: delete a `/log` entry within 24 hours of logging it."""
        return await self._delete(guild_id, user_id, activity_id, undo=True)

    async def delete_entry(self, guild_id: int, user_id: int, activity_id: int) -> HistoryEntry:
        """Delete one of the member's own `/log` entries from `/history`."""
        return await self._delete(guild_id, user_id, activity_id, undo=False)

    async def _delete(
        self, guild_id: int, user_id: int, activity_id: int, *, undo: bool
    ) -> HistoryEntry:
        async with self.core.store.begin() as conn:
            row = await rows.entry(conn, guild_id, activity_id)
            if row is None:
                raise UserFacingError("That entry is already gone.")
            if row["user_id"] != user_id:
                raise UserFacingError("Only the member who logged this entry can change it.")
            if row["source"] != "log":
                raise UserFacingError(
                    "Only entries you added with `/log` can be deleted; the bot records the "
                    "rest (daily prompts, interviews, projects) from what you did."
                )
            if undo and not rules.undo_allowed(self.core.clock.now() - row["occurred_at"]):
                raise UserFacingError(
                    "Undo works for 24 hours. Use `/history` to delete older entries."
                )
            if not await rows.delete_entry(conn, guild_id, activity_id):
                raise UserFacingError("That entry is already gone.")
            # The day may no longer reach the streak's minutes: the cache follows.
            await refresh_streak(conn, guild_id, user_id, self.core.clock.now())
        return HistoryEntry.from_row(self.catalog.for_guild(guild_id), row)

    async def history(self, guild_id: int, user_id: int) -> list[HistoryEntry]:
        """`/history`: the member's latest entries, newest first."""
        async with self.core.store.connect() as conn:
            found = await rows.recent_entries(conn, guild_id, user_id, HISTORY_SIZE)
        catalog = self.catalog.for_guild(guild_id)
        return [HistoryEntry.from_row(catalog, row) for row in found]

    async def goal(self, guild_id: int, user_id: int) -> rules.GoalProgress:
        """`/goal`: the weekly goal and this week's minutes toward it."""
        context = await self.members.context(guild_id, user_id)
        async with self.core.store.connect() as conn:
            week, goal = await week_and_goal(conn, guild_id, user_id, context.today)
        return rules.goal_progress(goal, week)

    async def set_goal(self, guild_id: int, user_id: int, hours: int) -> rules.GoalProgress:
        """`/goal hours_per_week:`: save the weekly goal."""
        rules.validate_goal_hours(hours)
        await self.prefs.save(guild_id, user_id, goal_minutes=hours * 60)
        return await self.goal(guild_id, user_id)
