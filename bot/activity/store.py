"""Activity rows: everything a member did, with its source.

`add` is where every activity row is written: `ActivityService.record` calls it in its own
transaction, and other features call it as `bot.activity.api.add_activity` inside theirs.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Required, TypedDict, Unpack

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.activity.tables import activity
from bot.core.kinds import ACTIVITY_KINDS
from bot.core.store.rows import of_member
from bot.members.api import ensure_member_row


class ActivityFields(TypedDict, total=False):
    """What an activity row says besides who and when."""

    kind: Required[str]
    minutes: Required[int]
    source: Required[str]  # log, daily, practice, checkin ...
    topic: str | None
    note: str | None
    ref: str | None


class NewActivity(ActivityFields):
    """An activity row to write: whose, when and on which of the member's local days, and
    what (the keyword arguments of `add` and of everything that writes through it)."""

    guild_id: int
    user_id: int
    occurred_at: datetime
    local_day: date


async def add(
    conn: AsyncConnection, *, member_stored: bool = False, **row: Unpack[NewActivity]
) -> int:
    """One activity row on the member's local day; returns its id. The member's row is made
    in the same transaction if they have none yet (reads never create it, and the sweeps and
    leaderboards start from members). A caller that has just read the member's row (the
    interaction's `MemberContext.stored`) says so with `member_stored`, which skips that read:
    one round trip less while a sweep keeps the loop and the database busy."""
    if row["kind"] not in ACTIVITY_KINDS:
        raise ValueError(f"unknown activity kind {row['kind']!r}")
    if not member_stored:
        await ensure_member_row(conn, row["guild_id"], row["user_id"], row["occurred_at"])
    values = {name: value for name, value in row.items() if name != "local_day"}
    result = await conn.execute(
        insert(activity).values(local_date=row["local_day"].isoformat(), **values)
    )
    key = result.inserted_primary_key
    return int(key[0]) if key else 0


async def set_kind(
    conn: AsyncConnection, *, guild_id: int, user_id: int, activity_id: int, kind: str, source: str
) -> bool:
    """Re-tag the member's row `activity_id` of `source` as `kind` (a study-room session the
    member said they spent on a course, say); False when there is no such row. The minutes and
    the day stay, so the member's streak does not change."""
    if kind not in ACTIVITY_KINDS:
        raise ValueError(f"unknown activity kind {kind!r}")
    result = await conn.execute(
        update(activity)
        .where(
            activity.c.id == activity_id,
            of_member(activity, guild_id, user_id),
            activity.c.source == source,
        )
        .values(kind=kind)
    )
    return bool(result.rowcount)
