"""What projects look like: embeds, the start/check-in/drop forms and persistent buttons.

Split by concern: `start` (the start form, catalog ideas), `checkins` (the check-in form,
the Check in button, reminders), `portfolio` (milestones, ships, done/drop, list, show),
`weekly` (the weekly post), `common` (shared pieces). `ProjectViews` is the renderer the
wiring hands to the service for scheduled posts and DMs.
"""

from __future__ import annotations

from bot.core.persistent import PersistentButton
from bot.projects.views.checkins import (
    CheckinButton,
    CheckinModal,
    checkin_done_embed,
    checkin_summary_embed,
    reminder_embed,
    stale_embed,
)
from bot.projects.views.common import domain_label, project_summary_line
from bot.projects.views.portfolio import (
    DropModal,
    celebration_embed,
    detail_embed,
    ended_embed,
    list_embed,
    milestone_embed,
    ship_embed,
)
from bot.projects.views.start import IdeaPageButton, IdeaStartButton, StartModal, idea_page
from bot.projects.views.weekly import weekly_embed, weekly_post

#: Registered once at start (`add_dynamic_items`): buttons that work on old messages.
PERSISTENT_ITEMS: tuple[type[PersistentButton], ...] = (
    CheckinButton,
    IdeaStartButton,
    IdeaPageButton,
)


class ProjectViews:
    """The `ProjectRenderer` the service gets at wiring time."""

    render_weekly = staticmethod(weekly_post)
    checkin_summary = staticmethod(checkin_summary_embed)
    celebration = staticmethod(celebration_embed)
    reminder = staticmethod(reminder_embed)
    stale = staticmethod(stale_embed)


__all__ = [
    "PERSISTENT_ITEMS",
    "CheckinButton",
    "CheckinModal",
    "DropModal",
    "IdeaPageButton",
    "IdeaStartButton",
    "ProjectViews",
    "StartModal",
    "celebration_embed",
    "checkin_done_embed",
    "checkin_summary_embed",
    "detail_embed",
    "domain_label",
    "ended_embed",
    "idea_page",
    "list_embed",
    "milestone_embed",
    "project_summary_line",
    "reminder_embed",
    "ship_embed",
    "stale_embed",
    "weekly_embed",
    "weekly_post",
]
