"""What the `/setup` schedule commands share: their option descriptions, the weekday choices,
and one way to build a schedule command whose callback finds its post in the command's extras."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec

import discord
from discord import app_commands

from bot.core.checks import moderator_only
from bot.core.records import frozen

P = ParamSpec("P")


WEEKDAY_CHOICES = [
    app_commands.Choice(name=name, value=name[:3].lower())
    for name in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
]


@frozen
class ScheduledPost:
    """What one `/setup <post>` schedule command sets: the post's registry key, the title of
    its answer, and the words its option descriptions use."""

    kind: str
    title: str
    example: str
    what: str


def schedule_options(example: str, what: str, **when: str) -> dict[str, str]:
    """The option descriptions every `/setup <post>` schedule command shares; `when` describes
    the options that choose the day instead of `days`, a list of weekdays."""
    return {
        "time": f"Local server time, 24-hour HH:MM (e.g. {example})",
        **(when or {"days": "Weekdays: e.g. mon-fri, mon,wed,fri, weekends or daily"}),
        "enabled": f"False pauses {what}; true resumes it",
    }


def schedule_command(
    callback: Callable[Concatenate[Any, discord.Interaction[Any], P], Coroutine[Any, Any, None]],
    post: ScheduledPost,
    *,
    name: str,
    description: str,
) -> app_commands.Command[Any, P, None]:
    """One `/setup <post>` schedule command: the shared `callback` finds its post in the
    command's `extras`; moderators only, like every `/setup` command."""
    command: app_commands.Command[Any, P, None] = app_commands.Command(
        name=name, description=description, callback=callback, extras={"post": post}
    )
    command = app_commands.describe(**schedule_options(post.example, post.what))(command)
    return moderator_only()(command)
