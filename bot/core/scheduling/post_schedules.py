"""When a guild post goes out: its schedule, what it is called, and the table that stores it.

Split from `bot.core.scheduling.guild_posts` (which re-exports these names): the schedule types
are what the features, `/setup` and the dashboard share; the post machinery uses them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time
from typing import Any, NamedTuple, TypedDict, Unpack

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.records import frozen
from bot.core.store.rows import all_rows, first_row, save_guild_row
from bot.core.time import (
    WEEKDAY_LABELS,
    format_hhmm,
    format_weekdays,
    mask_to_weekdays,
    parse_hhmm,
    parse_weekday,
    parse_weekdays,
    weekdays_to_mask,
)


@frozen
class PostSchedule:
    """When a guild post goes out: the one schedule type of every guild post."""

    enabled: bool
    post_time: time
    weekdays: frozenset[int]
    #: False while a moderator never set it up (an opt-in post such as the question of the day)
    configured: bool = True

    def describe(self) -> str:
        state = "on" if self.enabled else "paused"
        if len(self.weekdays) == 1:  # a weekly post reads as "Mondays at 10:30"
            (day,) = self.weekdays
            return f"{state}, {WEEKDAY_LABELS[day]}s at {format_hhmm(self.post_time)}"
        return f"{state}, {format_hhmm(self.post_time)} on {format_weekdays(self.weekdays)}"


class PostKind(NamedTuple):
    """What a guild post is called and where it goes."""

    #: job ids and ledger keys ("daily", "qotd", "accountability")
    kind: str
    #: the guild channel role it goes to; the `/setup` command that configures it has its name
    channel: str
    #: its line in `/setup show` ("Daily prompt")
    label: str
    #: how moderators are told it failed ("The daily prompt")
    name: str


@frozen
class ScheduleTable:
    """Where a guild post keeps its schedules: one row per guild in `table` (enabled,
    post_time "HH:MM", and either a `weekdays` bit mask or, for a weekly post, one `weekday`),
    and the schedule of a guild that has no row yet."""

    table: Table
    default: PostSchedule

    def read(self, row: Mapping[str, Any] | None) -> PostSchedule:
        """The stored schedule, or the default."""
        if row is None:
            return self.default
        if "weekday" in row:
            weekdays = frozenset({int(row["weekday"])})
        else:
            weekdays = mask_to_weekdays(row["weekdays"])
        return PostSchedule(bool(row["enabled"]), parse_hhmm(row["post_time"]), weekdays)

    def columns(self, values: dict[str, Any]) -> dict[str, Any]:
        """`schedule_changes` values as this table stores them (a weekly post keeps one day)."""
        if "weekday" in self.table.c and "weekdays" in values:
            values = dict(values)  # `configure(weekday=…)` gives a weekly post exactly one day
            (values["weekday"],) = mask_to_weekdays(values.pop("weekdays"))
        return values

    async def load_all(self, conn: AsyncConnection) -> dict[int, PostSchedule]:
        """Every stored schedule (a guild without a row has the default)."""
        return {row["guild_id"]: self.read(row) for row in await all_rows(conn, select(self.table))}

    async def load(self, conn: AsyncConnection, guild_id: int) -> PostSchedule:
        of_guild = select(self.table).where(self.table.c.guild_id == guild_id)
        return self.read(await first_row(conn, of_guild))

    async def save(
        self, conn: AsyncConnection, guild_id: int, values: dict[str, Any], now: datetime
    ) -> PostSchedule:
        columns = self.columns(values)
        return self.read(await save_guild_row(conn, self.table, guild_id, now, **columns))

    async def guild_ids(self, conn: AsyncConnection) -> set[int]:
        """The guilds that have a row (ever changed the schedule)."""
        return {row["guild_id"] for row in await all_rows(conn, select(self.table.c.guild_id))}


class ScheduleChange(TypedDict, total=False):
    """What a moderator changes of a post's schedule (`/setup <post>`, the dashboard); a
    missing or None option stays as it is. `days` are the days of a post on several;
    `weekday` the one day of a weekly post."""

    post_time: str | None
    days: str | None
    weekday: str | None
    enabled: bool | None


def schedule_changes(**change: Unpack[ScheduleChange]) -> dict[str, Any]:
    """Column values for what a moderator changed; refuses bad input with a clear message."""
    values: dict[str, Any] = {}
    if (post_time := change.get("post_time")) is not None:
        values["post_time"] = format_hhmm(parse_hhmm(post_time))
    if (days := change.get("days")) is not None:
        values["weekdays"] = weekdays_to_mask(parse_weekdays(days))
    if (weekday := change.get("weekday")) is not None:
        values["weekdays"] = weekdays_to_mask({parse_weekday(weekday)})
    if (enabled := change.get("enabled")) is not None:
        values["enabled"] = enabled
    return values
