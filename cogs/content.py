"""/content: moderators upload, inspect, disable, roll back and export content packs."""

from __future__ import annotations

import io
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, ParamSpec, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.content import views as content_ui
from bot.core.checks import guild_id_of, moderator_only, write_cooldown
from bot.core.options import Picked
from bot.studybot import Interaction, StudyBot, reply

T = TypeVar("T")
P = ParamSpec("P")


async def _pack_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    ids = await interaction.client.services.content.pack_choices(interaction.guild_id, current)
    return [app_commands.Choice(name=i, value=i) for i in ids]


async def _version_autocomplete(
    interaction: Interaction, current: str
) -> list[app_commands.Choice[str]]:
    pack = getattr(interaction.namespace, "pack", None)
    if interaction.guild_id is None or not isinstance(pack, str):
        return []
    found = await interaction.client.services.content.version_choices(
        interaction.guild_id, pack, current
    )
    return [app_commands.Choice(name=v, value=v) for v in found]


def _pack_option(about: str, *, versions: str | None = None) -> Callable[[T], T]:
    """The `pack:` option (and `version:`, when described) with their autocomplete."""
    described = {"pack": about} | ({"version": versions} if versions else {})
    completed = {"pack": _pack_autocomplete} | (
        {"version": _version_autocomplete} if versions else {}
    )

    def decorate(command: T) -> T:
        return app_commands.autocomplete(**completed)(app_commands.describe(**described)(command))

    return decorate


def _switch_command(
    callback: Callable[Concatenate[Any, Interaction, P], Coroutine[Any, Any, None]],
    *,
    enabled: bool,
    name: str,
    description: str,
    about: str,
) -> app_commands.Command[Any, P, None]:
    """`/content enable` or `/content disable`: one shared `callback`, which reads `enabled`
    from the command's `extras`; a moderator's write, like the other pack changes."""
    command: app_commands.Command[Any, P, None] = app_commands.Command(
        name=name, description=description, callback=callback, extras={"enabled": enabled}
    )
    command = moderator_only()(command)
    command = write_cooldown()(command)
    return _pack_option(about)(command)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)  # hidden from members; the check enforces
class Content(commands.GroupCog, group_name="content"):
    """Content packs: the prompts, questions, nudges, ideas and roadmap the bot teaches with."""

    @app_commands.command(name="upload", description="Add or update a content pack (moderators).")
    @app_commands.describe(
        file="The pack as a .yaml file (at most 1 MiB); see content/FORMAT.md",
        dry_run="Only check the pack and show what would change; store nothing",
    )
    @write_cooldown()
    @moderator_only()
    async def upload(
        self, interaction: Interaction, file: discord.Attachment, dry_run: bool = False
    ) -> None:
        """Preview an uploaded pack (Confirm/Cancel), or only check it with `dry_run`."""
        guild_id = guild_id_of(interaction)
        content = interaction.client.services.content
        content.check_upload(file.filename, file.size)  # before downloading anything
        await interaction.response.defer(ephemeral=True, thinking=True)
        preview = await content.preview_upload(
            guild_id, interaction.user.id, file.filename, await file.read(), dry_run=dry_run
        )
        embed = content_ui.preview_embed(preview)
        if preview.token is None:
            await reply(interaction, embed=embed)
        else:
            view = content_ui.decision_view(preview.token)
            await reply(interaction, embed=embed, view=view)

    @app_commands.command(name="list", description="Built-in and uploaded packs (moderators).")
    @moderator_only()
    async def list_(self, interaction: Interaction) -> None:
        """Built-in and uploaded packs with their state."""
        packs = await interaction.client.services.content.list_packs(guild_id_of(interaction))
        await reply(interaction, embed=content_ui.list_embed(packs))

    @app_commands.command(name="show", description="A pack's details and versions (moderators).")
    @_pack_option("The pack id")
    @moderator_only()
    async def show(self, interaction: Interaction, pack: Picked) -> None:
        """A pack's details and stored versions."""
        content = interaction.client.services.content
        details = await content.show_pack(guild_id_of(interaction), pack)
        await reply(interaction, embed=content_ui.show_embed(details))

    async def _set_enabled(self, interaction: Interaction, pack: Picked) -> None:
        """`/content enable` and `/content disable`: the command's `extras` say which."""
        assert isinstance(interaction.command, app_commands.Command)
        result = await interaction.client.services.content.set_enabled(
            guild_id_of(interaction),
            interaction.user.id,
            pack,
            interaction.command.extras["enabled"],
        )
        await reply(interaction, embed=content_ui.toggle_embed(result))

    disable = _switch_command(
        _set_enabled,
        enabled=False,
        name="disable",
        description="Stop using an uploaded pack (moderators).",
        about="The uploaded pack to disable (it stays stored)",
    )
    enable = _switch_command(
        _set_enabled,
        enabled=True,
        name="enable",
        description="Use a disabled pack again (moderators).",
        about="The uploaded pack to enable",
    )

    @app_commands.command(
        name="rollback", description="Go back to an earlier stored version (moderators)."
    )
    @_pack_option(
        "The uploaded pack",
        versions="The stored version to use (default: the one before the current)",
    )
    @write_cooldown()
    @moderator_only()
    async def rollback(
        self, interaction: Interaction, pack: Picked, version: Picked | None = None
    ) -> None:
        """Make an earlier (or a named) stored version current."""
        result = await interaction.client.services.content.rollback(
            guild_id_of(interaction), interaction.user.id, pack, version
        )
        await reply(interaction, embed=content_ui.rollback_embed(result))

    @app_commands.command(name="export", description="Download a pack as YAML (moderators).")
    @_pack_option(
        "The pack id (uploaded or built-in)",
        versions="A stored version of an uploaded pack (default: the current one)",
    )
    @moderator_only()
    async def export(
        self, interaction: Interaction, pack: Picked, version: Picked | None = None
    ) -> None:
        """A pack's YAML, byte for byte."""
        content = interaction.client.services.content
        exported = await content.export(guild_id_of(interaction), pack, version)
        await interaction.response.send_message(
            content_ui.export_text(exported.pack_id, exported.version, exported.builtin),
            file=discord.File(io.BytesIO(exported.data), filename=exported.filename),
            ephemeral=True,
        )

    @app_commands.command(
        name="reload", description="Re-read the built-in packs from disk (moderators)."
    )
    @write_cooldown()
    @moderator_only()
    async def reload(self, interaction: Interaction) -> None:
        """Re-read the built-in packs from disk, for every server."""
        guild_id_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await interaction.client.services.content.reload_builtin()
        await reply(interaction, embed=content_ui.reload_embed(result))


async def setup(bot: StudyBot) -> None:
    """Load the cog and its persistent Confirm/Cancel buttons."""
    bot.add_dynamic_items(content_ui.UploadDecisionButton)
    await bot.add_cog(Content())
