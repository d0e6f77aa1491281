"""What the `/setup` commands share: the schedule commands' options and the weekday choices."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec

from discord import app_commands

from bot.core.checks import moderator_only
from bot.studybot import Interaction

P = ParamSpec("P")

REWARD_OPTIONS = {
    "kind": "What is counted (monthly hours are taken back at the month's end)",
    "threshold": "Days, hours or projects to reach, e.g. 7",
    "role": "The role to give (it must be below my own role)",
}
WEEKDAY_CHOICES = [
    app_commands.Choice(name=name, value=name[:3].lower())
    for name in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
]


@dataclass(frozen=True)
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
    callback: Callable[Concatenate[Any, Interaction, P], Coroutine[Any, Any, None]],
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
