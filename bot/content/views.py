"""What `/content` looks like: previews with Confirm/Cancel, pack lists, details, results."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, ClassVar, Literal

import discord

from bot.catalog import PackDiff
from bot.content.service import (
    PackDetails,
    PackSummary,
    ReloadResult,
    RollbackResult,
    ToggleResult,
    UploadPreview,
    UploadResult,
)
from bot.core import embeds
from bot.core.checks import guild_id_of, is_moderator
from bot.core.choices import ChoiceButton, Choices
from bot.core.persistent import Field
from bot.core.text import code, escape, shorten

if TYPE_CHECKING:
    from bot.studybot import StudyBot

KIND_LABELS = {
    "tracks": "Tracks",
    "skills": "Skills",
    "prompts": "Prompts",
    "questions": "Questions",
    "nudges": "Nudges",
    "project_ideas": "Project ideas",
}
FIELD_MAX = 1024
LIST_FIELDS_MAX = 20


def _ids(ids: Sequence[str], limit: int) -> str:
    """``id``, ``id`` … within ``limit`` characters, with a count of the ones left out."""
    out: list[str] = []
    used = 0
    for i, item in enumerate(ids):
        piece = code(item)
        rest = len(ids) - i - 1
        tail = f" … and {rest} more" if rest else ""
        if used + len(piece) + 2 + len(tail) > limit and out:
            out.append(f"… and {len(ids) - i} more")
            break
        out.append(piece)
        used += len(piece) + 2
    return ", ".join(out)


def diff_fields(embed: discord.Embed, diff: PackDiff) -> None:
    """One field per kind that changes: ids added (+), changed (~) and removed (−)."""
    for kind, label in KIND_LABELS.items():
        d = diff[kind]
        if not d:
            continue
        lines = []
        budget = (FIELD_MAX - 40) // max(1, sum(1 for x in (d.added, d.changed, d.removed) if x))
        if d.added:
            lines.append(f"**+ added** {_ids(d.added, budget)}")
        if d.changed:
            lines.append(f"**~ changed** {_ids(d.changed, budget)}")
        if d.removed:
            lines.append(f"**− removed** {_ids(d.removed, budget)}")
        embed.add_field(name=label, value=shorten("\n".join(lines), FIELD_MAX), inline=False)
    if diff.is_empty:
        embed.add_field(
            name="Items",
            value="No item changes" + (" (only the pack header)." if diff.header_changed else "."),
            inline=False,
        )


def _count(kind: str, n: int) -> str:
    """``1 track``, ``12 prompts`` (every kind's label is its plural with an "s")."""
    plural = KIND_LABELS[kind].lower()
    return f"{n} {plural.removesuffix('s') if n == 1 else plural}"


def _counts_line(counts: dict[str, int]) -> str:
    return ", ".join(_count(k, n) for k, n in counts.items() if n) or "no items"


def preview_embed(preview: UploadPreview) -> discord.Embed:
    diff = preview.diff
    if diff.old_version is None:
        headline = f"New pack {code(preview.pack_id)} version {escape(preview.version, 64)}"
    else:
        headline = (
            f"{code(preview.pack_id)}: version {escape(diff.old_version, 64)} → "
            f"{escape(preview.version, 64)}"
        )
    title = "Dry run: nothing stored" if preview.dry_run else "Upload preview"
    text = [
        headline,
        f"**{escape(preview.name, 100)}** from {code(preview.filename, 100)} — "
        f"{_counts_line(preview.counts)}.",
        "The pack is valid and fits with this server's packs.",
    ]
    if preview.enables:
        text.append("The pack is disabled now; confirming enables it.")
    embed = embeds.info(title, "\n".join(text))
    diff_fields(embed, diff)
    if preview.dry_run:
        embed.set_footer(text="Run /content upload again without dry_run to store it.")
    else:
        embed.set_footer(
            text="Confirm within 15 minutes. Only you can press these buttons; nothing is "
            "stored until you confirm."
        )
    return embed


class UploadDecisionButton(ChoiceButton, prefix="content-"):
    """Confirm or Cancel of an upload preview. The custom id carries only a random token:
    the pending pack stays on the server, so a click can never apply a different file, and
    after a restart the token is unknown and the member is told to upload again.

    Confirming checks again that the clicker is a moderator (Manage Server or the moderator
    role, from the permissions Discord sends with this click): one demoted while the preview
    was open is refused privately and nothing is stored. Cancelling stores nothing, so it
    needs only to be the uploader's click."""

    CHOICES: ClassVar[Choices] = {
        "confirm": ("Confirm", discord.ButtonStyle.success),
        "cancel": ("Cancel", discord.ButtonStyle.secondary),
    }
    action: Literal["confirm", "cancel"]
    token: Annotated[str, Field(r"[0-9a-f]{16}")]

    async def on_click(self, interaction: discord.Interaction[StudyBot]) -> None:
        guild_id = guild_id_of(interaction)
        content = interaction.client.services.content
        if self.action == "confirm":
            await is_moderator(interaction)  # raises NotModerator: the preview stays open
            result = await content.confirm_upload(guild_id, interaction.user.id, self.token)
            await interaction.response.edit_message(embed=confirmed_embed(result), view=None)
        else:
            pack_id = await content.cancel_upload(guild_id, interaction.user.id, self.token)
            await interaction.response.edit_message(
                embed=embeds.info("Upload cancelled", f"Nothing was stored for {code(pack_id)}."),
                view=None,
            )


def decision_view(token: str) -> discord.ui.View:
    """Confirm and Cancel for the upload preview under ``token``."""
    return UploadDecisionButton.choices_view(token=token)


def confirmed_embed(result: UploadResult) -> discord.Embed:
    if result.previous_version is None:
        text = f"{code(result.pack_id)} version {escape(result.version, 64)} is stored and live."
    else:
        text = (
            f"{code(result.pack_id)} is now at version {escape(result.version, 64)} (was "
            f"{escape(result.previous_version, 64)}). Earlier versions are kept: "
            "`/content rollback` goes back."
        )
    embed = embeds.success("Pack uploaded", text + "\nThe server's catalog changed at once.")
    diff_fields(embed, result.diff)
    return embed


def _status(pack: PackSummary) -> str:
    if pack.builtin:
        return "built-in"
    if not pack.enabled:
        return "disabled"
    if not pack.loaded:
        return "enabled, **not loaded**"
    return "enabled"


def list_embed(packs: Sequence[PackSummary]) -> discord.Embed:
    own = [p for p in packs if not p.builtin]
    builtin = [p for p in packs if p.builtin]
    embed = embeds.info("Content packs")
    lines = []
    for pack in own[:LIST_FIELDS_MAX]:
        line = f"{code(pack.pack_id)} {escape(pack.version, 32)} — {_status(pack)}"
        if pack.counts:
            line += f" · {_counts_line(pack.counts)}"
        if pack.problem:
            line += f"\n  ↳ {escape(pack.problem, 200)} (`/content enable` retries)"
        lines.append(line)
    if len(own) > LIST_FIELDS_MAX:
        lines.append(f"… and {len(own) - LIST_FIELDS_MAX} more")
    embed.add_field(
        name=f"This server's packs ({len(own)})",
        value=shorten("\n".join(lines), FIELD_MAX) or "None yet — `/content upload` adds one.",
        inline=False,
    )
    builtin_lines = [
        f"{code(p.pack_id)} {escape(p.version, 32)}" + ("" if p.enabled else " (disabled here)")
        for p in builtin
    ]
    embed.add_field(
        name=f"Built-in packs ({len(builtin)})",
        value=shorten(", ".join(builtin_lines) or "none", FIELD_MAX),
        inline=False,
    )
    embed.set_footer(text="/content show pack:<id> for details and versions.")
    return embed


def show_embed(details: PackDetails) -> discord.Embed:
    pack = details.summary
    embed = embeds.info(
        f"{escape(pack.name, 100)}",
        escape(details.description, 1500) or "No description.",
    )
    embed.add_field(name="Id", value=code(pack.pack_id), inline=True)
    embed.add_field(name="Version", value=escape(pack.version, 64), inline=True)
    embed.add_field(name="Status", value=_status(pack), inline=True)
    if pack.problem:
        embed.add_field(name="Not loaded because", value=escape(pack.problem, 1000), inline=False)
    counts = "\n".join(f"{KIND_LABELS[k]}: {n}" for k, n in pack.counts.items() if n)
    embed.add_field(name="Items", value=counts or "unknown", inline=True)
    if details.authors:
        embed.add_field(name="Authors", value=escape(", ".join(details.authors), 500), inline=True)
    if details.license:
        embed.add_field(name="License", value=escape(details.license, 200), inline=True)
    if details.versions:
        lines = [
            f"{'▶ ' if v.current else ''}{escape(v.version, 64)} · "
            f"{discord.utils.format_dt(v.uploaded_at, 'd')} by <@{v.uploaded_by}> · "
            f"{code(v.checksum[:12])}"
            for v in reversed(details.versions)
        ]
        value = ""
        for i, line in enumerate(lines):
            extra = f"… and {len(lines) - i} older" if i else ""
            if len(value) + len(line) + 1 > FIELD_MAX - 30:
                value += extra
                break
            value += line + "\n"
        embed.add_field(name=f"Versions ({len(lines)})", value=value.strip(), inline=False)
    return embed


def toggle_embed(result: ToggleResult) -> discord.Embed:
    state = "enabled" if result.enabled else "disabled"
    if not result.changed:
        return embeds.info(f"Already {state}", f"{code(result.pack_id)} was already {state}.")
    return embeds.success(
        f"Pack {state}",
        f"{code(result.pack_id)} is {state}; the server's catalog changed at once. It now has "
        f"{_counts_line(result.counts)}.",
    )


def rollback_embed(result: RollbackResult) -> discord.Embed:
    text = (
        f"{code(result.pack_id)} is back at version {escape(result.to_version, 64)} (was "
        f"{escape(result.from_version, 64)}). Both stay stored."
    )
    if not result.enabled:
        text += " The pack is disabled: `/content enable` puts it to use."
    embed = embeds.success("Pack rolled back", text)
    diff_fields(embed, result.diff)
    return embed


def export_text(pack_id: str, version: str, builtin: bool) -> str:
    kind = "built-in pack" if builtin else "pack"
    return f"The {kind} {code(pack_id)} version {escape(version, 64)}, as YAML."


def reload_embed(result: ReloadResult) -> discord.Embed:
    lines = [f"Re-read {result.packs} built-in packs from disk, for every server."]
    for label, ids in (
        ("Added", result.added),
        ("Changed", result.changed),
        ("Removed", result.removed),
    ):
        if ids:
            lines.append(f"**{label}:** {_ids(ids, 800)}")
    if not (result.added or result.changed or result.removed):
        lines.append("No file changed.")
    lines.append(f"Built-in catalog: {_counts_line(result.counts)}.")
    return embeds.success("Built-in packs reloaded", "\n".join(lines))
