"""/project: start, ideas, check in, milestones, ship, list, show, done, drop.

`/project start` opens a modal (title, domain, goal, target date, link). The domain is a
text field there (validated against the list, labels accepted); the optional `domain:`
slash option, with choices, pre-fills it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.core import embeds
from bot.core.checks import guild_id_of, write_cooldown
from bot.core.errors import UserFacingError
from bot.core.options import IsoDate, Picked
from bot.core.text import escape
from bot.projects import views as project_ui
from bot.projects.rules import DOMAIN_LABELS, MINUTES_MAX, NOTE_MAX, PROJECT_DOMAINS, URL_MAX
from bot.studybot import Interaction, StudyBot, reply

if TYPE_CHECKING:
    from bot.core.clock import Clock
    from bot.projects.service import ProjectService

DOMAIN_CHOICES = [
    app_commands.Choice(name=DOMAIN_LABELS[domain], value=domain) for domain in PROJECT_DOMAINS
]
IDEA_DOMAIN_CHOICES = [choice for choice in DOMAIN_CHOICES if choice.value != "other"]


@app_commands.guild_only()
class Projects(commands.GroupCog, group_name="project"):
    """Portfolio projects and weekly accountability."""

    def __init__(self, projects: ProjectService, clock: Clock) -> None:
        """Serve `/project` with the projects service."""
        self.projects = projects
        self.clock = clock
        super().__init__()

    # --- autocomplete ------------------------------------------------------------------

    async def _choices(
        self, interaction: Interaction, current: str, *, active_only: bool
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        projects = await self.projects.search(
            interaction.guild_id, interaction.user.id, current, active_only=active_only
        )
        return [
            app_commands.Choice(
                name=(p.title if p.active else f"{p.title} ({p.status})")[:100], value=str(p.id)
            )
            for p in projects
        ]

    async def active_projects(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Autocomplete: the member's active projects."""
        return await self._choices(interaction, current, active_only=True)

    async def any_projects(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Autocomplete: all the member's projects, ended ones marked."""
        return await self._choices(interaction, current, active_only=False)

    # --- commands ----------------------------------------------------------------------

    @app_commands.command(name="start", description="Start a portfolio project (opens a form).")
    @app_commands.describe(domain="Pre-fill the domain (you can also type it in the form)")
    @app_commands.choices(domain=DOMAIN_CHOICES)
    @write_cooldown()
    async def start(self, interaction: Interaction, domain: str | None = None) -> None:
        """Open the start form (after checking the member may start another project)."""
        defaults = await self.projects.start_defaults(
            guild_id_of(interaction), interaction.user.id, domain=domain
        )
        await interaction.response.send_modal(project_ui.StartModal(defaults, interaction.user.id))

    @app_commands.command(name="ideas", description="Project ideas with milestones and data.")
    @app_commands.describe(domain="Only ideas in this domain")
    @app_commands.choices(domain=IDEA_DOMAIN_CHOICES)
    async def ideas(self, interaction: Interaction, domain: str | None = None) -> None:
        """Page through the catalog's project ideas."""
        ideas = self.projects.ideas(guild_id_of(interaction), domain)
        if not ideas:
            raise UserFacingError("No project ideas are loaded for that domain yet.")
        embed, view = project_ui.idea_page(ideas, 0, domain)
        await reply(interaction, embed=embed, view=view)

    @app_commands.command(name="checkin", description="Check in on a project (opens a form).")
    @app_commands.autocomplete(project=active_projects)
    @write_cooldown()
    async def checkin(
        self,
        interaction: Interaction,
        project: Picked | None = None,
        public: bool | None = None,
        target_date: IsoDate | None = None,
        minutes: app_commands.Range[int, 0, MINUTES_MAX] | None = None,
    ) -> None:
        """Open the check-in form (after checking the options).

        Args:
            project: Which project (optional if you have exactly one active)
            public: Share your check-ins in the weekly thread (saved for next time)
            target_date: Move the target date (YYYY-MM-DD); moves are counted
            minutes: Time spent since your last check-in, in minutes
        """
        context = await self.projects.checkins.context(
            guild_id_of(interaction),
            interaction.user.id,
            project,
            target_date=target_date,
            public=public,
            minutes=minutes,
        )
        await interaction.response.send_modal(project_ui.CheckinModal(context))

    @app_commands.command(name="milestone", description="Tick a milestone of your project.")
    @app_commands.describe(project="Which project", milestone="The milestone you finished")
    @app_commands.autocomplete(project=active_projects)
    @write_cooldown()
    async def milestone(self, interaction: Interaction, project: Picked, milestone: Picked) -> None:
        """Tick a milestone."""
        result = await self.projects.milestones.tick(
            guild_id_of(interaction), interaction.user.id, project, milestone
        )
        await reply(interaction, embed=project_ui.milestone_embed(result))

    @milestone.autocomplete("milestone")
    async def milestone_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Autocomplete: the chosen project's milestones, ticked ones marked."""
        if interaction.guild_id is None:
            return []
        ref: str | None = interaction.namespace.project
        try:
            project = await self.projects.resolve(interaction.guild_id, interaction.user.id, ref)
        except UserFacingError:
            return []
        needle = current.strip().lower()
        return [
            app_commands.Choice(
                name=f"{'✅' if m.done else '⬜'} {m.position + 1}. {m.title}"[:100],
                value=str(m.position + 1),
            )
            for m in project.milestones
            if needle in m.title.lower()
        ][:25]

    @app_commands.command(name="ship", description="Ship a release and celebrate it.")
    @app_commands.autocomplete(project=active_projects)
    @write_cooldown()
    async def ship(
        self,
        interaction: Interaction,
        project: Picked,
        link: app_commands.Range[str, 1, URL_MAX] | None = None,
        note: app_commands.Range[str, 1, NOTE_MAX] | None = None,
    ) -> None:
        """Record a release; it is celebrated in the accountability channel.

        Args:
            project: Which project
            link: Where to see it (https): repo, demo, write-up
            note: One line about what shipped
        """
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.projects.milestones.ship(
            guild_id_of(interaction), interaction.user.id, project, link=link, note=note
        )
        await reply(interaction, embed=project_ui.ship_embed(result))

    @app_commands.command(name="list", description="Your projects, or another member's.")
    @app_commands.describe(
        member="Whose projects (default: yours; theirs if their profile is public)"
    )
    async def list_(self, interaction: Interaction, member: discord.Member | None = None) -> None:
        """List the member's projects, or a public member's."""
        shown = embeds.Shown.of(interaction, member)
        projects = await self.projects.list_for(
            guild_id_of(interaction), interaction.user.id, shown.user.id
        )
        who = "Your" if shown.own else f"{escape(shown.user.display_name, 80)}'s"
        embed = project_ui.list_embed(projects, who, own=shown.own, now=self.clock.now())
        await reply(interaction, embed=embed)

    @app_commands.command(name="show", description="A project's milestones and timeline.")
    @app_commands.describe(project="Which project (yours, or a public member's project number)")
    @app_commands.autocomplete(project=any_projects)
    async def show(self, interaction: Interaction, project: Picked) -> None:
        """Show a project's milestones and timeline."""
        detail = await self.projects.detail(guild_id_of(interaction), interaction.user.id, project)
        own = detail.project.user_id == interaction.user.id
        await reply(interaction, embed=project_ui.detail_embed(detail, own=own))

    @app_commands.command(name="done", description="Mark a project finished.")
    @app_commands.describe(project="Which project", note="Optional closing note")
    @app_commands.autocomplete(project=active_projects)
    @write_cooldown()
    async def done(
        self,
        interaction: Interaction,
        project: Picked,
        note: app_commands.Range[str, 1, NOTE_MAX] | None = None,
    ) -> None:
        """Mark a project finished."""
        finished = await self.projects.finish(
            guild_id_of(interaction), interaction.user.id, project, note
        )
        await reply(interaction, embed=project_ui.ended_embed(finished))

    @app_commands.command(name="drop", description="Drop a project (asks why; kept for you).")
    @app_commands.describe(project="Which project")
    @app_commands.autocomplete(project=active_projects)
    @write_cooldown()
    async def drop(self, interaction: Interaction, project: Picked) -> None:
        """Open the drop form, which asks why."""
        found = await self.projects.resolve(guild_id_of(interaction), interaction.user.id, project)
        await interaction.response.send_modal(project_ui.DropModal(found))


async def setup(bot: StudyBot) -> None:
    """Load the cog, and the persistent buttons so those on old messages keep working."""
    bot.add_dynamic_items(*project_ui.PERSISTENT_ITEMS)
    await bot.add_cog(Projects(bot.services.projects, bot.services.core.clock))
