"""What the daily prompt looks like, and its persistent Done button."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import discord

from bot.catalog import Catalog
from bot.core import embeds
from bot.core.persistent import FixedButton, persistent_view, require_guild
from bot.core.scheduling.guild_posts import Rendered
from bot.core.text import plural, shorten
from bot.daily.rules.streaks import StreakState

if TYPE_CHECKING:
    from bot.daily.service import Completion, DailyPrompt
    from bot.studybot import StudyBot

DIFFICULTY = {1: "gentle", 2: "solid", 3: "stretch"}


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
        await interaction.response.send_message(embed=completion_embed(completion), ephemeral=True)


def done_view(guild_id: int, day: date) -> discord.ui.View:
    return persistent_view(DailyDoneButton(guild_id, day))


def completion_embed(completion: Completion) -> discord.Embed:
    streak = completion.streak
    if completion.new:
        title = "Done — nice work"
        text = f"Counted for {completion.local_day:%A %d %B} (your day)."
    else:
        title = "Already counted"
        text = "You had already marked this prompt done."
    embed = embeds.success(title, text)
    embed.add_field(name="Streak", value=streak_line(streak), inline=False)
    return embed


def streak_line(streak: StreakState) -> str:
    line = f"{plural(streak.current, 'day')} (best {streak.best})"
    if streak.freezes:
        line += f" · {plural(streak.freezes, 'freeze')} held"
    return line


def streak_embed(streak: StreakState, who: str, *, own: bool) -> discord.Embed:
    embed = embeds.info(f"{who} — streak", streak_line(streak))
    if own:
        if streak.done_today:
            embed.add_field(name="Today", value="Done. See you tomorrow.", inline=False)
        elif streak.current:
            embed.add_field(
                name="Today",
                value="Not done yet — `/daily today` has the prompt.",
                inline=False,
            )
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
        f"`{cells}`\n{first:%d %b} → {last:%d %b} · {done} of {len(history)} days done",
    )
    embed.add_field(name="Streak", value=streak_line(streak), inline=False)
    return embed


def streak_reminder_embed(streak: StreakState, hours_left: int) -> discord.Embed:
    return embeds.info(
        "Your streak is waiting",
        f"You are on a {streak.current}-day streak and today is not done yet — about "
        f"{hours_left} h left on your clock. Even 20 minutes on `/daily today` keeps it going.",
        colour=embeds.WARNING,
    )


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
