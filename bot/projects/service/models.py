"""What the projects service hands to the UI, and what it asks of the UI (renderers).

The renderers are Protocols: `bot.projects.views.ProjectViews` implements them and the
wiring passes it in, so the service never imports discord UI code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from datetime import date, datetime
from typing import Any, Literal, Protocol, cast

import discord

from bot.core.records import frozen
from bot.core.scheduling.guild_posts import Rendered
from bot.projects.rules import ACTIVE, CheckinDraft, MilestoneProgress, milestone_progress
from bot.projects.tables import Event as Event
from bot.projects.tables import MilestoneRow, ProjectRow

#: What became of a ship's celebration in the accountability channel.
Celebrated = Literal["posted", "no_channel", "failed", "duplicate"]


@frozen
class Milestone:
    """One milestone of a project, in order (`position` from 0)."""

    position: int
    title: str
    done_at: datetime | None

    @property
    def done(self) -> bool:
        """Whether it was ticked."""
        return self.done_at is not None


@frozen
class Project:
    """A portfolio project with its milestones."""

    id: int
    guild_id: int
    user_id: int
    title: str
    domain: str
    goal: str
    target_date: date
    link: str | None
    idea_id: str | None
    status: str
    progress: int
    target_moves: int
    created_at: datetime
    last_checkin_at: datetime | None
    stale_at: datetime | None
    shipped_at: datetime | None
    ship_count: int
    ended_at: datetime | None
    end_reason: str | None
    milestones: tuple[Milestone, ...] = ()

    @property
    def active(self) -> bool:
        """Whether it can still change (not done or dropped)."""
        return self.status == ACTIVE

    @property
    def stale(self) -> bool:
        """Whether it was marked stale (two silent weeks; a check-in revives it)."""
        return self.stale_at is not None

    @property
    def milestone_progress(self) -> MilestoneProgress:
        """Milestones done out of all."""
        return milestone_progress(m.done for m in self.milestones)

    @classmethod
    def from_row(cls, row: ProjectRow, milestones: list[MilestoneRow]) -> Project:
        """Build it from its stored row and its milestone rows."""
        stored = cast(Mapping[str, Any], row)
        return cls(
            **{name: stored[name] for name in _STORED_AS_IS},
            target_date=date.fromisoformat(row["target_date"]),
            milestones=tuple(
                Milestone(m["position"], m["title"], m["done_at"]) for m in milestones
            ),
        )


#: The `Project` fields read from its row unchanged.
_STORED_AS_IS = tuple(
    f.name for f in fields(Project) if f.name not in {"target_date", "milestones"}
)


@frozen
class ProjectDetail:
    """What `/project show` renders: the project and its latest events, oldest first."""

    project: Project
    events: tuple[Event, ...]


@frozen
class StartForm:
    """The start form's fields: what it is pre-filled with, or what the member typed."""

    title: str = ""
    domain: str = ""
    goal: str = ""
    target: str = ""
    link: str = ""
    idea_id: str | None = None


@frozen
class CheckinContext:
    """What the check-in modal needs, checked before it opens."""

    project: Project
    new_target: date | None
    public: bool | None
    minutes: int


@frozen
class CheckinResult:
    """A stored check-in: the project now, what was reported and where it was shared."""

    project: Project
    draft: CheckinDraft
    public: bool
    posted_in_thread: bool
    target_moved: bool


@frozen
class MilestoneResult:
    """A ticked milestone; `newly` is False when it was already done."""

    project: Project
    milestone: Milestone
    newly: bool


@frozen
class ShipResult:
    """A recorded release and what became of its celebration."""

    project: Project
    link: str | None
    note: str | None
    celebrated: Celebrated


@frozen
class RosterEntry:
    """A member listed in the weekly post: their active projects and last check-in."""

    user_id: int
    projects: int
    last_checkin_at: datetime | None


@frozen
class WeeklyPost:
    """The week's accountability post: members building right now, as of `now`."""

    day: date
    roster: tuple[RosterEntry, ...]
    now: datetime


# --- what the service asks of the UI ----------------------------------------------------


class WeeklyRenderer(Protocol):
    """The weekly post (with its thread and Check in button) and a check-in shared there."""

    def render_weekly(self, guild_id: int, post: WeeklyPost) -> Rendered:
        """Render the week's post: embed, Check in button and thread name."""
        ...

    def checkin_summary(self, user_id: int, project: Project, draft: CheckinDraft) -> discord.Embed:
        """Render a public check-in for the week's thread."""
        ...


class CelebrationRenderer(Protocol):
    """The ship celebration posted in the accountability channel."""

    def celebration(
        self, user_id: int, project: Project, link: str | None, note: str | None, ship_number: int
    ) -> discord.Embed:
        """Render the ship celebration (the member is named, never pinged)."""
        ...


class ReminderRenderer(Protocol):
    """The reminder after a silent week, and the notice that a project went stale."""

    def reminder(self, project: Project, now: datetime) -> discord.Embed:
        """Render the reminder after a silent week."""
        ...

    def stale(self, project: Project) -> discord.Embed:
        """Render the notice that a project went stale."""
        ...


class ProjectRenderer(WeeklyRenderer, CelebrationRenderer, ReminderRenderer, Protocol):
    """Everything the projects service renders (`bot.projects.views.ProjectViews`)."""
