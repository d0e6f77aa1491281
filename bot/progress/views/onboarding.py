"""`/start` (persistent selects, saved as picked), the welcome greeting and its settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import discord

from bot.core import embeds
from bot.core.persistent import (
    Field,
    FixedButton,
    PersistentSelect,
    PersistentView,
    require_guild,
)
from bot.core.text import shorten
from bot.members.api import NUDGE_MODE_LABELS
from bot.progress import rules
from bot.progress.service import Greeting
from bot.progress.views.common import owner_guild

if TYPE_CHECKING:
    from bot.progress.service import OnboardingState, WelcomeConfig
    from bot.studybot import StudyBot

COMMON_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Warsaw",
    "Europe/Kyiv",
    "Europe/Istanbul",
    "Africa/Lagos",
    "Africa/Cairo",
    "Africa/Nairobi",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "America/Sao_Paulo",
    "America/Mexico_City",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
)
NUDGE_CHOICES = (
    ("inbox", "Nudges with my next command reply"),
    ("dm", "Nudges by DM"),
    ("off", "No nudges"),
)


def onboarding_embed(state: OnboardingState) -> discord.Embed:
    """What the member chose so far, and what to try next."""
    zone = state.timezone or f"{state.guild_timezone} (the server's)"
    names = dict(state.tracks)
    focus = ", ".join(names.get(t, t) for t in state.focus_tracks) or "not chosen"
    goal = f"{state.goal_hours} h a week" if state.goal_hours else "not set"
    embed = embeds.info(
        "Welcome — let's set you up",
        "Pick below; every choice is saved at once. Your timezone not listed? Type "
        "`/settings timezone`.",
    )
    embed.add_field(name="Timezone", value=zone, inline=True)
    embed.add_field(name="Weekly goal", value=goal, inline=True)
    embed.add_field(name="Direct messages", value="on" if state.dm_opt_in else "off", inline=True)
    nudges = NUDGE_MODE_LABELS.get(state.nudge_mode, state.nudge_mode)
    embed.add_field(name="Nudges", value=nudges, inline=True)
    embed.add_field(name="Focus tracks", value=shorten(focus, 1024), inline=False)
    embed.add_field(
        name="Then",
        value="`/daily today` for today's prompt, `/log` after you study, `/progress` to see "
        "it add up, `/help` for the rest.",
        inline=False,
    )
    embed.add_field(
        name="Your streak",
        value=f"A day counts when you log at least {state.streak_minutes} min of study "
        "(`/log`, interview practice, project check-ins) or press Done on the daily prompt.",
        inline=False,
    )
    if state.saved:
        embed.set_footer(text=f"Saved — {state.saved}")
    return embed


class OnboardingSelect(PersistentSelect, prefix="progress-onboarding"):
    """One onboarding choice (timezone, tracks, goal, dms, nudges), saved when picked.

    Persistent: the custom id carries the step and the member, so the selects keep working
    after a restart and no view (or timeout task) is kept per message."""

    step: Annotated[str, Field(r"[a-z]+")]
    user_id: int

    def __init__(
        self,
        step: str,
        user_id: int,
        placeholder: str | None = None,
        options: list[discord.SelectOption] | None = None,
        *,
        min_values: int = 1,
        max_values: int = 1,
    ) -> None:
        select = discord.ui.Select[Any](
            placeholder=placeholder,
            options=options or [],
            min_values=min_values,
            max_values=max_values,
        )
        super().__init__(select, step=step, user_id=user_id)

    async def on_click(self, interaction: discord.Interaction[StudyBot]) -> None:
        guild_id = owner_guild(
            interaction, self.user_id, "This onboarding belongs to another member; try `/start`."
        )
        state = await interaction.client.services.progress.onboarding.save(
            guild_id, interaction.user.id, self.step, list(self.item.values)
        )
        await interaction.response.edit_message(
            embed=onboarding_embed(state), view=onboarding_view(interaction.user.id, state)
        )


def _option(label: str, value: str, default: bool) -> discord.SelectOption:
    return discord.SelectOption(label=shorten(label, 100), value=value, default=default)


def onboarding_view(user_id: int, state: OnboardingState) -> discord.ui.View:
    """Five selects: timezone, focus tracks, weekly goal, DMs, nudge mode."""
    zones = list(COMMON_ZONES)
    for extra in (state.guild_timezone, state.timezone):
        if extra and extra not in zones:
            zones.insert(0, extra)
    selects = [
        OnboardingSelect(
            "timezone",
            user_id,
            "Your timezone",
            [_option(z, z, z == state.timezone) for z in zones[:25]],
        )
    ]
    if state.tracks:
        selects.append(
            OnboardingSelect(
                "tracks",
                user_id,
                "Focus tracks",
                [_option(name, id_, id_ in state.focus_tracks) for id_, name in state.tracks[:25]],
                min_values=0,
                max_values=min(25, len(state.tracks)),
            )
        )
    hours = rules.GOAL_CHOICES_HOURS
    dms = (
        ("DMs on: reminders and digests by DM", "on", state.dm_opt_in),
        ("DMs off: keep things for my next command", "off", not state.dm_opt_in),
    )
    selects += [
        OnboardingSelect(
            "goal",
            user_id,
            "Weekly study goal",
            [_option(f"{h} hours a week", str(h), h == state.goal_hours) for h in hours],
        ),
        OnboardingSelect("dms", user_id, "Direct messages", [_option(*dm) for dm in dms]),
        OnboardingSelect(
            "nudges",
            user_id,
            "Pitfall nudges",
            [_option(label, mode, mode == state.nudge_mode) for mode, label in NUDGE_CHOICES],
        ),
    ]
    return PersistentView(*selects)


class StartButton(
    FixedButton, prefix="progress-start", label="Get started", style=discord.ButtonStyle.primary
):
    """**Get started** on a welcome post: opens the onboarding for whoever clicks."""

    guild_id: int

    async def on_click(self, interaction: discord.Interaction[StudyBot]) -> None:
        require_guild(interaction, self.guild_id)
        state = await interaction.client.services.progress.onboarding.state(
            self.guild_id, interaction.user.id
        )
        await interaction.response.send_message(
            embed=onboarding_embed(state),
            view=onboarding_view(interaction.user.id, state),
            ephemeral=True,
        )


def welcome_post(guild_id: int, user_id: int) -> Greeting:
    """The greeting: it pings the new member (and only them) once, on purpose."""
    view = PersistentView(StartButton(guild_id))
    embed = embeds.info(
        "Welcome to the study server",
        "Study every day, practise interviews, ship projects — and we help you steer clear "
        "of tutorial hell. Press **Get started** to set your timezone, focus and weekly "
        "goal (only you see it).",
    )
    return Greeting(
        embed=embed,
        view=view,
        content=f"Welcome, <@{user_id}>!",
        allowed_mentions=discord.AllowedMentions(
            everyone=False, roles=False, users=[discord.Object(id=user_id)]
        ),
    )


def welcome_config_embed(config: WelcomeConfig) -> discord.Embed:
    """What `/setup welcome` saved (or shows)."""
    if config.enabled and config.channel_id:
        text = f"New members are greeted in <#{config.channel_id}> with a **Get started** button."
    else:
        text = "New members are not greeted. `/setup welcome channel:#… enabled:True` turns it on."
    return embeds.success("Welcome greeting saved", text)


def public_board_embed(enabled: bool, url: str | None, *, saved: bool) -> discord.Embed:
    """What `/setup public-board` saved (or shows): on or off, and where the page is."""
    if not enabled:
        text = (
            "The public board is off. `/setup public-board enabled:True` shows the leaderboard "
            "on a web page anyone with the link can open."
        )
    elif url:
        text = (
            f"The public board is on: {url}\n"
            "Only members who opted in with `/settings leaderboard` appear."
        )
    else:
        text = (
            "The public board is on. Its page is served by the web dashboard (`studybot web`), "
            "which is not set up on this bot yet. Only members who opted in appear."
        )
    title = "Public board saved" if saved else "Public board"
    return embeds.success(title, text) if saved else embeds.info(title, text)
