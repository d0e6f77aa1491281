"""A member's own progress: the `/progress` dashboard (its weekly chart drawn as inline SVG: the
PNG renderer of `/progress` takes a few hundred milliseconds a chart), their study history, and
their data as JSON or CSV (the `/privacy export`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from bot.activity.api import ACTIVITY_KINDS
from bot.catalog.constants import PITFALL_LABELS, QUESTION_CATEGORY_LABELS
from bot.core.text import strength_text
from bot.progress import rules
from bot.progress.views.common import KIND_LABELS, domain_label, minutes
from bot.web import svg
from bot.web.access import context_of, guild_access, not_found
from bot.web.render import page


async def my_progress(request: Request) -> Response:
    """GET /g/{guild_id}/me: the member's dashboard and recent history."""
    access = await guild_access(request)
    progress = context_of(request).services.progress
    user_id = access.viewer.user_id
    dash = await progress.dashboard.build(access.guild_id, user_id, user_id)
    history = await progress.log.history(access.guild_id, user_id)
    theory, practice = dash.theory_practice
    return page(
        request,
        "me.html",
        access=access,
        dash=dash,
        chart=svg.weekly_hours(dash.weeks, ACTIVITY_KINDS),
        history=history,
        minutes=minutes,
        kind_label=lambda kind: KIND_LABELS.get(kind, kind),
        last4=[(KIND_LABELS[k], dash.last4.get(k, 0)) for k in ACTIVITY_KINDS if dash.last4.get(k)],
        ratio=rules.format_ratio(theory, practice),
        domains=", ".join(domain_label(d) for d in dash.portfolio.shipped_domains),
        strengths=[
            (QUESTION_CATEGORY_LABELS.get(c, c), strength_text(s, dash.interview_answers.get(c, 0)))
            for c, s in sorted(dash.strengths.items())
        ],
        flags=[(PITFALL_LABELS.get(f.pitfall, f.pitfall), f) for f in dash.flags],
    )


async def export(request: Request) -> Response:
    """GET /g/{guild_id}/me/export.{json,csv}: everything stored about the member here."""
    access = await guild_access(request)
    if request.path_params["format"] not in ("json", "csv"):
        raise not_found()
    privacy = context_of(request).services.privacy
    user_id = access.viewer.user_id
    if request.path_params["format"] == "csv":
        data, media = await privacy.export_csv(access.guild_id, user_id), "text/csv"
    else:
        data, media = await privacy.export(access.guild_id, user_id), "application/json"
    name = f"studybot-{access.guild_id}-{user_id}.{request.path_params['format']}"
    return Response(
        data,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )
