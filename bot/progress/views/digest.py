"""The weekly digest, and the `/settings tracking` and `/settings digest` confirmations."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.catalog.constants import QUESTION_CATEGORY_LABELS
from bot.core import embeds
from bot.core.text import plural, shorten
from bot.progress import rules
from bot.progress.views.common import kind_label, minutes

if TYPE_CHECKING:
    from bot.progress.service import DigestView


def tracking_embed(enabled: bool) -> discord.Embed:
    """`/settings tracking`: what counting community days means."""
    if enabled:
        return embeds.success(
            "Community tracking on",
            "Days you post in this server count as community activity (how many messages, "
            "capped per day — never what they say).",
        )
    return embeds.success(
        "Community tracking off",
        "Your messages are no longer counted. Pairing and `/log kind:community` still count.",
    )


def digest_settings_embed(enabled: bool) -> discord.Embed:
    """`/settings digest`: when the digest comes and what it holds."""
    if enabled:
        return embeds.success(
            "Weekly digest on",
            "Every Monday at 08:00 your time: last week's minutes against your goal, streak, "
            "reviews, project check-ins and one focus for the week. By DM if you allow DMs, "
            "else with your next command.",
        )
    return embeds.success("Weekly digest off", "No more weekly digests.")


def focus_label(view: DigestView) -> str:
    """The digest's one suggestion for the coming week, in words."""
    focus = view.digest.focus
    if focus.kind == "practice":
        return (
            "Build something: your theory outweighs practice. Pick one `/project` "
            "milestone or a coding session before the next course video."
        )
    if focus.kind == "interview":
        label = QUESTION_CATEGORY_LABELS.get(focus.detail, focus.detail)
        return f"Interview practice in **{label}**, your weakest category."
    if focus.kind == "roadmap":
        return f"Next roadmap skill: **{view.focus_skill}**."
    if focus.kind == "goal":
        return "Meet your weekly goal: block the time in your calendar now."
    return "Keep going: the same rhythm again this week."


def digest_embed(view: DigestView) -> discord.Embed:
    """Everything in the description: an inbox delivery keeps only title and description."""
    digest = view.digest
    lines = [f"**Week of {digest.week_start:%d %B}**"]
    study = f"Studied {minutes(digest.minutes)}"
    if digest.goal.goal_minutes:
        study += f" of your {minutes(digest.goal.goal_minutes)} goal " + (
            "— goal met ✅" if digest.goal.met else rules.progress_bar(digest.goal.fraction)
        )
    lines.append(study)
    kinds = ", ".join(f"{kind_label(k)} {minutes(v)}" for k, v in digest.by_kind.items() if v)
    if kinds:
        lines.append(f"({kinds}; theory : practice {digest.ratio_text})")
    lines.append(f"Streak: {plural(digest.streak, 'day')}")
    lines.append(
        f"Interview practice: {plural(digest.interview_sessions, 'session')} · "
        f"reviews due now: {digest.reviews_due}"
    )
    lines.append(f"Project check-ins and milestones: {digest.project_updates}")
    lines.append("")
    lines.append(f"**Focus this week:** {focus_label(view)}")
    return embeds.info(
        "Your week in review",
        shorten("\n".join(lines), 4000),
        footer="Weekly digest · /settings digest enabled:False stops it.",
    )
