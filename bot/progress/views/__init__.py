"""What progress looks like: the log confirmation with Undo, history, the dashboard, the
roadmap, leaderboards, goals, onboarding, the welcome greeting and the weekly digest.

`ProgressViews` is the renderer the wiring hands to the services (scheduled and event-driven
posts); the cogs use the functions directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.progress.service import Greeting
from bot.progress.views.common import (
    KIND_DESCRIPTIONS,
    KIND_LABELS,
    SOURCE_LABELS,
    minutes,
    skill_autocomplete,
)
from bot.progress.views.dashboard import (
    BOARD_LABELS,
    CHART_FILENAME,
    PERIOD_LABELS,
    chart_file,
    dashboard_embed,
    leaderboard_embed,
)
from bot.progress.views.digest import (
    digest_embed,
    digest_settings_embed,
    focus_label,
    tracking_embed,
)
from bot.progress.views.log import (
    HistoryDeleteSelect,
    UndoButton,
    goal_embed,
    history_embed,
    history_view,
    log_embed,
    log_view,
    undone_embed,
)
from bot.progress.views.onboarding import (
    OnboardingSelect,
    StartButton,
    onboarding_embed,
    onboarding_view,
    public_board_embed,
    welcome_config_embed,
    welcome_post,
)
from bot.progress.views.roadmap import check_embed, roadmap_embed
from bot.progress.views.settings import settings_embed

if TYPE_CHECKING:
    from bot.progress.service import DigestView

__all__ = [
    "BOARD_LABELS",
    "CHART_FILENAME",
    "KIND_DESCRIPTIONS",
    "KIND_LABELS",
    "PERIOD_LABELS",
    "SOURCE_LABELS",
    "HistoryDeleteSelect",
    "OnboardingSelect",
    "ProgressViews",
    "StartButton",
    "UndoButton",
    "chart_file",
    "check_embed",
    "dashboard_embed",
    "digest_embed",
    "digest_settings_embed",
    "focus_label",
    "goal_embed",
    "history_embed",
    "history_view",
    "leaderboard_embed",
    "log_embed",
    "log_view",
    "minutes",
    "onboarding_embed",
    "onboarding_view",
    "public_board_embed",
    "roadmap_embed",
    "settings_embed",
    "skill_autocomplete",
    "tracking_embed",
    "undone_embed",
    "welcome_config_embed",
    "welcome_post",
]


class ProgressViews:
    """The progress renderer (`bot.progress.service.ProgressRenderer`)."""

    def welcome_post(self, guild_id: int, user_id: int) -> Greeting:
        """The welcome greeting with its Get started button."""
        return welcome_post(guild_id, user_id)

    def digest_embed(self, view: DigestView) -> discord.Embed:
        """The weekly digest."""
        return digest_embed(view)
