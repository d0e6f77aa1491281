"""What the daily prompt looks like, and its persistent Done button."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import discord

from bot.catalog import Catalog
from bot.core import embeds
from bot.core.persistent import (
    FixedButton,
    PersistentSelect,
    PersistentView,
    require_guild,
)
from bot.core.scheduling.guild_posts import Rendered
from bot.core.text import plural, shorten
from bot.daily.rules.streaks import StreakState
from bot.daily.rules.study import DONE_MINUTE_CHOICES, minutes_to_go

if TYPE_CHECKING:
    from bot.daily.service import Completion, DailyPrompt, DoneMinutes
    from bot.studybot import StudyBot

DIFFICULTY = {1: "gentle", 2: "solid", 3: "stretch"}
#: An activity kind in running text ("30 min of math").
KIND_TEXT = {
    "course": "courses",
    "reading": "reading",
    "math": "math",
    "coding": "coding",
    "project": "project work",
    "interview": "interview practice",
    "community": "community time",
}
SKIP = "skip"
MINUTES_PLACEHOLDER = "How long did it take? (adds it to your log)"


def prompt_embed(daily: DailyPrompt, catalog: Catalog) -> discord.Embed:
    prompt = daily.prompt
    try:
        track = catalog.track(prompt.track).name
    except KeyError:
        track = prompt.track
    skill = catalog.skills.get(prompt.skill)
    embed = embeds.info(prompt.title, prompt.body)
    embed.set_author(name=f"Daily prompt · {daily.prompt_date:%A %d %B}")
    embed.add_field(name="Today's action", value=prompt.action, inline=False)
    embed.add_field(name="Track", value=track, inline=True)
    embed.add_field(name="Skill", value=skill.name if skill else prompt.skill, inline=True)
    embed.add_field(
        name="Time",
        value=f"~{prompt.est_minutes} min · {DIFFICULTY.get(prompt.difficulty, '')}",
        inline=True,
    )
    embed.set_footer(text="Press Done when you have done the action — it counts for 24 hours.")
    return embed


def thread_name(daily: DailyPrompt) -> str:
    return shorten(f"{daily.prompt_date:%d %b} · {daily.prompt.title}", 100)


class DailyDoneButton(
    FixedButton, prefix="daily-done", label="Done", style=discord.ButtonStyle.success
):
    """Persistent: the custom id carries guild and date, so it works after a restart."""

    guild_id: int
    day: date

    async def on_click(self, interaction: discord.Interaction[StudyBot]) -> None:
        require_guild(interaction, self.guild_id)
        completion = await interaction.client.services.daily.complete(
            self.guild_id, interaction.user.id, self.day
        )
        await interaction.response.send_message(
            embed=completion_embed(completion),
            view=minutes_view(self.guild_id, self.day),
            ephemeral=True,
        )


class DoneMinutesSelect(PersistentSelect, prefix="daily-minutes"):
    """On the Done reply: how long the prompt took, logged once (a new choice replaces it).
    Persistent: the custom id carries the guild and the prompt's date."""

    guild_id: int
    day: date

    def __init__(self, guild_id: int, day: date) -> None:
        options = [
            discord.SelectOption(label=f"{minutes} min", value=str(minutes))
            for minutes in DONE_MINUTE_CHOICES
        ]
        options.append(discord.SelectOption(label="Skip — log no time", value=SKIP))
        select = discord.ui.Select[Any](placeholder=MINUTES_PLACEHOLDER, options=options)
        super().__init__(select, guild_id=guild_id, day=day)

    async def on_click(self, interaction: discord.Interaction[StudyBot]) -> None:
        require_guild(interaction, self.guild_id)
        value = self.item.values[0] if self.item.values else SKIP
        minutes = None if value == SKIP else int(value)
        logged = await interaction.client.services.daily.log_done_minutes(
            self.guild_id, interaction.user.id, self.day, minutes
        )
        await interaction.response.edit_message(
            embed=done_minutes_embed(logged), view=minutes_view(self.guild_id, self.day)
        )


def done_view(guild_id: int, day: date) -> discord.ui.View:
    return PersistentView(DailyDoneButton(guild_id, day))


def minutes_view(guild_id: int, day: date) -> discord.ui.View:
    """The Done reply's time select."""
    return PersistentView(DoneMinutesSelect(guild_id, day))


def completion_embed(completion: Completion) -> discord.Embed:
    streak = completion.streak
    if completion.new:
        title = "Done — nice work"
        text = f"Counted for {completion.local_day:%A %d %B} (your day)."
    else:
        title = "Already counted"
        text = "You had already marked this prompt done."
    if completion.logged_minutes:
        text += f"\nIn your log: {completion.logged_minutes} min for this prompt."
    else:
        text += "\nNo time logged yet: pick how long it took below to add it to your log."
    embed = embeds.success(title, text)
    embed.add_field(name="Streak", value=streak_line(streak), inline=False)
    return embed


def done_minutes_embed(logged: DoneMinutes) -> discord.Embed:
    """The Done reply after the member said how long the prompt took (or skipped)."""
    day = f"{logged.local_day:%A %d %B}"
    if logged.minutes is None:
        title = "No time logged"
        text = "Fine — the prompt still counts for your streak."
        if logged.previous:
            text = f"Removed the {logged.previous} min you had picked. " + text
    else:
        title = f"Logged {logged.minutes} min"
        kind = KIND_TEXT.get(logged.kind, logged.kind)
        text = f"{logged.minutes} min of {kind} in your log for {day}."
        if logged.previous and logged.previous != logged.minutes:
            text += f" It replaces the {logged.previous} min you picked before."
    embed = embeds.success(title, text)
    embed.add_field(name="Streak", value=streak_line(logged.streak), inline=False)
    embed.set_footer(text="Picked the wrong time? Choose again: it replaces this one.")
    return embed


def streak_line(streak: StreakState) -> str:
    line = f"{plural(streak.current, 'day')} (best {streak.best})"
    if streak.freezes:
        line += f" · {plural(streak.freezes, 'freeze')} held"
    return line


def what_counts(minutes_needed: int) -> str:
    """The streak rule in one sentence (`/daily streak`, `/start`)."""
    return (
        f"A day counts when you log at least {minutes_needed} min of study (`/log`, interview "
        "practice, project check-ins) or press Done on the daily prompt."
    )


def today_line(streak: StreakState) -> str:
    """Where today stands: counted, or how far the log is from counting it."""
    if streak.done_today:
        return "Counted. See you tomorrow."
    to_go = minutes_to_go(streak.minutes_today, streak.minutes_needed)
    if streak.minutes_today:
        return (
            f"{streak.minutes_today} of {streak.minutes_needed} min logged — {to_go} more "
            "with `/log`, or Done on `/daily today`."
        )
    return f"Not yet — log {streak.minutes_needed} min with `/log`, or Done on `/daily today`."


def streak_embed(streak: StreakState, who: str, *, own: bool) -> discord.Embed:
    embed = embeds.info(f"{who} — streak", streak_line(streak))
    if own:
        embed.add_field(name="Today", value=today_line(streak), inline=False)
        embed.add_field(name="What counts", value=what_counts(streak.minutes_needed), inline=False)
        embed.set_footer(
            text="One freeze is earned every 7 days in a row (max 2); a missed day spends one."
        )
    return embed


def history_embed(history: list[tuple[date, bool]], streak: StreakState) -> discord.Embed:
    cells = "".join("■" if done else "·" for _, done in history)
    first, last = history[0][0], history[-1][0]
    done = sum(1 for _, d in history if d)
    embed = embeds.info(
        "Your last 14 days",
        f"`{cells}`\n{first:%d %b} → {last:%d %b} · {done} of {len(history)} study days",
    )
    embed.add_field(name="Streak", value=streak_line(streak), inline=False)
    return embed


def streak_reminder_embed(streak: StreakState, hours_left: int) -> discord.Embed:
    to_go = minutes_to_go(streak.minutes_today, streak.minutes_needed)
    logged = (
        f"You have {streak.minutes_today} of {streak.minutes_needed} min logged today: "
        f"{to_go} more with `/log`"
        if streak.minutes_today
        else f"Log {streak.minutes_needed} min of study with `/log`"
    )
    return embeds.info(
        "Your streak is waiting",
        f"You are on a {streak.current}-day streak and today does not count yet — about "
        f"{hours_left} h left on your clock. {logged}, or press Done on `/daily today`, "
        "to keep it going.",
        colour=embeds.WARNING,
    )


def streak_rule_embed(minutes: int, *, saved: bool) -> discord.Embed:
    """`/setup streak`: what makes a member's day count, and how to change it."""
    text = (
        f"A member's day counts toward their streak when they log at least **{minutes} min** "
        "of study on their own local day (`/log`, interview practice, project check-ins, the "
        "time they pick after Done) or press **Done** on the daily prompt."
    )
    if saved:
        text += "\nEvery member's streak was recounted with the new minutes."
    embed = (embeds.success if saved else embeds.info)(
        "Streak rule saved" if saved else "Streak rule", text
    )
    embed.set_footer(text="Change it with /setup streak minutes: (5 to 240).")
    return embed


class DailyViews:
    """The `DailyRenderer` the daily service is wired with."""

    def prompt_post(self, guild_id: int, daily: DailyPrompt, catalog: Catalog) -> Rendered:
        return Rendered(
            embed=prompt_embed(daily, catalog),
            view=done_view(guild_id, daily.prompt_date),
            thread_name=thread_name(daily),
        )

    def streak_reminder(self, state: StreakState, hours_left: int) -> discord.Embed:
        return streak_reminder_embed(state, hours_left)
