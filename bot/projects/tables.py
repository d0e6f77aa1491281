"""Tables for bot/projects/service/, on the shared metadata (see schema.py), and the typed
rows `bot.projects.store` hands back.

A project keeps its summary on its own row (status, last check-in, last progress, target
moves, stale mark) so sweeps read one row per project; the history (check-ins, milestone
ticks, ships, target moves, done/drop with its reason) is appended to `project_events`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from sqlalchemy import BigInteger, Column, Index, Integer, String, Text

from bot.core.records import frozen
from bot.core.store import columns as col
from bot.core.store.schema import (
    guild_log,
    guild_settings,
    member_log,
    member_settings,
    metadata,
    table,
)

projects = member_log(
    "projects",
    Column("title", String(100), nullable=False),
    Column("domain", String(32), nullable=False),
    Column("goal", Text, nullable=False),
    col.iso_date("target_date"),  # member-local ISO date
    Column("link", String(300), nullable=True),
    Column("idea_id", String(64), nullable=True),
    Column("status", String(16), nullable=False),  # active | done | dropped
    col.counter("progress"),  # last reported 0-100
    col.counter("target_moves"),
    *col.timestamps(),
    col.instant("last_checkin_at", nullable=True),
    # The last check-in that changed progress, milestone tick or ship (perfectionism rule).
    col.instant("last_progress_at"),
    col.instant("stale_at", nullable=True),
    # When the 7-day reminder went out for the current silence (cleared by a check-in).
    col.instant("reminded_at", nullable=True),
    col.instant("shipped_at", nullable=True),  # first ship
    col.counter("ship_count"),
    col.instant("ended_at", nullable=True),
    Column("end_reason", Text, nullable=True),
    Index("ix_projects_member_status", "guild_id", "user_id", "status"),
    Index("ix_projects_guild_status", "guild_id", "status", "last_checkin_at"),
    Index("ix_projects_guild_shipped", "guild_id", "shipped_at", "user_id"),
)

project_milestones = table(
    "project_milestones",
    col.guild_key(),
    Column("project_id", Integer, primary_key=True, autoincrement=False),
    Column("position", Integer, primary_key=True, autoincrement=False),
    # The owner, so a member's data (export/delete) is found by `user_id` like elsewhere.
    Column("user_id", BigInteger, nullable=False),
    Column("title", String(100), nullable=False),
    col.instant("done_at", nullable=True),
)

project_events = guild_log(
    "project_events",
    Column("project_id", Integer, nullable=False),
    Column("user_id", BigInteger, nullable=False),
    # start | checkin | milestone | ship | target | stale | done | drop
    Column("kind", String(16), nullable=False),
    col.instant("occurred_at"),
    Column("progress", Integer, nullable=True),
    Column("did", Text, nullable=True),
    Column("blockers", Text, nullable=True),
    Column("next_step", Text, nullable=True),
    Column("link", String(300), nullable=True),
    Column("note", Text, nullable=True),
    Column("milestone", Integer, nullable=True),  # position, for milestone events
    Index("ix_project_events_project_time", "guild_id", "project_id", "occurred_at"),
)

project_prefs = member_settings(
    "project_prefs",
    # Public: check-in summaries go to the weekly thread and the member is listed there.
    col.flag("public_checkins", default=True),
)

accountability_schedule = guild_settings(
    "accountability_schedule",
    col.flag("enabled", default=True),
    col.counter("weekday"),  # 0 = Monday
    col.clock("post_time", default="10:30"),
)

accountability_weeks = table(
    "accountability_weeks",
    col.guild_key(),
    Column("week", String(8), primary_key=True),  # ISO week, e.g. 2026-W10
    Column("channel_id", BigInteger, nullable=False),
    Column("message_id", BigInteger, nullable=False),
    Column("thread_id", BigInteger, nullable=True),
    col.instant("posted_at"),
)


class NewProject(TypedDict):
    """What a new project is stored with besides its target day and milestones
    (`store.create`)."""

    guild_id: int
    user_id: int
    title: str
    domain: str
    goal: str
    link: str | None
    idea_id: str | None


class ProjectRow(NewProject):
    id: int
    target_date: str
    status: str
    progress: int
    target_moves: int
    created_at: datetime
    updated_at: datetime
    last_checkin_at: datetime | None
    last_progress_at: datetime
    stale_at: datetime | None
    reminded_at: datetime | None
    shipped_at: datetime | None
    ship_count: int
    ended_at: datetime | None
    end_reason: str | None


class MilestoneRow(TypedDict):
    guild_id: int
    project_id: int
    position: int
    user_id: int
    title: str
    done_at: datetime | None


@frozen
class Event:
    """One entry of a project's timeline: start, check-in, milestone, ship, target move …
    (the `project_events` columns `store.events` reads)."""

    kind: str
    occurred_at: datetime
    progress: int | None
    did: str | None
    blockers: str | None
    next_step: str | None
    link: str | None
    note: str | None
    milestone: int | None


class NewWeekPost(TypedDict):
    """Where a week's accountability post went (`store.save_week_post`)."""

    guild_id: int
    week: str
    channel_id: int
    message_id: int
    thread_id: int | None


class WeekPostRow(NewWeekPost):
    posted_at: datetime


class RosterRow(TypedDict):
    """One member of the weekly roster (see `store.weekly_roster`)."""

    user_id: int
    projects: int
    last_checkin_at: datetime | None
    first_created_at: datetime | None


__all__ = [
    "Event",
    "MilestoneRow",
    "NewProject",
    "NewWeekPost",
    "ProjectRow",
    "RosterRow",
    "WeekPostRow",
    "accountability_schedule",
    "accountability_weeks",
    "metadata",
    "project_events",
    "project_milestones",
    "project_prefs",
    "projects",
]
