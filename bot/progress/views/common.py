"""Labels and small helpers every progress view uses."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.catalog.constants import PROJECT_DOMAIN_LABELS
from bot.core.checks import guild_id_of
from bot.core.errors import UserFacingError
from bot.core.text import escape
from bot.progress import rules

if TYPE_CHECKING:
    from bot.studybot import StudyBot

KIND_LABELS = {
    "course": "Courses",
    "reading": "Reading",
    "math": "Math",
    "coding": "Coding",
    "project": "Projects",
    "interview": "Interviews",
    "community": "Community",
}
KIND_DESCRIPTIONS = {
    "course": "courses, tutorials, videos",
    "reading": "books, papers, docs",
    "math": "exercises",
    "coding": "DS&A practice",
    "project": "building",
    "interview": "interview practice",
    "community": "helping others, meetups, open source, writing",
}
SOURCE_LABELS = {
    "log": "/log",
    "daily": "daily prompt",
    "interview": "interview",
    "project": "project",
    "message": "messages",
    "practice": "interview practice",
    "mock": "mock interview",
    "pair": "pair interview",
    "checkin": "project check-in",
    "milestone": "milestone",
    "ship": "shipped",
    "voice": "study room",
    "focus": "focus session",
}


def minutes(value: int) -> str:
    """'45 min', '2 h', '3 h 20 min'."""
    return rules.format_minutes(value)


def kind_label(kind: str) -> str:
    """An activity kind in running text ('courses', 'coding' ...)."""
    return KIND_LABELS.get(kind, kind).lower()


def domain_label(domain: str) -> str:
    """A project domain as members read it ("Computer vision", never the slug "cv")."""
    return PROJECT_DOMAIN_LABELS.get(domain) or escape(domain, 30)


def owner_guild(interaction: discord.Interaction[StudyBot], user_id: int, refusal: str) -> int:
    """The guild of a click on a member's own component; refused for anyone else."""
    if interaction.user.id != user_id or interaction.guild_id is None:
        raise UserFacingError(refusal)
    return interaction.guild_id


def skill_autocomplete(
    interaction: discord.Interaction[StudyBot], current: str
) -> list[app_commands.Choice[str]]:
    """Roadmap skills matching what the member typed (the `topic` and `skill` options)."""
    roadmap = interaction.client.services.progress.roadmap
    choices = roadmap.skill_choices(guild_id_of(interaction), current)
    return [app_commands.Choice(name=name, value=skill_id) for name, skill_id in choices]
