"""Portfolio projects, check-ins, milestones, shipping, weekly accountability (issue 8).

`ProjectService` is the member's portfolio (`portfolio.py`: start, find, list, show, done,
drop, and the summary other features read) with its parts as attributes, each built here
from explicit collaborators:
- `checkins` (`checkins.py`): check-ins, and the reminders after 7 and 14 silent days;
- `milestones` (`milestones.py`): ticking milestones, shipping releases, the celebration;
- `weekly` (`weekly.py`): the weekly accountability post (a `GuildPost`) and its thread.
What they render for scheduled sends and DMs comes from a `ProjectRenderer` passed in at
wiring time (`bot.projects.views.ProjectViews`): services never import UI.
"""

from __future__ import annotations

from dataclasses import KW_ONLY

from bot.core.records import service
from bot.members.api import GuildService, Notifier
from bot.projects.service.checkins import Checkins
from bot.projects.service.milestones import Milestones
from bot.projects.service.models import (
    Celebrated,
    CelebrationRenderer,
    CheckinContext,
    CheckinResult,
    Event,
    Milestone,
    MilestoneResult,
    Project,
    ProjectDetail,
    ProjectRenderer,
    ReminderRenderer,
    RosterEntry,
    ShipResult,
    StartForm,
    WeeklyPost,
    WeeklyRenderer,
)
from bot.projects.service.portfolio import Portfolio
from bot.projects.service.reminders import REMINDER_KIND
from bot.projects.service.weekly import WeeklyAccountability


@service
class ProjectService(Portfolio):
    """The projects feature: the portfolio, plus `checkins`, `milestones` and `weekly`."""

    _: KW_ONLY
    guilds: GuildService
    notifier: Notifier
    renderer: ProjectRenderer  # `ProjectViews` at wiring time

    def __post_init__(self) -> None:
        """Build the parts over this portfolio."""
        self.weekly = WeeklyAccountability(self.core, guilds=self.guilds, renderer=self.renderer)
        self.checkins = Checkins(
            self.core,
            portfolio=self,
            weekly=self.weekly,
            notifier=self.notifier,
            renderer=self.renderer,
        )
        self.milestones = Milestones(
            self.core, portfolio=self, guilds=self.guilds, renderer=self.renderer
        )


__all__ = [
    "REMINDER_KIND",
    "Celebrated",
    "CelebrationRenderer",
    "CheckinContext",
    "CheckinResult",
    "Checkins",
    "Event",
    "Milestone",
    "MilestoneResult",
    "Milestones",
    "Portfolio",
    "Project",
    "ProjectDetail",
    "ProjectRenderer",
    "ProjectService",
    "ReminderRenderer",
    "RosterEntry",
    "ShipResult",
    "StartForm",
    "WeeklyAccountability",
    "WeeklyPost",
    "WeeklyRenderer",
]
