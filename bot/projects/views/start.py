"""Starting a project: the start form, and browsing catalog ideas (persistent buttons)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

import discord

from bot.catalog import ProjectIdea
from bot.catalog.render import bullet_block
from bot.core import embeds
from bot.core.errors import UserFacingError
from bot.core.persistent import Field, FixedButton, PersistentButton, PersistentView
from bot.core.reporting import guarded
from bot.core.text import escape, shorten
from bot.projects.rules import GOAL_MAX, TITLE_MAX, URL_MAX
from bot.projects.service import StartForm
from bot.projects.views.common import (
    add_inputs,
    day_text,
    domain_label,
    guild_of,
    milestone_lines,
    retry_view,
    text_input,
    title_text,
)

if TYPE_CHECKING:
    from bot.projects.service import Project
    from bot.studybot import StudyBot


def started_embed(project: Project) -> discord.Embed:
    embed = embeds.success(
        f"Project started: {title_text(project)}",
        escape(project.goal, 1500),
    )
    embed.add_field(name="Domain", value=domain_label(project.domain), inline=True)
    embed.add_field(name="Target", value=day_text(project.target_date), inline=True)
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

    def __init__(self, defaults: StartForm, user_id: int) -> None:
        # One form per member and kind: reopening replaces the stored one (discord.py keys
        # modals by custom id alone), so no timeout is needed and a slow writer loses nothing.
        super().__init__(
            title="Start a project", timeout=None, custom_id=f"studybot:projects-start:{user_id}"
        )
        self.idea_id = defaults.idea_id
        self.title_input = text_input(
            "Title", defaults.title, TITLE_MAX, placeholder="e.g. Sentiment for product reviews"
        )
        self.domain_input = text_input(
            "Domain",
            defaults.domain,
            40,
            placeholder="cv, nlp, recsys, pipeline, edge, llm, responsible_ai, mlops, other",
        )
        self.goal_input = text_input(
            "Goal / definition of done",
            defaults.goal,
            GOAL_MAX,
            placeholder="What will exist when it is done? e.g. a deployed demo + a write-up",
            paragraph=True,
        )
        self.target_input = text_input(
            "Target date (YYYY-MM-DD)",
            defaults.target,
            10,
            placeholder="within a year",
            min_length=10,
        )
        self.link_input = text_input(
            "Repository or demo URL (optional, https)",
            defaults.link,
            URL_MAX,
            placeholder="https://github.com/you/project",
            required=False,
        )
        add_inputs(
            self,
            self.title_input,
            self.domain_input,
            self.goal_input,
            self.target_input,
            self.link_input,
        )

    def typed(self) -> StartForm:
        """What the member typed, to pre-fill the form again after a refusal."""
        return StartForm(
            title=self.title_input.value,
            domain=self.domain_input.value,
            goal=self.goal_input.value,
            target=self.target_input.value,
            link=self.link_input.value,
            idea_id=self.idea_id,
        )

    @guarded
    async def on_submit(self, interaction: discord.Interaction[StudyBot]) -> None:
        guild_id = guild_of(interaction)
        typed, user_id = self.typed(), interaction.user.id
        try:
            project = await interaction.client.services.projects.start_project(
                guild_id, user_id, typed
            )
        except UserFacingError as error:
            # Nothing was stored; offer the form again with what they typed.
            await interaction.response.send_message(
                error.message,
                view=retry_view(user_id, lambda: StartModal(typed, user_id)),
                ephemeral=True,
            )
            return
        await interaction.response.send_message(embed=started_embed(project), ephemeral=True)


# --- ideas ---------------------------------------------------------------------------------


def idea_embed(idea: ProjectIdea, index: int, total: int) -> discord.Embed:
    embed = embeds.info(idea.title, idea.summary)
    embed.set_author(name=f"Project idea · {domain_label(idea.domain)}")
    embed.add_field(name="Dataset", value=idea.dataset, inline=False)
    for number, milestone in enumerate(idea.milestones, start=1):
        embed.add_field(
            name=shorten(f"{number}. {milestone.title}", 256),
            value=milestone.description,
            inline=False,
        )
    if idea.stretch_goals:
        embed.add_field(name="Stretch goals", value=bullet_block(idea.stretch_goals), inline=False)
    footer = f"Idea {index + 1} of {total} · Start this copies its milestones into your project."
    if len(embed) + len(footer) <= 6000:
        embed.set_footer(text=footer)
    return embed


class IdeaStartButton(
    FixedButton, prefix="projects-idea", label="Start this", style=discord.ButtonStyle.success
):
    """Opens the start modal pre-filled from the idea; the custom id carries the idea id."""

    idea_id: Annotated[str, Field(r"[a-z0-9][a-z0-9-]{1,63}")]

    async def on_click(self, interaction: discord.Interaction[StudyBot]) -> None:
        defaults = await interaction.client.services.projects.start_defaults(
            guild_of(interaction), interaction.user.id, idea_id=self.idea_id
        )
        await interaction.response.send_modal(StartModal(defaults, interaction.user.id))


class IdeaPageButton(PersistentButton, prefix="projects-ideas"):
    """Previous/next through the ideas of a domain (`all` for every domain)."""

    domain: Annotated[str, Field(r"[a-z_]+")]
    index: int

    def __init__(self, domain: str, index: int, label: str = "›") -> None:
        button = discord.ui.Button[Any](label=label, style=discord.ButtonStyle.secondary)
        super().__init__(button, domain=domain, index=index)

    async def on_click(self, interaction: discord.Interaction[StudyBot]) -> None:
        domain = None if self.domain == "all" else self.domain
        ideas = interaction.client.services.projects.ideas(guild_of(interaction), domain)
        if not ideas:
            raise UserFacingError("No project ideas are loaded for that domain any more.")
        embed, view = idea_page(ideas, self.index % len(ideas), self.domain)
        await interaction.response.edit_message(embed=embed, view=view)


def idea_page(
    ideas: Sequence[ProjectIdea], index: int, domain: str | None
) -> tuple[discord.Embed, discord.ui.View]:
    key = domain or "all"
    idea = ideas[index]
    view = PersistentView()
    view.add_item(IdeaStartButton(idea.id))
    if len(ideas) > 1:
        view.add_item(IdeaPageButton(key, (index - 1) % len(ideas), "‹ Previous"))
        view.add_item(IdeaPageButton(key, (index + 1) % len(ideas), "Next ›"))
    return idea_embed(idea, index, len(ideas)), view
