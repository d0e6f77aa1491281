"""What projects look like: embeds, the start/check-in/drop modals and persistent buttons.

Member text (titles, goals, notes, check-ins) is always escaped with `bot.core.text.escape`:
no markdown tricks, no pings. Members are named with `<@id>` only inside embeds, where
Discord never pings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import discord

from bot.catalog import ProjectIdea
from bot.catalog.render import bullet_block
from bot.core import embeds
from bot.core.errors import UserFacingError
from bot.core.reporting import guarded
from bot.core.text import escape
from bot.projects.rules import (
    DOMAIN_LABELS,
    GOAL_MAX,
    TITLE_MAX,
    URL_MAX,
    CheckinDraft,
    silence_text,
    week_thread_name,
)

if TYPE_CHECKING:
    from bot.projects.service import (
        CheckinContext,
        CheckinResult,
        MilestoneResult,
        Project,
        ProjectDetail,
        ShipResult,
        StartDefaults,
        WeeklyPost,
        WeeklySchedule,
    )

CHECKIN_TEMPLATE = r"studybot:projects-checkin:(?P<guild>\d+)"
IDEA_START_TEMPLATE = r"studybot:projects-idea:(?P<idea>[a-z0-9][a-z0-9-]{1,63})"
IDEA_PAGE_TEMPLATE = r"studybot:projects-ideas:(?P<domain>[a-z_]+):(?P<index>\d+)"
CHECKIN_TEXT_INPUT_MAX = 1000
EVENT_ICONS = {
    "start": "🌱",
    "checkin": "📝",
    "milestone": "✅",
    "ship": "🚀",
    "target": "📅",
    "stale": "💤",
    "done": "🏁",
    "drop": "✖",
}
STATUS_TEXT = {"active": "active", "done": "done", "dropped": "dropped"}


def domain_label(domain: str) -> str:
    return DOMAIN_LABELS.get(domain, domain)


def _day(instant: datetime | date) -> str:
    return f"{instant:%d %b %Y}"


def _title(project: Project, limit: int = TITLE_MAX) -> str:
    return escape(project.title, limit)


def _fit(lines: Sequence[str], limit: int) -> str:
    """Join lines, dropping the oldest ones (from the top) until the text fits."""
    kept = list(lines)
    text = "\n".join(kept)
    while len(text) > limit and len(kept) > 1:
        kept.pop(0)
        text = "…\n" + "\n".join(kept)
    return text[:limit]


def milestone_lines(project: Project) -> str:
    lines = [
        f"{'✅' if m.done else '⬜'} {m.position + 1}. {escape(m.title, 100)}"
        for m in project.milestones
    ]
    return "\n".join(lines)[:1024] or "none"


def project_summary_line(project: Project, now: datetime | None = None) -> str:
    progress = project.milestone_progress
    parts = [
        f"**{_title(project)}** · {domain_label(project.domain)}",
        f"`{progress.bar()}` {progress.done}/{progress.total} milestones · "
        f"{project.progress}% reported",
    ]
    if project.active:
        extra = f"target {_day(project.target_date)}"
        if project.stale:
            extra += " · 💤 stale"
        if now is not None:
            extra += f" · {silence_text(project.last_checkin_at, now)}"
        parts.append(extra)
    else:
        parts.append(f"{STATUS_TEXT.get(project.status, project.status)}")
    if project.ship_count:
        parts[-1] += f" · 🚀 shipped ×{project.ship_count}"
    return "\n".join(parts)


# --- start ---------------------------------------------------------------------------------


def started_embed(project: Project) -> discord.Embed:
    embed = embeds.success(
        f"Project started: {_title(project)}",
        escape(project.goal, 1500),
    )
    embed.add_field(name="Domain", value=domain_label(project.domain), inline=True)
    embed.add_field(name="Target", value=_day(project.target_date), inline=True)
    if project.link:
        embed.add_field(name="Link", value=escape(project.link, 300), inline=False)
    embed.add_field(name="Milestones", value=milestone_lines(project), inline=False)
    embed.set_footer(
        text="Check in with /project checkin at least weekly; tick milestones with "
        "/project milestone; ship early with /project ship."
    )
    return embed


class StartModal(discord.ui.Modal):
    """The start form. Errors come back privately with the reason; nothing is stored."""

    def __init__(self, defaults: StartDefaults, user_id: int) -> None:
        # One form per member and kind: reopening replaces the stored one (discord.py keys
        # modals by custom id alone), so no timeout is needed and a slow writer loses nothing.
        super().__init__(
            title="Start a project", timeout=None, custom_id=f"studybot:projects-start:{user_id}"
        )
        self.idea_id = defaults.idea_id
        self.title_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Title",
            placeholder="e.g. Sentiment for product reviews",
            default=defaults.title or None,
            max_length=TITLE_MAX,
        )
        self.domain_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Domain",
            placeholder="cv, nlp, recsys, pipeline, edge, llm, responsible_ai, mlops, other",
            default=defaults.domain or None,
            max_length=40,
        )
        self.goal_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Goal / definition of done",
            style=discord.TextStyle.paragraph,
            placeholder="What will exist when it is done? e.g. a deployed demo + a write-up",
            default=defaults.goal or None,
            max_length=GOAL_MAX,
        )
        self.target_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Target date (YYYY-MM-DD)",
            placeholder="within a year",
            default=defaults.target or None,
            min_length=10,
            max_length=10,
        )
        self.link_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Repository or demo URL (optional, https)",
            placeholder="https://github.com/you/project",
            default=defaults.link or None,
            required=False,
            max_length=URL_MAX,
        )
        for item in (
            self.title_input,
            self.domain_input,
            self.goal_input,
            self.target_input,
            self.link_input,
        ):
            self.add_item(item)

    def typed(self) -> StartDefaults:
        """What the member typed, to pre-fill the form again after a refusal."""
        from bot.projects.service import StartDefaults

        return StartDefaults(
            title=self.title_input.value,
            domain=self.domain_input.value,
            goal=self.goal_input.value,
            target=self.target_input.value,
            link=self.link_input.value,
            idea_id=self.idea_id,
        )

    @guarded
    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        guild_id = interaction.guild_id
        if guild_id is None:
            raise UserFacingError("Projects live in a server; use this there.")
        try:
            project = await interaction.client.services.projects.start_project(
                guild_id,
                interaction.user.id,
                title=self.title_input.value,
                domain=self.domain_input.value,
                goal=self.goal_input.value,
                target=self.target_input.value,
                link=self.link_input.value,
                idea_id=self.idea_id,
            )
        except UserFacingError as error:
            # Nothing was stored; offer the form again with what they typed.
            defaults, user_id = self.typed(), interaction.user.id
            await interaction.response.send_message(
                error.message,
                view=retry_view(user_id, lambda: StartModal(defaults, user_id)),
                ephemeral=True,
            )
            return
        await interaction.response.send_message(embed=started_embed(project), ephemeral=True)


class RetryButton(discord.ui.Button[Any]):
    """Reopens a refused form, pre-filled; only for the member who filled it."""

    def __init__(self, owner_id: int, make: Callable[[], discord.ui.Modal]) -> None:
        super().__init__(label="Edit and resubmit", style=discord.ButtonStyle.primary)
        self.owner_id = owner_id
        self.make = make

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.user.id != self.owner_id:
            raise UserFacingError("This form belongs to another member.")
        await interaction.response.send_modal(self.make())


def retry_view(owner_id: int, make: Callable[[], discord.ui.Modal]) -> discord.ui.View:
    view = discord.ui.View(timeout=900)
    view.add_item(RetryButton(owner_id, make))
    return view


# --- ideas ---------------------------------------------------------------------------------


def idea_embed(idea: ProjectIdea, index: int, total: int) -> discord.Embed:
    embed = embeds.info(idea.title, idea.summary)
    embed.set_author(name=f"Project idea · {domain_label(idea.domain)}")
    embed.add_field(name="Dataset", value=idea.dataset, inline=False)
    for number, milestone in enumerate(idea.milestones, start=1):
        embed.add_field(
            name=f"{number}. {milestone.title}"[:256], value=milestone.description, inline=False
        )
    if idea.stretch_goals:
        embed.add_field(name="Stretch goals", value=bullet_block(idea.stretch_goals), inline=False)
    footer = f"Idea {index + 1} of {total} · Start this copies its milestones into your project."
    if len(embed) + len(footer) <= 6000:
        embed.set_footer(text=footer)
    return embed


class IdeaStartButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=IDEA_START_TEMPLATE):
    """Opens the start modal pre-filled from the idea; the custom id carries the idea id."""

    def __init__(self, idea_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Start this",
                style=discord.ButtonStyle.success,
                custom_id=f"studybot:projects-idea:{idea_id}",
            )
        )
        self.idea_id = idea_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> IdeaStartButton:
        return cls(match["idea"])

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.guild_id is None:
            raise UserFacingError("Projects live in a server; use this there.")
        defaults = await interaction.client.services.projects.start_defaults(
            interaction.guild_id, interaction.user.id, idea_id=self.idea_id
        )
        await interaction.response.send_modal(StartModal(defaults, interaction.user.id))


class IdeaPageButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=IDEA_PAGE_TEMPLATE):
    """Previous/next through the ideas of a domain (`all` for every domain)."""

    def __init__(self, domain: str, index: int, label: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"studybot:projects-ideas:{domain}:{index}",
            )
        )
        self.domain = domain
        self.index = index

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> IdeaPageButton:
        label = item.label if isinstance(item, discord.ui.Button) else None
        return cls(match["domain"], int(match["index"]), label or "›")

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.guild_id is None:
            raise UserFacingError("Projects live in a server; use this there.")
        domain = None if self.domain == "all" else self.domain
        ideas = interaction.client.services.projects.ideas(interaction.guild_id, domain)
        if not ideas:
            raise UserFacingError("No project ideas are loaded for that domain any more.")
        index = self.index % len(ideas)
        embed, view = idea_page(ideas, index, self.domain)
        await interaction.response.edit_message(embed=embed, view=view)


def idea_page(
    ideas: Sequence[ProjectIdea], index: int, domain: str | None
) -> tuple[discord.Embed, discord.ui.View]:
    key = domain or "all"
    idea = ideas[index]
    view = discord.ui.View(timeout=None)
    view.add_item(IdeaStartButton(idea.id))
    if len(ideas) > 1:
        view.add_item(IdeaPageButton(key, (index - 1) % len(ideas), "‹ Previous"))
        view.add_item(IdeaPageButton(key, (index + 1) % len(ideas), "Next ›"))
    return idea_embed(idea, index, len(ideas)), view


# --- check-ins -----------------------------------------------------------------------------


class CheckinModal(discord.ui.Modal):
    def __init__(self, context: CheckinContext, typed: dict[str, str] | None = None) -> None:
        project = context.project
        typed = typed or {}
        super().__init__(
            title=f"Check in: {project.title}"[:45],
            timeout=None,
            custom_id=f"studybot:projects-checkin-form:{project.user_id}",
        )
        self.project_id = project.id
        self.context = context
        self.progress_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Progress, 0-100 (%)",
            default=typed.get("progress", str(project.progress)),
            max_length=4,
        )
        self.did_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="What I did",
            style=discord.TextStyle.paragraph,
            placeholder="Since the last check-in",
            default=typed.get("did") or None,
            max_length=CHECKIN_TEXT_INPUT_MAX,
        )
        self.blockers_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Blockers (optional)",
            style=discord.TextStyle.paragraph,
            default=typed.get("blockers") or None,
            required=False,
            max_length=CHECKIN_TEXT_INPUT_MAX,
        )
        self.next_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Next step (optional)",
            default=typed.get("next") or None,
            required=False,
            max_length=CHECKIN_TEXT_INPUT_MAX,
        )
        self.link_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Link (optional, https)",
            default=typed.get("link") or None,
            required=False,
            max_length=URL_MAX,
        )
        for item in (
            self.progress_input,
            self.did_input,
            self.blockers_input,
            self.next_input,
            self.link_input,
        ):
            self.add_item(item)

    @guarded
    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        guild_id = interaction.guild_id
        if guild_id is None:
            raise UserFacingError("Projects live in a server; use this there.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            result = await interaction.client.services.projects.checkin(
                guild_id,
                interaction.user.id,
                self.project_id,
                progress=self.progress_input.value,
                did=self.did_input.value,
                blockers=self.blockers_input.value,
                next_step=self.next_input.value,
                link=self.link_input.value,
                new_target=self.context.new_target,
                public=self.context.public,
                minutes=self.context.minutes,
            )
        except UserFacingError as error:
            # Nothing was stored; offer the form again with what they typed.
            context = self.context
            typed = {
                "progress": self.progress_input.value,
                "did": self.did_input.value,
                "blockers": self.blockers_input.value,
                "next": self.next_input.value,
                "link": self.link_input.value,
            }
            await interaction.followup.send(
                error.message,
                view=retry_view(interaction.user.id, lambda: CheckinModal(context, typed)),
                ephemeral=True,
            )
            return
        await interaction.followup.send(embed=checkin_done_embed(result), ephemeral=True)


def checkin_done_embed(result: CheckinResult) -> discord.Embed:
    project = result.project
    embed = embeds.success(
        f"Checked in: {_title(project)}",
        f"Progress **{result.draft.progress}%** · "
        f"{project.milestone_progress.done}/{project.milestone_progress.total} milestones",
    )
    if result.target_moved:
        embed.add_field(
            name="Target moved",
            value=f"Now {_day(project.target_date)} (moved {project.target_moves}×). "
            "Cutting scope often beats moving the date.",
            inline=False,
        )
    if not result.public:
        where = "Kept private (your check-ins are private)."
    elif result.posted_in_thread:
        where = "Shared in this week's accountability thread."
    else:
        where = "Public, but there is no weekly thread this week to share it in."
    embed.set_footer(text=where + " Change with /project checkin public:")
    return embed


def checkin_summary_embed(user_id: int, project: Project, draft: CheckinDraft) -> discord.Embed:
    lines = [f"<@{user_id}> checked in on **{_title(project)}** — {draft.progress}%"]
    lines.append(f"**Did:** {escape(draft.did, 400)}")
    if draft.blockers:
        lines.append(f"**Blockers:** {escape(draft.blockers, 300)}")
    if draft.next_step:
        lines.append(f"**Next:** {escape(draft.next_step, 300)}")
    if draft.link:
        lines.append(escape(draft.link, 300))
    return embeds.info("Check-in", "\n".join(lines))


class ProjectPicker(discord.ui.Select[Any]):
    """Pick which project to check in on (for members with several)."""

    def __init__(self, projects: Sequence[Project], owner_id: int) -> None:
        super().__init__(
            placeholder="Which project?",
            options=[
                discord.SelectOption(label=p.title[:100], value=str(p.id)) for p in projects[:25]
            ],
        )
        self.owner_id = owner_id

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.user.id != self.owner_id or interaction.guild_id is None:
            raise UserFacingError("This choice belongs to another member.")
        context = await interaction.client.services.projects.checkin_context(
            interaction.guild_id, interaction.user.id, self.values[0]
        )
        await interaction.response.send_modal(CheckinModal(context))


def picker_view(projects: Sequence[Project], owner_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=600)
    view.add_item(ProjectPicker(projects, owner_id))
    return view


class CheckinButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=CHECKIN_TEMPLATE):
    """On the weekly post: opens the check-in modal for whoever clicks, on their own project."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Check in",
                style=discord.ButtonStyle.primary,
                custom_id=f"studybot:projects-checkin:{guild_id}",
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
    ) -> CheckinButton:
        return cls(int(match["guild"]))

    @guarded
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.guild_id != self.guild_id:
            raise UserFacingError("This button belongs to another server.")
        service = interaction.client.services.projects
        projects = await service.projects_of(self.guild_id, interaction.user.id, ("active",))
        if not projects:
            raise UserFacingError(
                "You have no active project yet. Start one with `/project start` or pick an "
                "idea with `/project ideas`."
            )
        if len(projects) == 1:
            context = await service.checkin_context(
                self.guild_id, interaction.user.id, str(projects[0].id)
            )
            await interaction.response.send_modal(CheckinModal(context))
            return
        await interaction.response.send_message(
            "Which project are you checking in on?",
            view=picker_view(projects, interaction.user.id),
            ephemeral=True,
        )


# --- milestones, ship, done, drop --------------------------------------------------------------


def milestone_embed(result: MilestoneResult) -> discord.Embed:
    project = result.project
    progress = project.milestone_progress
    if result.newly:
        title = f"Milestone done: {escape(result.milestone.title, 100)}"
    else:
        title = f"Already ticked: {escape(result.milestone.title, 100)}"
    embed = embeds.success(
        title,
        f"**{_title(project)}** · `{progress.bar()}` {progress.done}/{progress.total}",
    )
    embed.add_field(name="Milestones", value=milestone_lines(project), inline=False)
    if progress.complete:
        embed.add_field(
            name="Every milestone done",
            value="Time to ship it: `/project ship`, then `/project done`.",
            inline=False,
        )
    return embed


def celebration_embed(
    user_id: int, project: Project, link: str | None, note: str | None, ship_number: int
) -> discord.Embed:
    release = "shipped" if ship_number == 1 else f"shipped release #{ship_number} of"
    lines = [f"<@{user_id}> {release} **{_title(project)}** ({domain_label(project.domain)})"]
    if note:
        lines.append(escape(note, 500))
    embed = embeds.success(f"🚀 Shipped: {_title(project, 200)}", "\n".join(lines))
    shown_link = link or project.link
    if shown_link:
        embed.add_field(name="Link", value=escape(shown_link, 300), inline=False)
    progress = project.milestone_progress
    embed.add_field(name="Milestones", value=f"`{progress.bar()}` {progress.done}/{progress.total}")
    embed.set_footer(text="Shipping beats polishing. Say congrats in the thread!")
    return embed


SHIP_TEXT = {
    "posted": "Celebrated in the accountability channel.",
    "no_channel": "No accountability channel is set, so only you see this — still counts!",
    "failed": "I could not post the celebration in the accountability channel.",
    "duplicate": "Already celebrated.",
}


def ship_embed(result: ShipResult) -> discord.Embed:
    project = result.project
    embed = embeds.success(
        f"Shipped: {_title(project)}",
        f"{SHIP_TEXT.get(result.celebrated, '')} It counts toward your portfolio "
        f"({project.ship_count} release{'s' if project.ship_count != 1 else ''} so far).",
    )
    embed.set_footer(text="Still iterating? Keep checking in. Finished? /project done")
    return embed


def ended_embed(project: Project) -> discord.Embed:
    if project.status == "done":
        embed = embeds.success(
            f"Done: {_title(project)}", "Finished — nice. It stays in your portfolio."
        )
    else:
        embed = embeds.info(
            f"Dropped: {_title(project)}",
            "Dropped, with your reason kept in your own history. Stopping on purpose is a "
            "decision, not a failure.",
        )
    if project.end_reason:
        embed.add_field(name="Note", value=escape(project.end_reason, 500), inline=False)
    return embed


class DropModal(discord.ui.Modal):
    """`/project drop` asks why; the reason is kept for the member's own history."""

    def __init__(self, project: Project) -> None:
        super().__init__(
            title=f"Drop: {project.title}"[:45],
            timeout=None,
            custom_id=f"studybot:projects-drop-form:{project.user_id}",
        )
        self.project_id = project.id
        self.reason_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            label="Why are you dropping it?",
            style=discord.TextStyle.paragraph,
            placeholder="Only you see this, in /project show",
            max_length=500,
        )
        self.add_item(self.reason_input)

    @guarded
    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        if interaction.guild_id is None:
            raise UserFacingError("Projects live in a server; use this there.")
        project = await interaction.client.services.projects.drop(
            interaction.guild_id, interaction.user.id, self.project_id, self.reason_input.value
        )
        await interaction.response.send_message(embed=ended_embed(project), ephemeral=True)


# --- list and show ---------------------------------------------------------------------------


def list_embed(projects: Sequence[Project], who: str, *, own: bool, now: datetime) -> discord.Embed:
    if not projects:
        text = (
            "No projects yet. `/project ideas` has ready-made ones; `/project start` "
            "begins your own."
            if own
            else "No projects to show."
        )
        return embeds.info(f"{who} projects", text)
    embed = embeds.info(f"{who} projects")
    for project in projects[:20]:
        name = f"#{project.id} · {STATUS_TEXT.get(project.status, project.status)}"
        embed.add_field(name=name, value=project_summary_line(project, now)[:1024], inline=False)
    if len(projects) > 20:
        embed.set_footer(text=f"…and {len(projects) - 20} more.")
    return embed


def _event_line(event: Any, project: Project, *, own: bool) -> str:
    icon = EVENT_ICONS.get(event.kind, "•")
    when = f"{event.occurred_at:%d %b}"
    if event.kind == "start":
        return f"{icon} {when} · started"
    if event.kind == "checkin":
        text = f"{icon} {when} · check-in {event.progress}% — {escape(event.did, 160)}"
        if event.blockers:
            text += f" · blockers: {escape(event.blockers, 100)}"
        if event.next_step:
            text += f" · next: {escape(event.next_step, 100)}"
        return text
    if event.kind == "milestone":
        return f"{icon} {when} · milestone: {escape(event.note, 100)}"
    if event.kind == "ship":
        text = f"{icon} {when} · shipped"
        if event.note:
            text += f" — {escape(event.note, 160)}"
        if event.link:
            text += f" ({escape(event.link, 200)})"
        return text
    if event.kind == "target":
        return f"{icon} {when} · target moved {escape(event.note, 40)}"
    if event.kind == "stale":
        return f"{icon} {when} · marked stale (14 days without a check-in)"
    if event.kind == "done":
        return f"{icon} {when} · done" + (f" — {escape(event.note, 160)}" if event.note else "")
    if event.kind == "drop":
        reason = f" — {escape(event.note, 200)}" if own and event.note else ""
        return f"{icon} {when} · dropped{reason}"
    return f"{icon} {when} · {event.kind}"


def detail_embed(detail: ProjectDetail, *, own: bool) -> discord.Embed:
    project = detail.project
    embed = embeds.info(f"{_title(project)}", escape(project.goal, 1000))
    embed.set_author(
        name=f"Project #{project.id} · {domain_label(project.domain)} · "
        f"{STATUS_TEXT.get(project.status, project.status)}"
    )
    embed.add_field(name="Owner", value=f"<@{project.user_id}>", inline=True)
    embed.add_field(
        name="Target",
        value=_day(project.target_date)
        + (f" (moved {project.target_moves}×)" if project.target_moves else ""),
        inline=True,
    )
    embed.add_field(name="Reported", value=f"{project.progress}%", inline=True)
    if project.link:
        embed.add_field(name="Link", value=escape(project.link, 300), inline=False)
    embed.add_field(name="Milestones", value=milestone_lines(project), inline=False)
    lines = [_event_line(e, project, own=own) for e in detail.events]
    embed.add_field(name="Timeline", value=_fit(lines, 1024) or "—", inline=False)
    return embed


# --- reminders -------------------------------------------------------------------------------


def reminder_embed(project: Project, now: datetime) -> discord.Embed:
    return embeds.info(
        f"How is {_title(project)} going?",
        f"It has been a week without a check-in ({silence_text(project.last_checkin_at, now)}). "
        "Two lines are enough: `/project checkin` in the server. Stuck? Say so in the "
        "blockers — that is what the weekly thread is for.",
        colour=embeds.WARNING,
    )


def stale_embed(project: Project) -> discord.Embed:
    return embeds.info(
        f"{_title(project)} is marked stale",
        "Two weeks without a check-in. A check-in revives it; if it no longer matters, "
        "`/project drop` frees the slot — or ship what you have with `/project ship`.",
        colour=embeds.WARNING,
    )


# --- weekly ------------------------------------------------------------------------------------


def weekly_thread_name(day: date) -> str:
    return week_thread_name(day)


def weekly_embed(post: WeeklyPost, bounds: tuple[date, date]) -> discord.Embed:
    first, last = bounds
    intro = (
        f"Week of {first:%d %b} – {last:%d %b}. In the thread: what you shipped, what "
        "you will do this week, and where you are stuck. Press **Check in** to log progress."
    )
    embed = embeds.info(week_thread_name(post.day), intro)
    if post.roster:
        lines = [
            f"<@{entry.user_id}> — {entry.projects} project{'s' if entry.projects != 1 else ''}"
            f" · {silence_text(entry.last_checkin_at, post.now)}"
            for entry in post.roster
        ]
        text = "\n".join(lines)
        if len(text) > 3000:
            shown: list[str] = []
            for line in lines:
                if len("\n".join([*shown, line])) > 2900:
                    break
                shown.append(line)
            text = "\n".join(shown) + f"\n…and {len(lines) - len(shown)} more"
        embed.description = f"{intro}\n\n**Building right now**\n{text}"
    else:
        embed.description = intro + "\n\nNobody has an active project yet — `/project ideas`."
    embed.set_footer(text="Listed: members with an active project and public check-ins.")
    return embed


def weekly_view(guild_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(CheckinButton(guild_id))
    return view


def schedule_embed(schedule: WeeklySchedule, zone: str, channel_set: bool) -> discord.Embed:
    embed = embeds.success("Weekly accountability saved", f"{schedule.describe()} ({zone}).")
    if not channel_set:
        embed.add_field(
            name="Next step", value="Pick a channel with `/setup channels accountability:`."
        )
    return embed
