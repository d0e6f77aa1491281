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

from bot.catalog import CatalogRegistry
from bot.core.runtime import Core
from bot.members.api import GuildService, MemberService, Notifier
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
    WeeklySchedule,
)
from bot.projects.service.portfolio import Portfolio
from bot.projects.service.reminders import REMINDER_KIND
from bot.projects.service.weekly import WeeklyAccountability


class ProjectService(Portfolio):
    """The projects feature: the portfolio, plus `checkins`, `milestones` and `weekly`."""

    def __init__(
        self,
        core: Core,
        *,
        catalog: CatalogRegistry,
        guilds: GuildService,
        members: MemberService,
        notifier: Notifier,
        renderer: ProjectRenderer,
    ) -> None:
        """Build the portfolio and its parts; `renderer` is `ProjectViews` at wiring time."""
        super().__init__(core, catalog=catalog, members=members)
        self.weekly = WeeklyAccountability(core, guilds=guilds, renderer=renderer)
        self.checkins = Checkins(
            core, portfolio=self, weekly=self.weekly, notifier=notifier, renderer=renderer
        )
        self.milestones = Milestones(core, portfolio=self, guilds=guilds, renderer=renderer)


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
    "WeeklySchedule",
]
