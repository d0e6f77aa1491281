"""The member's one check-in reminder row (kind `project_checkin`), serving all their projects.

Every write that changes a member's active projects (start, check-in, done/drop, a reminder
served) points the row at the next threshold in the same transaction: 7 silent days -> a
reminder, 14 -> the project is stale; no active project -> no row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.store import reminders as reminder_rows
from bot.projects import store as project_rows
from bot.projects.rules import ACTIVE, SilenceInfo, plan_reminders

REMINDER_KIND = "project_checkin"
#: The notice (DM or inbox) that a project went stale; the reminder's kind is `REMINDER_KIND`.
STALE_KIND = "project_stale"


async def silence(conn: AsyncConnection, guild_id: int, user_id: int) -> list[SilenceInfo]:
    """How long each of the member's active projects has been silent."""
    rows = await project_rows.for_member(conn, guild_id, user_id, (ACTIVE,))
    return [
        SilenceInfo(
            project_id=r["id"],
            created_at=r["created_at"],
            last_checkin_at=r["last_checkin_at"],
            stale=r["stale_at"] is not None,
            reminded=r["reminded_at"] is not None,
        )
        for r in rows
    ]


async def reschedule(conn: AsyncConnection, guild_id: int, user_id: int, now: datetime) -> None:
    """Point the member's one reminder row at their next threshold (or remove it)."""
    plan = plan_reminders(await silence(conn, guild_id, user_id), now)
    if plan.next_due is None:
        await reminder_rows.remove(conn, guild_id, user_id, REMINDER_KIND)
    else:
        await reminder_rows.upsert(conn, guild_id, user_id, REMINDER_KIND, plan.next_due)
