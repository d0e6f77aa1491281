"""Role rewards (pure): the kinds of threshold, their limits and wording, who qualifies, and
the period a grant belongs to (monthly rewards are taken back at the month's end)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from bot.core.errors import UserFacingError
from bot.core.wording import plural

#: The kinds, in the order `/setup rewards add` offers them.
KINDS = ("streak", "hours", "month_hours", "ships")
KIND_LABELS = {
    "streak": "Streak days",
    "hours": "Study hours in total",
    "month_hours": "Study hours this month",
    "ships": "Projects shipped",
}
#: The highest threshold of each kind (a month has at most 744 hours).
THRESHOLD_MAX = {"streak": 3650, "hours": 100_000, "month_hours": 744, "ships": 1000}
#: Rewards one server may keep.
MAX_REWARDS = 25
#: Kinds whose grants hold for one local month.
MONTHLY = frozenset({"month_hours"})


def validate(kind: str, threshold: int) -> None:
    """Refuse an unknown kind or a threshold outside 1..the kind's maximum."""
    if kind not in KINDS:
        raise UserFacingError(
            "Pick the kind from the list: streak days, study hours in total, study hours this "
            "month or projects shipped."
        )
    highest = THRESHOLD_MAX[kind]
    if not 1 <= threshold <= highest:
        raise UserFacingError(f"The threshold for {describe_kind(kind)} must be 1 to {highest:,}.")


def check_room(count: int) -> None:
    """Refuse a reward past `MAX_REWARDS` in a server."""
    if count >= MAX_REWARDS:
        raise UserFacingError(
            f"This server already has {MAX_REWARDS} role rewards; remove one first "
            "(`/setup rewards remove`)."
        )


def describe_kind(kind: str) -> str:
    return KIND_LABELS[kind].lower()


def describe(kind: str, threshold: int) -> str:
    """ "a 7-day streak", "10 study hours", "5 study hours this month", "1 project shipped"."""
    if kind == "streak":
        return f"a {threshold}-day streak"
    if kind == "hours":
        return f"{plural(threshold, 'study hour')}"
    if kind == "month_hours":
        return f"{plural(threshold, 'study hour')} this month"
    return f"{plural(threshold, 'project')} shipped"


def qualifies(kind: str, value: int, threshold: int) -> bool:
    """Whether a member's value reaches the threshold (hours kinds count minutes)."""
    if kind in ("hours", "month_hours"):
        return value >= threshold * 60
    return value >= threshold


def qualifying(kind: str, threshold: int, values: Mapping[int, int], skip: set[int]) -> list[int]:
    """Members whose value reaches the threshold, except `skip`, in id order."""
    return sorted(
        user
        for user, value in values.items()
        if user not in skip and qualifies(kind, value, threshold)
    )


def period(kind: str, today: date) -> str:
    """The period a grant belongs to: "" (for good) or the local month, "2026-03"."""
    return f"{today:%Y-%m}" if kind in MONTHLY else ""


def month_start(today: date) -> date:
    return today.replace(day=1)


def setting_key(reward_id: int) -> str:
    """The name a broken reward carries among the guild's broken settings."""
    return f"role reward {reward_id}"
