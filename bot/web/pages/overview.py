"""The guild overview for moderators: members active, study hours per week, streaks,
pitfall detections and nudge outcomes, and how deliveries went (numbers only, never who).

The numbers sum the whole guild, so they are a snapshot recounted in the background every few
minutes (`bot.web.snapshots`, `context.OVERVIEW_SECONDS`); the page says when it was counted.
"""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import Response

from bot.activity.api import ACTIVITY_KINDS
from bot.catalog.constants import PITFALL_LABELS
from bot.core.records import frozen
from bot.health.service import HealthReport
from bot.pitfalls.results import GuildStats
from bot.pitfalls.rules import PITFALLS
from bot.progress.service import GuildTrends
from bot.web import svg
from bot.web.access import context_of, guild_access
from bot.web.render import page
from bot.wiring import Services

DELIVERY_ORDER = ("sent", "duplicate", "skipped", "claimed", "failed")


@frozen
class Numbers:
    """What the overview shows, read from the services in one go."""

    stats: GuildStats
    trends: GuildTrends
    health: HealthReport


async def numbers(services: Services, guild_id: int) -> Numbers:
    """The overview's numbers (the same services `/setup stats` and `/setup health` use)."""
    return Numbers(
        stats=await services.pitfalls.stats(guild_id),
        trends=await services.progress.trends.guild(guild_id),
        health=await services.health.report(guild_id),
    )


async def overview(request: Request) -> Response:
    """GET /g/{guild_id}/overview (moderators)."""
    access = await guild_access(request, moderator=True)
    ctx = context_of(request)
    snapshot = await ctx.overviews.get(
        access.guild_id, lambda: numbers(ctx.services, access.guild_id)
    )
    stats, trends, health = snapshot.value.stats, snapshot.value.trends, snapshot.value.health
    deliveries = sorted(
        health.deliveries_24h.items(),
        key=lambda kv: (DELIVERY_ORDER.index(kv[0]) if kv[0] in DELIVERY_ORDER else 99, kv[0]),
    )
    this_week = trends.weeks[-1].total if trends.weeks else 0
    return page(
        request,
        "overview.html",
        access=access,
        age_seconds=int(snapshot.age(time.monotonic())),
        stats=stats,
        hours_28=sum(stats.minutes_28.values()) / 60,
        hours_this_week=this_week / 60,
        weekly_chart=svg.weekly_hours(trends.weeks, ACTIVITY_KINDS),
        streak_chart=svg.horizontal_bars(trends.streaks, "Members by current streak"),
        streaking=sum(count for _, count in trends.streaks),
        flagged=[(PITFALL_LABELS.get(p, p), stats.flagged.get(p, 0)) for p in PITFALLS],
        nudges=stats.nudges_28,
        deliveries=deliveries,
        broken=sorted(health.broken.items()),
    )
