"""/content: moderators upload, inspect, disable, roll back and export content packs."""

from __future__ import annotations

import io

import discord
from discord import app_commands
from discord.ext import commands

from bot.content import views as content_ui
from bot.core.checks import guild_id_of, moderator_only, write_cooldown
from bot.studybot import StudyBot


async def _pack_autocomplete(
    interaction: discord.Interaction[StudyBot], current: str
) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    ids = await interaction.client.services.content.pack_choices(interaction.guild_id, current)
    return [app_commands.Choice(name=i, value=i) for i in ids]


async def _version_autocomplete(
    interaction: discord.Interaction[StudyBot], current: str
) -> list[app_commands.Choice[str]]:
    pack = getattr(interaction.namespace, "pack", None)
    if interaction.guild_id is None or not isinstance(pack, str):
        return []
    found = await interaction.client.services.content.version_choices(
        interaction.guild_id, pack, current
    )
    return [app_commands.Choice(name=v, value=v) for v in found]


@app_commands.guild_only()
class Content(commands.GroupCog, group_name="content"):
    """Content packs: the prompts, questions, nudges, ideas and roadmap the bot teaches with."""

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(content_ui.UploadDecisionButton)

    @app_commands.command(name="upload", description="Add or update a content pack (moderators).")
    @app_commands.describe(
        file="The pack as a .yaml file (at most 1 MiB); see content/FORMAT.md",
        dry_run="Only check the pack and show what would change; store nothing",
    )
    @write_cooldown()
    @moderator_only()
    async def upload(
        self,
        interaction: discord.Interaction[StudyBot],
        file: discord.Attachment,
        dry_run: bool = False,
    ) -> None:
        guild_id = guild_id_of(interaction)
        content = self.bot.services.content
        content.check_upload(file.filename, file.size)  # before downloading anything
        await interaction.response.defer(ephemeral=True, thinking=True)
        preview = await content.preview_upload(
            guild_id, interaction.user.id, file.filename, await file.read(), dry_run=dry_run
        )
        if preview.token is None:
            await interaction.followup.send(embed=content_ui.preview_embed(preview), ephemeral=True)
        else:
            await interaction.followup.send(
                embed=content_ui.preview_embed(preview),
                view=content_ui.decision_view(preview.token),
                ephemeral=True,
            )

    @app_commands.command(name="list", description="Built-in and uploaded packs (moderators).")
    @moderator_only()
    async def list_(self, interaction: discord.Interaction[StudyBot]) -> None:
        packs = await self.bot.services.content.list_packs(guild_id_of(interaction))
        await interaction.response.send_message(embed=content_ui.list_embed(packs), ephemeral=True)

    @app_commands.command(name="show", description="A pack's details and versions (moderators).")
    @app_commands.describe(pack="The pack id")
    @app_commands.autocomplete(pack=_pack_autocomplete)
    @moderator_only()
    async def show(self, interaction: discord.Interaction[StudyBot], pack: str) -> None:
        details = await self.bot.services.content.show_pack(guild_id_of(interaction), pack)
        await interaction.response.send_message(
            embed=content_ui.show_embed(details), ephemeral=True
        )

    @app_commands.command(name="disable", description="Stop using an uploaded pack (moderators).")
    @app_commands.describe(pack="The uploaded pack to disable (it stays stored)")
    @app_commands.autocomplete(pack=_pack_autocomplete)
    @write_cooldown()
    @moderator_only()
    async def disable(self, interaction: discord.Interaction[StudyBot], pack: str) -> None:
        result = await self.bot.services.content.set_enabled(
            guild_id_of(interaction), interaction.user.id, pack, False
        )
        await interaction.response.send_message(
            embed=content_ui.toggle_embed(result), ephemeral=True
        )

    @app_commands.command(name="enable", description="Use a disabled pack again (moderators).")
    @app_commands.describe(pack="The uploaded pack to enable")
    @app_commands.autocomplete(pack=_pack_autocomplete)
    @write_cooldown()
    @moderator_only()
    async def enable(self, interaction: discord.Interaction[StudyBot], pack: str) -> None:
        result = await self.bot.services.content.set_enabled(
            guild_id_of(interaction), interaction.user.id, pack, True
        )
        await interaction.response.send_message(
            embed=content_ui.toggle_embed(result), ephemeral=True
        )

    @app_commands.command(
        name="rollback", description="Go back to an earlier stored version (moderators)."
    )
    @app_commands.describe(
        pack="The uploaded pack",
        version="The stored version to use (default: the one before the current)",
    )
    @app_commands.autocomplete(pack=_pack_autocomplete, version=_version_autocomplete)
    @write_cooldown()
    @moderator_only()
    async def rollback(
        self, interaction: discord.Interaction[StudyBot], pack: str, version: str | None = None
    ) -> None:
        result = await self.bot.services.content.rollback(
            guild_id_of(interaction), interaction.user.id, pack, version
        )
        await interaction.response.send_message(
            embed=content_ui.rollback_embed(result), ephemeral=True
        )

    @app_commands.command(name="export", description="Download a pack as YAML (moderators).")
    @app_commands.describe(
        pack="The pack id (uploaded or built-in)",
        version="A stored version of an uploaded pack (default: the current one)",
    )
    @app_commands.autocomplete(pack=_pack_autocomplete, version=_version_autocomplete)
    @moderator_only()
    async def export(
        self, interaction: discord.Interaction[StudyBot], pack: str, version: str | None = None
    ) -> None:
        exported = await self.bot.services.content.export(guild_id_of(interaction), pack, version)
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
    async def reload(self, interaction: discord.Interaction[StudyBot]) -> None:
        guild_id_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.bot.services.content.reload_builtin()
        await interaction.followup.send(embed=content_ui.reload_embed(result), ephemeral=True)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Content(bot))
