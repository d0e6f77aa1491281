"""Nudges, their persistent **On it** / **Not for me** buttons, and the moderator views."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.activity.rules import ACTIVITY_KINDS
from bot.catalog.constants import PITFALL_LABELS
from bot.core import embeds
from bot.core.reporting import guarded
from bot.pitfalls.rules import PITFALLS, PitfallThresholds

if TYPE_CHECKING:
    from bot.pitfalls.service import FeedbackResult, GuildStats, NudgeMessage, PitfallConfig

FEEDBACK_TEMPLATE = r"studybot:nudge-(?P<choice>on|off):(?P<guild>\d+):(?P<row>\d+)"
CHOICES = {"on": "on_it", "off": "not_for_me"}
LABELS = {"on": "On it", "off": "Not for me"}

#: What each threshold means, for `/setup pitfalls` (option descriptions and the view).
THRESHOLD_HELP: dict[str, str] = {
    "tutorial_days": "Tutorial hell: window in days",
    "tutorial_course_minutes": "Tutorial hell: course minutes in the window (no project work)",
    "perfection_age_days": "Perfectionism: project age in days",
    "perfection_quiet_days": "Perfectionism: days without progress (nothing shipped)",
    "perfection_target_moves": "Perfectionism: target date moves",
    "isolation_days": "Isolation: window in days",
    "isolation_study_days": "Isolation: study days in the window (no community activity)",
    "gap_days": "Theory–practice gap: window in days",
    "gap_theory_minutes": "Theory–practice gap: theory minutes in the window",
    "gap_ratio": "Theory–practice gap: theory per practice minute above",
}


def pitfall_label(pitfall: str) -> str:
    return PITFALL_LABELS.get(pitfall, pitfall.replace("_", " "))


def nudge_embed_parts(
    title: str, body: str, action: str, pitfall: str
) -> tuple[str, str, str, str]:
    """Title, body, action field and footer, clipped to Discord's limits."""
    if pitfall == "welcome_back":
        footer = "Welcome back · Not for me turns these off for 30 days"
    else:
        footer = (
            f"Noticed: {pitfall_label(pitfall)} · at most 2 nudges a week · "
            "Not for me mutes this one for 30 days"
        )
    return title[:256], body[:4096], action[:1024], footer


def nudge_embed(message: NudgeMessage) -> discord.Embed:
    title, body, action, footer = nudge_embed_parts(
        message.title, message.body, message.action, message.pitfall
    )
    embed = embeds.info(title, body, colour=embeds.WARNING)
    if action:
        embed.add_field(name="Try this", value=action, inline=False)
    embed.set_footer(text=footer)
    return embed


class NudgeFeedbackButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=FEEDBACK_TEMPLATE
):
    """Persistent: the custom id carries guild and nudge row; the service checks the member."""

    def __init__(self, choice: str, guild_id: int, row_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=LABELS[choice],
                style=discord.ButtonStyle.success
                if choice == "on"
                else discord.ButtonStyle.secondary,
                custom_id=f"studybot:nudge-{choice}:{guild_id}:{row_id}",
            )
        )
        self.choice = choice
        self.guild_id = guild_id
        self.row_id = row_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> NudgeFeedbackButton:
        return cls(match["choice"], int(match["guild"]), int(match["row"]))

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        # Works in DMs too (no guild there): the guild comes from the custom id, and the
        # service refuses anyone but the member the nudge was for.
        result = await interaction.client.services.pitfalls.feedback(
            self.guild_id, interaction.user.id, self.row_id, CHOICES[self.choice]
        )
        await interaction.response.send_message(embed=feedback_embed(result), ephemeral=True)


def feedback_buttons(guild_id: int, row_id: int) -> list[NudgeFeedbackButton]:
    return [NudgeFeedbackButton(choice, guild_id, row_id) for choice in ("on", "off")]


def nudge_view(message: NudgeMessage) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for button in feedback_buttons(message.guild_id, message.row_id):
        view.add_item(button)
    return view


def feedback_embed(result: FeedbackResult) -> discord.Embed:
    label = pitfall_label(result.pitfall)
    if result.choice == "on_it":
        text = "Noted — good luck. Log what you do with `/log` and it shows in `/progress`."
        return embeds.success("On it", text)
    until = f"{result.muted_until:%d %B}" if result.muted_until else "a while"
    text = (
        f"No more **{label}** nudges for you until {until}. Thanks for saying so — it helps "
        "the server tune them. Stop all nudges with `/settings nudges mode:off`."
    )
    return embeds.success("Muted for 30 days", text)


def _value(value: float) -> str:
    return f"{value:g}"


def config_embed(config: PitfallConfig, *, saved: bool = False) -> discord.Embed:
    t = config.thresholds
    title = "Pitfall thresholds saved" if saved else "Pitfall thresholds"
    embed = (embeds.success if saved else embeds.info)(
        title, f"Sweep: {config.describe()}. Nudges follow each member's `/settings nudges`."
    )
    defaults = PitfallThresholds()
    for pitfall, names in (
        ("tutorial_hell", ("tutorial_course_minutes", "tutorial_days")),
        (
            "perfectionism",
            ("perfection_age_days", "perfection_quiet_days", "perfection_target_moves"),
        ),
        ("isolation", ("isolation_study_days", "isolation_days")),
        ("theory_practice_gap", ("gap_theory_minutes", "gap_ratio", "gap_days")),
    ):
        lines = []
        for name in names:
            value = getattr(t, name)
            changed = "" if value == getattr(defaults, name) else " *(changed)*"
            lines.append(f"`{name}` = {_value(value)}{changed}")
        embed.add_field(name=pitfall_label(pitfall), value="\n".join(lines), inline=False)
    embed.set_footer(text="Set any of them with /setup pitfalls <option>; reset:True for defaults.")
    return embed


def stats_embed(stats: GuildStats) -> discord.Embed:
    embed = embeds.info("Server study stats", "Aggregate numbers only — never who.")
    embed.add_field(
        name="Active members",
        value=f"{stats.active_7} in 7 days · {stats.active_28} in 28 days",
        inline=False,
    )
    total = sum(stats.minutes_28.values())
    kinds = " · ".join(
        f"{kind} {stats.minutes_28[kind] / 60:.1f} h"
        for kind in ACTIVITY_KINDS
        if stats.minutes_28.get(kind)
    )
    embed.add_field(
        name="Minutes in 28 days",
        value=f"{total:,} min" + (f"\n{kinds}" if kinds else ""),
        inline=False,
    )
    if stats.last_sweep_at is None:
        flagged = "No sweep yet (it runs daily at 10:00 server time)."
    else:
        counts = " · ".join(f"{pitfall_label(p)} {stats.flagged.get(p, 0)}" for p in PITFALLS)
        flagged = (
            f"{counts}\nof {stats.members_evaluated} members active in the windows · "
            f"swept <t:{int(stats.last_sweep_at.timestamp())}:R>"
        )
    embed.add_field(name="Members flagged (latest sweep)", value=flagged, inline=False)
    sent = stats.nudges_28.get("sent", 0)
    if sent:
        embed.add_field(
            name="Nudges in 28 days",
            value=(
                f"{sent} sent · {stats.nudges_28.get('on_it', 0)} On it · "
                f"{stats.nudges_28.get('not_for_me', 0)} Not for me"
            ),
            inline=False,
        )
    return embed
