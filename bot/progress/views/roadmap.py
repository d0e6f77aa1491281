"""`/roadmap view`, `check` and `uncheck`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.core import embeds
from bot.core.text import shorten
from bot.progress import rules

if TYPE_CHECKING:
    from bot.progress.service import CheckResult, RoadmapView


def _coverage_line(checked: int, total: int) -> str:
    fraction = checked / total if total else 0.0
    return f"{checked}/{total} {rules.progress_bar(fraction, 8)}"


def roadmap_embed(view: RoadmapView) -> discord.Embed:
    """Every track's coverage, or one track's skills with their evidence; the next skill."""
    coverage = view.coverage
    if view.track_id is None:
        embed = embeds.info(
            "Your roadmap",
            f"{coverage.checked} of {coverage.total} skills checked. "
            "`/roadmap view track:` lists a track's skills.",
        )
        for track in coverage.tracks:
            embed.add_field(
                name=view.track_names.get(track.track_id, track.track_id),
                value=_coverage_line(track.checked, track.total),
                inline=True,
            )
    else:
        lines = []
        for skill in view.skills:
            mark = "✅" if skill.checked else "▫️"
            line = f"{mark} {skill.name}"
            if skill.evidence:
                line += f" · <{skill.evidence}>"
            lines.append(line)
        shown = next((t for t in coverage.tracks if t.track_id == view.track_id), None)
        embed = embeds.info(
            f"Roadmap — {view.track_name}",
            shorten("\n".join(lines), 4000) or "This track has no skills.",
        )
        if shown is not None:
            embed.add_field(
                name="This track", value=_coverage_line(shown.checked, shown.total), inline=True
            )
    if view.next_skill is not None:
        embed.add_field(
            name="Suggested next",
            value=f"{view.next_skill[1]} — `/roadmap check skill:{view.next_skill[0]}` "
            "when you can show it",
            inline=False,
        )
    else:
        embed.add_field(name="Suggested next", value="Everything checked. Impressive.")
    return embed


def check_embed(result: CheckResult, *, checked: bool) -> discord.Embed:
    """What `/roadmap check` or `uncheck` changed, and the roadmap's coverage now."""
    coverage = result.coverage
    if checked:
        title = "Skill checked" if result.new else "Already checked"
        text = f"**{result.skill_name}**"
        if result.evidence:
            text += f"\nEvidence: <{result.evidence}>"
        elif result.new:
            text += "\nTip: add `evidence:` with a link to a repo, notebook or post."
        embed = embeds.success(title, text)
    else:
        embed = embeds.info("Skill unchecked", f"**{result.skill_name}**")
    embed.add_field(
        name="Roadmap", value=_coverage_line(coverage.checked, coverage.total), inline=False
    )
    return embed
