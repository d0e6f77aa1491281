"""Study recorded inside the caller's transaction, with the member's streak kept current.

Every feature that records study time (`/log`, interview practice, project check-ins, the
minutes chosen on the daily prompt's Done reply) writes it with `record_study`, in its own
transaction: the activity row, then the member's cached streak recomputed from their Done
days and their logged minutes per local day (`bot.daily.rules.study`). A feature that
deletes study (Undo, `/history`) calls `refresh_streak` after the delete. So the `streaks`
cache that leaderboards read never waits for the member's next Done.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Unpack

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.activity.api import NewActivity, add_activity
from bot.daily import store as daily_rows
from bot.daily.rules.streaks import StreakState, cached_streak
from bot.daily.rules.study import study_days


async def member_study_days(
    conn: AsyncConnection, guild_id: int, user_id: int, threshold: int, since: date | None = None
) -> tuple[set[date], dict[date, int]]:
    """The member's study days (since a local day, or ever) and their minutes per day."""
    done = await daily_rows.completion_days(conn, guild_id, user_id, since=since)
    minutes = await daily_rows.minutes_by_day(conn, guild_id, user_id, since=since)
    return study_days(done, minutes, threshold), minutes


async def refresh_streak(
    conn: AsyncConnection, guild_id: int, user_id: int, now: datetime
) -> StreakState | None:
    """Recompute and cache the member's streak (as of their last study day); None when they
    have no study day."""
    done, minutes, threshold = await daily_rows.study_facts(conn, guild_id, user_id)
    state = cached_streak(study_days(done, minutes, threshold))
    await daily_rows.save_streak_state(conn, guild_id, user_id, now, state)
    return state


async def record_study(
    conn: AsyncConnection, *, member_stored: bool = False, **row: Unpack[NewActivity]
) -> int:
    """One activity row on the member's local day (as `add_activity`, `member_stored` too),
    then their streak cache refreshed when the row adds minutes. Returns the row's id."""
    activity_id = await add_activity(conn, member_stored=member_stored, **row)
    if row["minutes"] > 0:
        await refresh_streak(conn, row["guild_id"], row["user_id"], row["occurred_at"])
    return activity_id
