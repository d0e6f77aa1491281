"""/remind: add, list and delete your own reminders."""

from __future__ import annotations

from discord import app_commands

from bot.core.checks import guild_id_of, write_cooldown
from bot.core.options import Picked
from bot.reminders import views as reminder_ui
from bot.reminders.rules import TEXT_MAX
from bot.reminders.service import Reminders
from bot.studybot import Interaction, StudyBot, StudyGroupCog, reply

#: What `when` and `every` may hold (an autocomplete value is at most 100 characters).
WhenText = app_commands.Range[str, 1, 100]
ADD_OPTIONS = {
    "what": f"What to remind you of (up to {TEXT_MAX} characters)",
    "when": "Once, on your clock: tomorrow 9am, in 2 hours, friday 17:30",
    "every": "Repeating: daily 07:00, weekday 18:30, weekly monday 9am",
}


@app_commands.guild_only()
class Remind(StudyGroupCog, group_name="remind"):
    """Your own reminders, on your clock."""

    @app_commands.command(name="add", description="Remind me of something, once or repeating.")
    @write_cooldown()
    @app_commands.describe(**ADD_OPTIONS)
    async def add(
        self,
        interaction: Interaction,
        what: app_commands.Range[str, 1, TEXT_MAX],
        when: WhenText | None = None,
        every: WhenText | None = None,
    ) -> None:
        """Set a one-off reminder (`when`) or a repeating one (`every`)."""
        reminder, zone = await self.bot.services.reminders.add(
            guild_id_of(interaction), interaction.user.id, what=what, when=when, every=every
        )
        await reply(interaction, embed=reminder_ui.saved_embed(reminder, zone))

    async def _preview(
        self, interaction: Interaction, current: str, *, every: bool
    ) -> list[app_commands.Choice[str]]:
        """What the typed text means for this member, as the one autocomplete choice."""
        if not current.strip():
            return []
        preview = await self.bot.services.reminders.preview(
            guild_id_of(interaction), interaction.user.id, current, every=every
        )
        return reminder_ui.preview_choices(current, preview, every=every)

    @add.autocomplete("when")
    async def when_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The time `when` means on the member's clock (and in UTC), before sending."""
        return await self._preview(interaction, current, every=False)

    @add.autocomplete("every")
    async def every_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The repeat `every` means, and its next time, before sending."""
        return await self._preview(interaction, current, every=True)

    async def _mine(self, interaction: Interaction) -> Reminders:
        """The member's reminders (the group is server-only, so there is a guild)."""
        return await self.bot.services.reminders.list(guild_id_of(interaction), interaction.user.id)

    @app_commands.command(name="list", description="Your reminders, soonest first.")
    async def list_reminders(self, interaction: Interaction) -> None:
        """List the member's reminders."""
        await reply(interaction, embed=reminder_ui.list_embed(await self._mine(interaction)))

    @app_commands.command(name="delete", description="Delete one of your reminders.")
    @app_commands.describe(reminder="The reminder to delete (start typing its text)")
    @write_cooldown()
    async def delete(self, interaction: Interaction, reminder: Picked) -> None:
        """Delete one of the member's own reminders."""
        deleted, zone = await self.bot.services.reminders.delete(
            guild_id_of(interaction), interaction.user.id, reminder
        )
        await reply(interaction, embed=reminder_ui.deleted_embed(deleted, zone))

    @delete.autocomplete("reminder")
    async def reminder_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The member's own reminders matching what they typed."""
        return reminder_ui.reminder_choices(await self._mine(interaction), current)


async def setup(bot: StudyBot) -> None:
    """Load this cog (discord.py's extension entry point)."""
    await bot.add_cog(Remind(bot))
