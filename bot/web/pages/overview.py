"""The guild overview for moderators: members active, study hours per week, streaks,
pitfall detections and nudge outcomes, and how deliveries went (numbers only, never who)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.activity.api import ACTIVITY_KINDS
from bot.catalog.constants import PITFALL_LABELS
from bot.pitfalls.rules import PITFALLS
from bot.web import svg
from bot.web.access import context_of, guild_access
from bot.web.render import page

DELIVERY_ORDER = ("sent", "duplicate", "skipped", "claimed", "failed")


async def overview(request: Request) -> Response:
    """GET /g/{guild_id}/overview (moderators)."""
    access = await guild_access(request, moderator=True)
    services = context_of(request).services
    stats = await services.pitfalls.stats(access.guild_id)
    trends = await services.progress.trends.guild(access.guild_id)
    health = await services.health.report(access.guild_id)
    deliveries = sorted(
        health.deliveries_24h.items(),
        key=lambda kv: (DELIVERY_ORDER.index(kv[0]) if kv[0] in DELIVERY_ORDER else 99, kv[0]),
    )
    this_week = trends.weeks[-1].total if trends.weeks else 0
    return page(
        request,
        "overview.html",
        access=access,
        stats=stats,
        hours_28=sum(stats.minutes_28.values()) / 60,
        hours_this_week=this_week / 60,
        weekly_chart=svg.weekly_hours(trends.weeks, ACTIVITY_KINDS),
        streak_chart=svg.horizontal_bars(trends.streaks, "Members by current streak"),
        streaking=sum(count for _, count in trends.streaks),
        flagged=[(PITFALL_LABELS.get(p, p), stats.flagged.get(p, 0)) for p in PITFALLS],
        nudges=stats.nudges_28,
        deliveries=deliveries,
        failed=sum(n for status, n in health.deliveries_24h.items() if status == "failed"),
        broken=sorted(health.broken.items()),
    )
