"""`/progress` (the dashboard with its chart) and `/leaderboard`."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import TYPE_CHECKING

import discord

from bot.activity.api import ACTIVITY_KINDS
from bot.catalog.constants import PITFALL_LABELS, QUESTION_CATEGORY_LABELS
from bot.core import embeds
from bot.core.text import escape, plural, shorten, strength_text
from bot.progress import rules
from bot.progress.views.common import KIND_LABELS, domain_label, minutes

if TYPE_CHECKING:
    from bot.progress.service import Dashboard, LeaderboardView

BOARD_LABELS = {
    "streak": "Streaks",
    "minutes": "Study minutes",
    "shipped": "Projects shipped",
    "reviews": "Interview reviews",
}
PERIOD_LABELS = {"week": "last 7 days", "month": "last 30 days", "all": "all time"}
CHART_FILENAME = "progress.png"


def _evidence_text(evidence: Mapping[str, object]) -> str:
    parts = []
    for key, value in list(evidence.items())[:6]:
        label = str(key).replace("_", " ")
        shown = f"{value:.1f}" if isinstance(value, float) else str(value)
        parts.append(f"{escape(label, 30)} {escape(shown, 60)}")
    return ", ".join(parts)


def _flags_text(dash: Dashboard) -> str:
    if not dash.flags:
        return "None right now."
    return "\n".join(
        f"⚠ **{PITFALL_LABELS.get(f.pitfall, escape(f.pitfall, 40))}**"
        + (f" — {_evidence_text(f.evidence)}" if f.evidence else "")
        for f in dash.flags
    )


def dashboard_embed(dash: Dashboard, who: str) -> discord.Embed:
    """The dashboard: readiness, streak, minutes by kind, projects, interviews, roadmap."""
    title = "Your progress" if dash.own else f"{who} — progress"
    readiness = dash.readiness
    embed = embeds.info(
        title,
        f"Job readiness **{readiness.score}/100** {rules.progress_bar(readiness.score / 100)}",
    )
    embed.add_field(
        name="Streak",
        value=f"{plural(dash.streak_current, 'day')} (best {dash.streak_best})",
        inline=True,
    )
    theory, practice = dash.theory_practice
    embed.add_field(
        name="Theory : practice (4 weeks)",
        value=rules.format_ratio(theory, practice),
        inline=True,
    )
    if dash.goal.goal_minutes:
        goal = (
            f"{minutes(dash.goal.done_minutes)} of {minutes(dash.goal.goal_minutes)} "
            f"{rules.progress_bar(dash.goal.fraction)}"
        )
    else:
        goal = f"{minutes(dash.goal.done_minutes)} · no goal set (`/goal`)"
    embed.add_field(name="This week", value=goal, inline=True)
    kinds = [
        f"{KIND_LABELS[k]}: {minutes(dash.last4.get(k, 0))}"
        for k in ACTIVITY_KINDS
        if dash.last4.get(k, 0)
    ]
    total = sum(dash.last4.values())
    embed.add_field(
        name=f"Last 4 weeks · {minutes(total)}",
        value="\n".join(kinds) or "Nothing logged yet — try `/log`.",
        inline=False,
    )
    portfolio = dash.portfolio
    projects = f"{portfolio.active} active · {portfolio.shipped} shipped"
    if portfolio.shipped_domains:
        projects += " (" + ", ".join(domain_label(d) for d in portfolio.shipped_domains) + ")"
    embed.add_field(name="Projects", value=projects, inline=True)
    if dash.strengths:
        strength = "\n".join(
            f"{QUESTION_CATEGORY_LABELS.get(c, escape(c, 40))}: "
            f"{strength_text(s, dash.interview_answers.get(c, 0))}"
            for c, s in sorted(dash.strengths.items())
        )
    else:
        strength = "No interview practice yet."
    embed.add_field(name="Interview strength", value=shorten(strength, 1024), inline=True)
    coverage = dash.coverage
    roadmap = f"{coverage.checked}/{coverage.total} skills ({round(coverage.fraction * 100)}%)"
    if dash.next_skill and dash.own:
        roadmap += f"\nNext: {dash.next_skill}"
    embed.add_field(name="Roadmap", value=roadmap, inline=True)
    parts = readiness.parts
    embed.add_field(
        name="Readiness score",
        value=(
            f"roadmap {parts['roadmap']:.0f}/35 · portfolio {parts['portfolio']:.0f}/25 · "
            f"interviews {parts['interview']:.0f}/25 · community {parts['community']:.0f}/15"
        ),
        inline=False,
    )
    if dash.own:  # pitfall flags are the member's own business, even on a public profile
        embed.add_field(name="Pitfall flags", value=shorten(_flags_text(dash), 1024), inline=False)
    embed.set_image(url=f"attachment://{CHART_FILENAME}")
    embed.set_footer(
        text="Readiness = roadmap 35 + shipped domains 25 + interview strength 25 + "
        "community days 15."
    )
    return embed


def chart_file(png: bytes) -> discord.File:
    """The dashboard's chart as the attachment its embed shows."""
    return discord.File(io.BytesIO(png), filename=CHART_FILENAME)


def _board_value(board: str, value: int) -> str:
    if board == "minutes":
        return minutes(value)
    if board == "streak":
        return plural(value, "day")
    if board == "shipped":
        return f"{value:,} shipped"
    return plural(value, "review")


def leaderboard_embed(view: LeaderboardView) -> discord.Embed:
    """A leaderboard: the top ten and the viewer's own rank."""
    period = "current streaks" if view.board == "streak" else PERIOD_LABELS[view.period]
    embed = embeds.info(f"Leaderboard — {BOARD_LABELS[view.board]} ({period})")
    if not view.available:
        embed.description = "This board is not available on this server yet."
        return embed
    ranked = view.ranked
    if ranked.top:
        embed.description = "\n".join(
            f"**{r.rank}.** <@{r.user_id}> — {_board_value(view.board, r.value)}"
            for r in ranked.top
        )
    else:
        embed.description = "Nobody on this board yet."
    if ranked.me is not None:
        me = f"#{ranked.me.rank} of {ranked.total} · {_board_value(view.board, ranked.me.value)}"
    elif view.viewer_opted_in:
        me = "Not ranked yet on this board."
    else:
        me = "You are not on the leaderboards: `/settings leaderboard enabled:True` to join."
    embed.add_field(name="You", value=me, inline=False)
    embed.set_footer(text="Only members who opted in are shown. Equal scores share a rank.")
    return embed
