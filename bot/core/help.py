"""`/help`: an overview with one line per command group, and a menu that shows a group.

Generated from the command tree (`commands_info`), so it never drifts from the real commands.
The menu is persistent (its custom id carries nothing; the chosen group is the value), so it
keeps working after a restart; each choice re-checks who may see moderator groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord

from bot.core import embeds
from bot.core.commands_info import CommandInfo, walk_commands
from bot.core.errors import UserFacingError
from bot.core.persistent import PersistentSelect, PersistentView
from bot.core.records import frozen

if TYPE_CHECKING:
    from bot.studybot import StudyBot

OVERVIEW = "overview"
BASICS = "basics"
INTRO = (
    "Study every day, practise interviews, ship projects, and stay out of the four pitfalls. "
    "Everything personal is answered privately."
)
MENU_PLACEHOLDER = "Show the commands of a group"
MAX_OPTIONAL_SHOWN = 3


@frozen
class HelpSection:
    """One entry of the menu: a command group, or the stand-alone commands together."""

    key: str
    title: str
    description: str
    commands: tuple[CommandInfo, ...]

    @property
    def moderator(self) -> bool:
        """Only moderators' commands: shown to moderators only."""
        return all(command.moderator for command in self.commands)


def help_sections(commands: Sequence[CommandInfo], *, show_moderator: bool) -> list[HelpSection]:
    """The sections the viewer may see: the stand-alone commands first ("Basics": `/start`
    first, `/help` last), then each group in name order, moderator groups last; moderator
    commands only for moderators."""
    basics: list[CommandInfo] = []
    groups: dict[str, list[CommandInfo]] = {}
    descriptions: dict[str, str] = {}
    for command in commands:
        if command.moderator and not show_moderator:
            continue
        if command.name == command.group:
            basics.append(command)
        else:
            groups.setdefault(command.group, []).append(command)
            descriptions[command.group] = command.group_description
    sections = []
    basics.sort(key=lambda command: (command.name != "start", command.name == "help"))
    if basics:
        sections.append(
            HelpSection(
                BASICS, "Basics", "Set up, log your study and see your progress.", tuple(basics)
            )
        )
    sections.extend(
        HelpSection(name, f"/{name}", descriptions[name], tuple(found))
        for name, found in sorted(groups.items())
    )
    return sorted(sections, key=lambda section: section.moderator)  # stable: order kept


def usage(command: CommandInfo) -> str:
    """`/log minutes kind [topic] [note]`: required options, then up to three optional ones."""
    required = [option.name for option in command.options if option.required]
    optional = [f"[{option.name}]" for option in command.options if not option.required]
    if len(optional) > MAX_OPTIONAL_SHOWN:
        optional = [*optional[:MAX_OPTIONAL_SHOWN], "[…]"]
    return " ".join([f"/{command.name}", *required, *optional])


def _overview_line(section: HelpSection) -> str:
    if section.key == BASICS:
        names = " ".join(f"`/{command.name}`" for command in section.commands)
        return f"**{section.title}** · {names}"
    return f"**{section.title}** · {section.description}"


def overview_embed(sections: Sequence[HelpSection]) -> discord.Embed:
    """One line per section; moderator groups under their own heading."""
    lines = [INTRO, ""]
    member_sections = [s for s in sections if not s.moderator]
    moderator_sections = [s for s in sections if s.moderator]
    lines.extend(_overview_line(section) for section in member_sections)
    if moderator_sections:
        lines.extend(["", "**For moderators**"])
        lines.extend(_overview_line(section) for section in moderator_sections)
    embed = embeds.info("studybot — what I can do", "\n".join(lines)[:4096])
    footer = "Pick a group in the menu below to see its commands."
    if not moderator_sections:
        footer += " Moderators also see their own commands here."
    embed.set_footer(text=footer)
    return embed


def section_embed(section: HelpSection) -> discord.Embed:
    """A section's commands, one line each with their options ([optional])."""
    lines = [section.description, ""]
    for command in section.commands:
        line = f"`{usage(command)}` — {command.description}"
        if command.moderator and not section.moderator:
            line += " *(moderators)*"
        lines.append(line)
    title = section.title + (" (moderators)" if section.moderator else "")
    return embeds.info(
        title,
        "\n".join(lines)[:4096],
        footer="Options in [brackets] are optional. Back to all groups: Overview.",
    )


class HelpMenu(PersistentSelect, prefix="help-menu"):
    """The menu under `/help`: Overview, then one option per section the viewer may see."""

    def __init__(self, sections: Sequence[HelpSection] = (), chosen: str = OVERVIEW) -> None:
        options = [
            discord.SelectOption(
                label="Overview",
                value=OVERVIEW,
                description="Every group, one line each",
                default=chosen == OVERVIEW,
            )
        ]
        options.extend(
            discord.SelectOption(
                label=section.title,
                value=section.key,
                description=section.description[:100],
                default=chosen == section.key,
            )
            for section in sections[:24]  # Discord allows 25 options
        )
        super().__init__(discord.ui.Select[Any](placeholder=MENU_PLACEHOLDER, options=options))

    async def on_click(self, interaction: discord.Interaction[StudyBot]) -> None:
        chosen = self.item.values[0] if self.item.values else OVERVIEW
        embed, view = await help_reply(interaction, chosen)
        await interaction.response.edit_message(embed=embed, view=view)


async def sees_moderator_commands(interaction: discord.Interaction[Any]) -> bool:
    """Manage Server or the server's moderator role (False in DMs)."""
    member = interaction.user
    if interaction.guild is None or not isinstance(member, discord.Member):
        return False
    allowed: bool = await interaction.client.services.guilds.is_moderator(
        interaction.guild.id,
        {role.id for role in member.roles},
        manage_guild=member.guild_permissions.manage_guild,
    )
    return allowed


async def help_reply(
    interaction: discord.Interaction[Any], chosen: str = OVERVIEW
) -> tuple[discord.Embed, discord.ui.View]:
    """The embed for `chosen` (the overview, or a section) and the menu, for this viewer.

    A section the viewer may not see (a moderator group, or one that no longer exists) is
    refused, whatever the menu on an old message offered."""
    show_moderator = await sees_moderator_commands(interaction)
    sections = help_sections(walk_commands(interaction.client.tree), show_moderator=show_moderator)
    if chosen == OVERVIEW:
        return overview_embed(sections), PersistentView(HelpMenu(sections))
    section = next((s for s in sections if s.key == chosen), None)
    if section is None:
        raise UserFacingError(
            "That group is only for moderators, or no longer exists. `/help` shows what you "
            "can use."
        )
    return section_embed(section), PersistentView(HelpMenu(sections, chosen))
