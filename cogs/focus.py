"""/focus start and /focus stop: group focus sessions in a study room's chat or a focus
channel, with one board message edited in place (its buttons are registered by
cogs/studyrooms.py)."""

from __future__ import annotations

from discord import app_commands

from bot.core.checks import guild_id_of, write_cooldown
from bot.core.help import sees_moderator_commands
from bot.studybot import Interaction, StudyBot, StudyGroupCog, reply
from bot.studyrooms import views as studyrooms_ui
from bot.studyrooms.rules import (
    BREAK_MAX,
    BREAK_MIN,
    DEFAULT_BREAK_MINUTES,
    DEFAULT_FOCUS_MINUTES,
    DEFAULT_ROUNDS,
    FOCUS_MAX,
    FOCUS_MIN,
    ROUNDS_MAX,
    ROUNDS_MIN,
)


def _channel_id(interaction: Interaction) -> int:
    assert interaction.channel_id is not None  # guild_only: commands come from a channel
    return interaction.channel_id


@app_commands.guild_only()
class Focus(StudyGroupCog, group_name="focus"):
    """Study together: rounds of focus with breaks; time logged for those who stay."""

    @app_commands.command(name="start", description="Start a group focus session here.")
    @app_commands.describe(
        length=f"Minutes of focus per round ({FOCUS_MIN}-{FOCUS_MAX}, "
        f"default {DEFAULT_FOCUS_MINUTES})",
        break_=f"Minutes of break between rounds ({BREAK_MIN}-{BREAK_MAX}, "
        f"default {DEFAULT_BREAK_MINUTES})",
        rounds=f"How many rounds ({ROUNDS_MIN}-{ROUNDS_MAX}, default {DEFAULT_ROUNDS})",
    )
    @app_commands.rename(break_="break")
    @write_cooldown()
    async def start(
        self,
        interaction: Interaction,
        length: app_commands.Range[int, FOCUS_MIN, FOCUS_MAX] = DEFAULT_FOCUS_MINUTES,
        break_: app_commands.Range[int, BREAK_MIN, BREAK_MAX] = DEFAULT_BREAK_MINUTES,
        rounds: app_commands.Range[int, ROUNDS_MIN, ROUNDS_MAX] = DEFAULT_ROUNDS,
    ) -> None:
        """Post a focus board here (a study room's chat or a focus channel); you are in it."""
        await interaction.response.defer(ephemeral=True)
        board = await self.bot.services.studyrooms.focus.start(
            guild_id_of(interaction),
            _channel_id(interaction),
            interaction.user.id,
            length=length,
            brk=break_,
            rounds=rounds,
        )
        await reply(interaction, embed=studyrooms_ui.started_embed(board))

    @app_commands.command(name="stop", description="Stop the focus session running here.")
    @write_cooldown()
    async def stop(self, interaction: Interaction) -> None:
        """End the session here (or the one you started elsewhere): its starter or a
        moderator; the round under way is logged up to now."""
        board = await self.bot.services.studyrooms.focus.stop(
            guild_id_of(interaction),
            _channel_id(interaction),
            interaction.user.id,
            moderator=await sees_moderator_commands(interaction),
        )
        await reply(interaction, embed=studyrooms_ui.stopped_embed(board))


async def setup(bot: StudyBot) -> None:
    """Load the cog."""
    await bot.add_cog(Focus(bot))
