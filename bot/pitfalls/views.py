"""Nudges, their persistent **On it** / **Not for me** buttons, and the moderator views."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import discord

from bot.activity.api import ACTIVITY_KINDS
from bot.catalog.constants import PITFALL_LABELS
from bot.core import embeds
from bot.core.persistent import PersistentButton, PersistentView
from bot.core.text import plural, shorten
from bot.pitfalls.results import FeedbackResult, GuildStats, NudgeMessage
from bot.pitfalls.rules import NOT_FOR_ME, ON_IT, PITFALLS, WELCOME_BACK, PitfallConfig
from bot.pitfalls.thresholds import PitfallThresholds

if TYPE_CHECKING:
    from bot.studybot import StudyBot

#: The first field of a feedback button's custom id (`studybot:nudge-on:<guild>:<row>`).
Choice = Literal["on", "off"]
CHOICES: dict[Choice, str] = {"on": ON_IT, "off": NOT_FOR_ME}
LABELS: dict[Choice, str] = {"on": "On it", "off": "Not for me"}


def pitfall_label(pitfall: str) -> str:
    return PITFALL_LABELS.get(pitfall, pitfall.replace("_", " "))


def nudge_card(title: str, body: str, action: str, pitfall: str) -> discord.Embed:
    """A nudge as the member sees it (DM or inbox), clipped to Discord's limits."""
    if pitfall == WELCOME_BACK:
        footer = "Welcome back · Not for me turns these off for 30 days"
    else:
        footer = (
            f"Noticed: {pitfall_label(pitfall)} · at most 2 nudges a week · "
            "Not for me mutes this one for 30 days"
        )
    embed = embeds.info(shorten(title, 256), shorten(body, 4096), colour=embeds.WARNING)
    if action:
        embed.add_field(name="Try this", value=shorten(action, 1024), inline=False)
    embed.set_footer(text=footer)
    return embed


def nudge_embed(message: NudgeMessage) -> discord.Embed:
    return nudge_card(message.title, message.body, message.action, message.pitfall)


class NudgeFeedbackButton(PersistentButton, prefix="nudge-"):
    """Persistent: the custom id carries guild and nudge row; the service checks the member."""

    choice: Choice
    guild_id: int
    row_id: int

    def __init__(self, choice: Choice, guild_id: int, row_id: int) -> None:
        style = discord.ButtonStyle.success if choice == "on" else discord.ButtonStyle.secondary
        button = discord.ui.Button[Any](label=LABELS[choice], style=style)
        super().__init__(button, choice=choice, guild_id=guild_id, row_id=row_id)

    async def on_click(self, interaction: discord.Interaction[StudyBot]) -> None:
        # Works in DMs too (no guild there): the guild comes from the custom id, and the
        # service refuses anyone but the member the nudge was for.
        result = await interaction.client.services.pitfalls.feedback(
            self.guild_id, interaction.user.id, self.row_id, CHOICES[self.choice]
        )
        await interaction.response.send_message(embed=feedback_embed(result), ephemeral=True)


def feedback_buttons(guild_id: int, row_id: int) -> list[NudgeFeedbackButton]:
    return [NudgeFeedbackButton(choice, guild_id, row_id) for choice in LABELS]


def nudge_view(message: NudgeMessage) -> discord.ui.View:
    return PersistentView(*feedback_buttons(message.guild_id, message.row_id))


class PitfallViews:
    """The `NudgeRenderer` the pitfall service is wired with."""

    def nudge(self, message: NudgeMessage) -> tuple[discord.Embed, discord.ui.View]:
        return nudge_embed(message), nudge_view(message)


def feedback_embed(result: FeedbackResult) -> discord.Embed:
    label = pitfall_label(result.pitfall)
    if result.choice == ON_IT:
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
            f"{counts}\nof {plural(stats.members_evaluated, 'member')} active in the windows · "
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
