"""A walk over the command tree: used by /help and `studybot check --commands`.

Generated from the tree itself, so the help can never drift from the real commands.
"""

from __future__ import annotations

from typing import Any

from discord import app_commands

from bot.core.checks import requires_moderator
from bot.core.records import frozen


@frozen
class OptionInfo:
    name: str
    type: str
    required: bool
    description: str


@frozen
class CommandInfo:
    name: str  # full name, e.g. "settings timezone"
    description: str
    group: str  # top-level name
    group_description: str
    moderator: bool
    options: tuple[OptionInfo, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "moderator": self.moderator,
            "options": [
                {"name": o.name, "type": o.type, "required": o.required} for o in self.options
            ],
        }


def walk_commands(tree: app_commands.CommandTree[Any]) -> list[CommandInfo]:
    found: list[CommandInfo] = []
    for top in sorted(tree.get_commands(type=None), key=lambda c: c.name):
        if isinstance(top, app_commands.Group):
            for command in top.walk_commands():
                if isinstance(command, app_commands.Command):
                    found.append(_info(command, top))
        elif isinstance(top, app_commands.Command):
            found.append(_info(top, None))
    return found


def _info(
    command: app_commands.Command[Any, ..., Any], top: app_commands.Group | None
) -> CommandInfo:
    options = tuple(
        OptionInfo(
            name=param.display_name,
            type=param.type.name,
            required=param.required,
            description=param.description,
        )
        for param in command.parameters
    )
    return CommandInfo(
        name=command.qualified_name,
        description=command.description,
        group=top.name if top else command.name,
        group_description=top.description if top else command.description,
        moderator=requires_moderator(command),
        options=options,
    )
