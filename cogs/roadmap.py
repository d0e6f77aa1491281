"""/roadmap: the tracks and skills, what you checked, and what to learn next."""

from __future__ import annotations

from discord import app_commands

from bot.core.checks import guild_id_of, write_cooldown
from bot.core.options import Picked
from bot.progress import views as progress_ui
from bot.progress.rules import MAX_EVIDENCE_CHARS
from bot.studybot import Interaction, StudyBot, StudyGroupCog, reply


@app_commands.guild_only()
class Roadmap(StudyGroupCog, group_name="roadmap"):
    """The ML engineering roadmap and your checked skills."""

    @app_commands.command(name="view", description="Tracks and skills, with what you checked.")
    @app_commands.describe(track="A track to list its skills (default: an overview)")
    async def view(self, interaction: Interaction, track: Picked | None = None) -> None:
        """Every track's coverage, or one track's skills, and the suggested next skill."""
        roadmap = self.bot.services.progress.roadmap
        shown = await roadmap.view(guild_id_of(interaction), interaction.user.id, track)
        await reply(interaction, embed=progress_ui.roadmap_embed(shown))

    @view.autocomplete("track")
    async def track_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Tracks matching what the member typed."""
        roadmap = self.bot.services.progress.roadmap
        choices = roadmap.track_choices(guild_id_of(interaction), current)
        return [app_commands.Choice(name=name, value=track_id) for name, track_id in choices]

    @app_commands.command(name="check", description="Check off a skill you can show.")
    @write_cooldown()
    async def check(
        self,
        interaction: Interaction,
        skill: Picked,
        evidence: app_commands.Range[str, 1, MAX_EVIDENCE_CHARS] | None = None,
    ) -> None:
        """Check a skill off, with an optional evidence link.

        Args:
            skill: The skill (start typing)
            evidence: An https:// link to a repo, notebook or post that shows it (encouraged)
        """
        roadmap = self.bot.services.progress.roadmap
        result = await roadmap.check(guild_id_of(interaction), interaction.user.id, skill, evidence)
        await reply(interaction, embed=progress_ui.check_embed(result, checked=True))

    @app_commands.command(name="uncheck", description="Uncheck a skill.")
    @app_commands.describe(skill="The skill (start typing)")
    @write_cooldown()
    async def uncheck(self, interaction: Interaction, skill: Picked) -> None:
        """Take a check back."""
        roadmap = self.bot.services.progress.roadmap
        result = await roadmap.uncheck(guild_id_of(interaction), interaction.user.id, skill)
        await reply(interaction, embed=progress_ui.check_embed(result, checked=False))

    @check.autocomplete("skill")
    @uncheck.autocomplete("skill")
    async def skill_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Skills matching what the member typed."""
        return progress_ui.skill_autocomplete(interaction, current)


async def setup(bot: StudyBot) -> None:
    """Load the cog."""
    await bot.add_cog(Roadmap(bot))
