"""What progress looks like: the log confirmation with Undo, history, the dashboard, the
roadmap, leaderboards, goals, onboarding, the welcome greeting and the weekly digest."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from bot.activity.rules import ACTIVITY_KINDS
from bot.catalog.constants import PITFALL_LABELS, QUESTION_CATEGORY_LABELS
from bot.core import embeds
from bot.core.errors import UserFacingError
from bot.core.reporting import guarded
from bot.core.text import escape
from bot.progress import rules

if TYPE_CHECKING:
    from bot.progress.service import (
        CheckResult,
        Dashboard,
        DigestView,
        HistoryEntry,
        LeaderboardView,
        LoggedEntry,
        Onboarding,
        RoadmapView,
        WelcomeConfig,
    )

KIND_LABELS = {
    "course": "Courses",
    "reading": "Reading",
    "math": "Math",
    "coding": "Coding",
    "project": "Projects",
    "interview": "Interviews",
    "community": "Community",
}
KIND_DESCRIPTIONS = {
    "course": "courses, tutorials, videos",
    "reading": "books, papers, docs",
    "math": "exercises",
    "coding": "DS&A practice",
    "project": "building",
    "interview": "interview practice",
    "community": "helping others, meetups, open source, writing",
}
SOURCE_LABELS = {
    "log": "/log",
    "daily": "daily prompt",
    "interview": "interview",
    "project": "project",
    "message": "messages",
    "practice": "interview practice",
    "mock": "mock interview",
    "pair": "pair interview",
    "checkin": "project check-in",
    "milestone": "milestone",
    "ship": "ship",
}
BOARD_LABELS = {
    "streak": "Streaks",
    "minutes": "Study minutes",
    "shipped": "Projects shipped",
    "reviews": "Interview reviews",
}
PERIOD_LABELS = {"week": "last 7 days", "month": "last 30 days", "all": "all time"}
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
GOAL_HOURS = (2, 3, 5, 8, 10, 15, 20)
CHART_FILENAME = "progress.png"

UNDO_TEMPLATE = r"studybot:progress-undo:(?P<entry>\d+):(?P<user>\d+)"
START_TEMPLATE = r"studybot:progress-start:(?P<guild>\d+)"
DELETE_TEMPLATE = r"studybot:progress-delete:(?P<user>\d+)"
ONBOARDING_TEMPLATE = r"studybot:progress-onboarding:(?P<step>[a-z]+):(?P<user>\d+)"


def minutes(value: int) -> str:
    return rules.format_minutes(value)


# --- /log ---------------------------------------------------------------------------------


def log_embed(entry: LoggedEntry) -> discord.Embed:
    line = f"**{minutes(entry.minutes)}** of {KIND_LABELS[entry.kind].lower()}"
    if entry.topic:
        line += f" · {escape(entry.topic, 64)}"
    embed = embeds.success("Logged", line)
    if entry.note:
        embed.add_field(name="Note", value=escape(entry.note, 300), inline=False)
    week = f"{minutes(entry.week_minutes)} so far"
    if entry.goal_minutes:
        fraction = entry.week_minutes / entry.goal_minutes
        week += f" of {minutes(entry.goal_minutes)} {rules.progress_bar(fraction)}"
    embed.add_field(name="This week", value=week, inline=False)
    embed.set_footer(text="Logged by mistake? Undo works for 24 hours; /history for older ones.")
    return embed


class UndoButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=UNDO_TEMPLATE):
    """Persistent: the custom id carries the entry and its owner, so it survives restarts."""

    def __init__(self, entry_id: int, user_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Undo",
                style=discord.ButtonStyle.secondary,
                custom_id=f"studybot:progress-undo:{entry_id}:{user_id}",
            )
        )
        self.entry_id = entry_id
        self.user_id = user_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> UndoButton:
        return cls(int(match["entry"]), int(match["user"]))

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.user.id != self.user_id or interaction.guild_id is None:
            raise UserFacingError("Only the member who logged this entry can undo it.")
        removed = await interaction.client.services.progress.undo(
            interaction.guild_id, interaction.user.id, self.entry_id
        )
        await interaction.response.edit_message(embed=undone_embed(removed), view=None)


def log_view(entry_id: int, user_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(UndoButton(entry_id, user_id))
    return view


def undone_embed(entry: HistoryEntry) -> discord.Embed:
    return embeds.info(
        "Removed",
        f"{minutes(entry.minutes)} of {KIND_LABELS.get(entry.kind, entry.kind).lower()} on "
        f"{entry.local_day:%a %d %b} is no longer in your log.",
    )


# --- /history -----------------------------------------------------------------------------


def _entry_line(entry: HistoryEntry) -> str:
    line = (
        f"`{entry.local_day:%d %b}` **{minutes(entry.minutes)}** "
        f"{KIND_LABELS.get(entry.kind, entry.kind).lower()}"
    )
    if entry.topic:
        line += f" · {escape(entry.topic, 40)}"
    if entry.note:
        line += f" — {escape(entry.note, 60)}"
    line += f" ({SOURCE_LABELS.get(entry.source, entry.source)})"
    return line


def history_embed(entries: Sequence[HistoryEntry]) -> discord.Embed:
    if not entries:
        return embeds.info(
            "Your study log",
            "Nothing logged yet. `/log minutes:45 kind:course` records a study session.",
        )
    text = "\n".join(_entry_line(e) for e in entries)
    embed = embeds.info("Your study log", text[:4000])
    embed.set_footer(
        text="Only entries you added with /log can be deleted; the bot records the rest "
        "(daily prompts, interviews, projects, messages)."
    )
    return embed


class HistoryDeleteSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=DELETE_TEMPLATE):
    """Delete one of your /log entries. Persistent (no timeout task, nothing kept in memory
    per message): the custom id carries the owner; the chosen value is the entry id."""

    def __init__(self, select: discord.ui.Select[Any], user_id: int) -> None:
        super().__init__(select)
        self.user_id = user_id

    @classmethod
    def build(cls, user_id: int, entries: Sequence[HistoryEntry]) -> HistoryDeleteSelect:
        select: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=f"studybot:progress-delete:{user_id}",
            placeholder="Delete an entry",
            options=[
                discord.SelectOption(
                    label=(
                        f"{e.local_day:%d %b} · {minutes(e.minutes)} "
                        f"{KIND_LABELS.get(e.kind, e.kind).lower()}"
                    )[:100],
                    description=(e.note or e.topic or "")[:100] or None,
                    value=str(e.id),
                )
                for e in entries
            ],
        )
        return cls(select, user_id)

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> HistoryDeleteSelect:
        if not isinstance(item, discord.ui.Select):
            raise UserFacingError("That list is out of date; run `/history` again.")
        return cls(item, int(match["user"]))

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.user.id != self.user_id or interaction.guild_id is None:
            raise UserFacingError("Only the member whose log this is can delete from it.")
        progress = interaction.client.services.progress
        removed = await progress.delete_entry(
            interaction.guild_id, interaction.user.id, int(self.item.values[0])
        )
        entries = await progress.history(interaction.guild_id, interaction.user.id)
        embed = history_embed(entries)
        embed.description = (f"Deleted: {_entry_line(removed)}\n\n" + (embed.description or ""))[
            :4000
        ]
        await interaction.response.edit_message(
            embed=embed, view=history_view(interaction.user.id, entries)
        )


def history_view(user_id: int, entries: Sequence[HistoryEntry]) -> discord.ui.View | None:
    """A delete select over the member's own /log entries (None when there are none)."""
    deletable = [e for e in entries if e.deletable][:25]
    if not deletable:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(HistoryDeleteSelect.build(user_id, deletable))
    return view


# --- /progress ----------------------------------------------------------------------------


def _evidence_text(evidence: Mapping[str, Any]) -> str:
    parts = []
    for key, value in list(evidence.items())[:6]:
        label = str(key).replace("_", " ")
        if isinstance(value, float):
            value = f"{value:.1f}"
        parts.append(f"{escape(label, 30)} {escape(str(value), 60)}")
    return ", ".join(parts)


def _flags_text(dash: Dashboard) -> str:
    if not dash.flags:
        return "None right now."
    return "\n".join(
        f"⚠ **{PITFALL_LABELS.get(f.pitfall, escape(f.pitfall, 40))}**"
        + (f" — {_evidence_text(f.evidence)}" if f.evidence else "")
        for f in dash.flags
    )


def dashboard_embed(dash: Dashboard, who: str) -> discord.Embed:
    title = "Your progress" if dash.own else f"{who} — progress"
    readiness = dash.readiness
    embed = embeds.info(
        title,
        f"Job readiness **{readiness.score}/100** {rules.progress_bar(readiness.score / 100)}",
    )
    embed.add_field(
        name="Streak", value=f"{dash.streak_current} days (best {dash.streak_best})", inline=True
    )
    theory, practice = dash.theory_practice
    embed.add_field(
        name="Theory : practice (4 weeks)",
        value=rules.format_ratio(theory, practice),
        inline=True,
    )
    if dash.goal.goal_minutes:
        goal = (
            f"{minutes(dash.goal.done_minutes)} of {minutes(dash.goal.goal_minutes)} "
            f"{rules.progress_bar(dash.goal.fraction)}"
        )
    else:
        goal = f"{minutes(dash.goal.done_minutes)} · no goal set (`/goal`)"
    embed.add_field(name="This week", value=goal, inline=True)
    kinds = [
        f"{KIND_LABELS[k]}: {minutes(dash.last4.get(k, 0))}"
        for k in ACTIVITY_KINDS
        if dash.last4.get(k, 0)
    ]
    total = sum(dash.last4.values())
    embed.add_field(
        name=f"Last 4 weeks · {minutes(total)}",
        value="\n".join(kinds) or "Nothing logged yet — try `/log`.",
        inline=False,
    )
    portfolio = dash.portfolio
    projects = f"{portfolio.active} active · {portfolio.shipped} shipped"
    if portfolio.shipped_domains:
        projects += " (" + ", ".join(escape(d, 30) for d in portfolio.shipped_domains) + ")"
    embed.add_field(name="Projects", value=projects, inline=True)
    if dash.strengths:
        strength = "\n".join(
            f"{QUESTION_CATEGORY_LABELS.get(c, escape(c, 40))}: {round(s * 100)}%"
            for c, s in sorted(dash.strengths.items())
        )
    else:
        strength = "No interview practice yet."
    embed.add_field(name="Interview strength", value=strength[:1024], inline=True)
    coverage = dash.coverage
    roadmap = f"{coverage.checked}/{coverage.total} skills ({round(coverage.fraction * 100)}%)"
    if dash.next_skill and dash.own:
        skill = dash.catalog.skills.get(dash.next_skill)
        roadmap += f"\nNext: {skill.name if skill else dash.next_skill}"
    embed.add_field(name="Roadmap", value=roadmap, inline=True)
    parts = readiness.parts
    embed.add_field(
        name="Readiness score",
        value=(
            f"roadmap {parts['roadmap']:.0f}/35 · portfolio {parts['portfolio']:.0f}/25 · "
            f"interviews {parts['interview']:.0f}/25 · community {parts['community']:.0f}/15"
        ),
        inline=False,
    )
    if dash.own:  # pitfall flags are the member's own business, even on a public profile
        embed.add_field(name="Pitfall flags", value=_flags_text(dash)[:1024], inline=False)
    embed.set_image(url=f"attachment://{CHART_FILENAME}")
    embed.set_footer(
        text="Readiness = roadmap 35 + shipped domains 25 + interview strength 25 + "
        "community days 15."
    )
    return embed


def chart_file(png: bytes) -> discord.File:
    import io

    return discord.File(io.BytesIO(png), filename=CHART_FILENAME)


# --- /roadmap -----------------------------------------------------------------------------


def _coverage_line(checked: int, total: int) -> str:
    fraction = checked / total if total else 0.0
    return f"{checked}/{total} {rules.progress_bar(fraction, 8)}"


def roadmap_embed(view: RoadmapView) -> discord.Embed:
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
            "\n".join(lines)[:4000] or "This track has no skills.",
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


# --- /leaderboard -------------------------------------------------------------------------


def _board_value(board: str, value: int) -> str:
    if board == "minutes":
        return minutes(value)
    if board == "streak":
        return f"{value} day{'s' if value != 1 else ''}"
    if board == "shipped":
        return f"{value} shipped"
    return f"{value} review{'s' if value != 1 else ''}"


def leaderboard_embed(view: LeaderboardView) -> discord.Embed:
    period = "current streaks" if view.board == "streak" else PERIOD_LABELS[view.period]
    embed = embeds.info(f"Leaderboard — {BOARD_LABELS[view.board]} ({period})")
    if not view.available:
        embed.description = "This board is not available on this server yet."
        return embed
    ranked = view.ranked
    if ranked.top:
        embed.description = "\n".join(
            f"**{r.rank}.** <@{r.user_id}> — {_board_value(view.board, r.value)}"
            for r in ranked.top
        )
    else:
        embed.description = "Nobody on this board yet."
    if ranked.me is not None:
        me = f"#{ranked.me.rank} of {ranked.total} · {_board_value(view.board, ranked.me.value)}"
    elif view.viewer_opted_in:
        me = "Not ranked yet on this board."
    else:
        me = "You are not on the leaderboards: `/settings leaderboard enabled:True` to join."
    embed.add_field(name="You", value=me, inline=False)
    embed.set_footer(text="Only members who opted in are shown. Equal scores share a rank.")
    return embed


# --- /goal --------------------------------------------------------------------------------


def goal_embed(progress: rules.GoalProgress, *, saved: bool) -> discord.Embed:
    if not progress.goal_minutes:
        return embeds.info(
            "No weekly goal yet",
            f"This week: {minutes(progress.done_minutes)}. Set a goal with "
            "`/goal hours_per_week:5`.",
        )
    text = (
        f"Goal: **{minutes(progress.goal_minutes)}** a week.\nThis week: "
        f"{minutes(progress.done_minutes)} {rules.progress_bar(progress.fraction)}"
    )
    if progress.met:
        text += "\nGoal met — anything more is a bonus."
    return (embeds.success if saved else embeds.info)(
        "Weekly goal saved" if saved else "Your weekly goal", text
    )


# --- onboarding ---------------------------------------------------------------------------


def onboarding_embed(state: Onboarding) -> discord.Embed:
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
    embed.add_field(name="Nudges", value=state.nudge_mode, inline=True)
    embed.add_field(name="Focus tracks", value=focus[:1024], inline=False)
    embed.add_field(
        name="Then",
        value="`/daily today` for today's prompt, `/log` after you study, `/progress` to see "
        "it add up, `/help` for the rest.",
        inline=False,
    )
    if state.saved:
        embed.set_footer(text=f"Saved — {state.saved}")
    return embed


class OnboardingSelect(
    discord.ui.DynamicItem[discord.ui.Select[Any]], template=ONBOARDING_TEMPLATE
):
    """One onboarding choice (timezone, tracks, goal, dms, nudges), saved when picked.

    Persistent: the custom id carries the step and the member, so the selects keep working
    after a restart and no view (or timeout task) is kept per message."""

    def __init__(self, select: discord.ui.Select[Any], step: str, user_id: int) -> None:
        super().__init__(select)
        self.step = step
        self.user_id = user_id

    @classmethod
    def build(
        cls,
        step: str,
        user_id: int,
        placeholder: str,
        options: list[discord.SelectOption],
        *,
        min_values: int = 1,
        max_values: int = 1,
    ) -> OnboardingSelect:
        select: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=f"studybot:progress-onboarding:{step}:{user_id}",
            placeholder=placeholder,
            options=options,
            min_values=min_values,
            max_values=max_values,
        )
        return cls(select, step, user_id)

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> OnboardingSelect:
        if not isinstance(item, discord.ui.Select):
            raise UserFacingError("That form is out of date; run `/start` again.")
        return cls(item, match["step"], int(match["user"]))

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.user.id != self.user_id or interaction.guild_id is None:
            raise UserFacingError("This onboarding belongs to another member; try `/start`.")
        state = await interaction.client.services.progress.save_onboarding(
            interaction.guild_id, interaction.user.id, self.step, list(self.item.values)
        )
        await interaction.response.edit_message(
            embed=onboarding_embed(state), view=onboarding_view(interaction.user.id, state)
        )


def onboarding_view(user_id: int, state: Onboarding) -> discord.ui.View:
    """Five selects: timezone, focus tracks, weekly goal, DMs, nudge mode."""
    view = discord.ui.View(timeout=None)
    zones = list(COMMON_ZONES)
    for extra in (state.guild_timezone, state.timezone):
        if extra and extra not in zones:
            zones.insert(0, extra)
    view.add_item(
        OnboardingSelect.build(
            "timezone",
            user_id,
            "Your timezone",
            [
                discord.SelectOption(label=z, value=z, default=z == state.timezone)
                for z in zones[:25]
            ],
        )
    )
    if state.tracks:
        view.add_item(
            OnboardingSelect.build(
                "tracks",
                user_id,
                "Focus tracks",
                [
                    discord.SelectOption(
                        label=name[:100], value=track_id, default=track_id in state.focus_tracks
                    )
                    for track_id, name in state.tracks[:25]
                ],
                min_values=0,
                max_values=min(25, len(state.tracks)),
            )
        )
    view.add_item(
        OnboardingSelect.build(
            "goal",
            user_id,
            "Weekly study goal",
            [
                discord.SelectOption(
                    label=f"{h} hours a week", value=str(h), default=h == state.goal_hours
                )
                for h in GOAL_HOURS
            ],
        )
    )
    view.add_item(
        OnboardingSelect.build(
            "dms",
            user_id,
            "Direct messages",
            [
                discord.SelectOption(
                    label="DMs on: reminders and digests by DM", value="on", default=state.dm_opt_in
                ),
                discord.SelectOption(
                    label="DMs off: keep things for my next command",
                    value="off",
                    default=not state.dm_opt_in,
                ),
            ],
        )
    )
    view.add_item(
        OnboardingSelect.build(
            "nudges",
            user_id,
            "Pitfall nudges",
            [
                discord.SelectOption(label=label, value=mode, default=mode == state.nudge_mode)
                for mode, label in (
                    ("inbox", "Nudges with my next command reply"),
                    ("dm", "Nudges by DM"),
                    ("off", "No nudges"),
                )
            ],
        )
    )
    return view


class StartButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=START_TEMPLATE):
    """**Get started** on a welcome post: opens the onboarding for whoever clicks."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Get started",
                style=discord.ButtonStyle.primary,
                custom_id=f"studybot:progress-start:{guild_id}",
            )
        )
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> StartButton:
        return cls(int(match["guild"]))

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.guild_id != self.guild_id:
            raise UserFacingError("This button belongs to another server.")
        state = await interaction.client.services.progress.onboarding(
            self.guild_id, interaction.user.id
        )
        await interaction.response.send_message(
            embed=onboarding_embed(state),
            view=onboarding_view(interaction.user.id, state),
            ephemeral=True,
        )


@dataclass(frozen=True)
class WelcomePost:
    embed: discord.Embed
    view: discord.ui.View
    content: str
    allowed_mentions: discord.AllowedMentions


def welcome_post(guild_id: int, user_id: int) -> WelcomePost:
    """The greeting: it pings the new member (and only them) once, on purpose."""
    view = discord.ui.View(timeout=None)
    view.add_item(StartButton(guild_id))
    embed = embeds.info(
        "Welcome to the study server",
        "Study every day, practise interviews, ship projects — and we help you steer clear "
        "of tutorial hell. Press **Get started** to set your timezone, focus and weekly "
        "goal (only you see it).",
    )
    return WelcomePost(
        embed=embed,
        view=view,
        content=f"Welcome, <@{user_id}>!",
        allowed_mentions=discord.AllowedMentions(
            everyone=False, roles=False, users=[discord.Object(id=user_id)]
        ),
    )


def welcome_config_embed(config: WelcomeConfig) -> discord.Embed:
    if config.enabled and config.channel_id:
        text = f"New members are greeted in <#{config.channel_id}> with a **Get started** button."
    else:
        text = "New members are not greeted. `/setup welcome channel:#… enabled:True` turns it on."
    return embeds.success("Welcome greeting saved", text)


# --- settings -----------------------------------------------------------------------------


def tracking_embed(enabled: bool) -> discord.Embed:
    if enabled:
        return embeds.success(
            "Community tracking on",
            "Days you post in this server count as community activity (how many messages, "
            "capped per day — never what they say).",
        )
    return embeds.success(
        "Community tracking off",
        "Your messages are no longer counted. Pairing and `/log kind:community` still count.",
    )


def digest_settings_embed(enabled: bool) -> discord.Embed:
    if enabled:
        return embeds.success(
            "Weekly digest on",
            "Every Monday at 08:00 your time: last week's minutes against your goal, streak, "
            "reviews, project check-ins and one focus for the week. By DM if you allow DMs, "
            "else with your next command.",
        )
    return embeds.success("Weekly digest off", "No more weekly digests.")


# --- the weekly digest --------------------------------------------------------------------


def digest_embed(view: DigestView) -> discord.Embed:
    """Everything in the description: an inbox delivery keeps only title and description."""
    digest = view.digest
    lines = [f"**Week of {digest.week_start:%d %B}**"]
    study = f"Studied {minutes(digest.minutes)}"
    if digest.goal.goal_minutes:
        study += f" of your {minutes(digest.goal.goal_minutes)} goal " + (
            "— goal met ✅" if digest.goal.met else rules.progress_bar(digest.goal.fraction)
        )
    lines.append(study)
    kinds = ", ".join(
        f"{KIND_LABELS[k].lower()} {minutes(v)}" for k, v in digest.by_kind.items() if v
    )
    if kinds:
        lines.append(f"({kinds}; theory : practice {digest.ratio_text})")
    lines.append(f"Streak: {digest.streak} day{'s' if digest.streak != 1 else ''}")
    lines.append(
        f"Interview practice: {digest.interview_sessions} session"
        f"{'s' if digest.interview_sessions != 1 else ''} · reviews due now: {digest.reviews_due}"
    )
    lines.append(f"Project check-ins and milestones: {digest.project_updates}")
    lines.append("")
    lines.append(f"**Focus this week:** {view.focus_label}")
    embed = embeds.info("Your week in review", "\n".join(lines)[:4000])
    embed.set_footer(text="Weekly digest · /settings digest enabled:False stops it.")
    return embed
