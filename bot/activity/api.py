"""The activity log as other features may use it (their only way in).

Two ways to write a row, both through `bot.activity.store.add`: `ActivityService.record`
in its own transaction, or `add_activity(conn, ...)` inside the caller's transaction (the
caller gives the member's local day, e.g. from `MemberService.context`). Features that record
study time use `bot.daily.api.record_study`, which calls `add_activity` and keeps the
member's cached streak current.
"""

from __future__ import annotations

from bot.activity.service import ActivityService
from bot.activity.store import ActivityFields, NewActivity
from bot.activity.store import add as add_activity
from bot.activity.store import set_kind as set_activity_kind
from bot.activity.tables import activity
from bot.core.kinds import ACTIVITY_KINDS, PRACTICE_KINDS, THEORY_KINDS, kind_for_track

__all__ = [
    "ACTIVITY_KINDS",
    "PRACTICE_KINDS",
    "THEORY_KINDS",
    "ActivityFields",
    "ActivityService",
    "NewActivity",
    "activity",
    "add_activity",
    "kind_for_track",
    "set_activity_kind",
]
