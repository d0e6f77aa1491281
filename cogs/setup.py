"""/setup: moderators configure the server (timezone, moderator role, channels, schedules)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import StudyBot
from bot.checks import guild_id_of, moderator_only
from bot.domain.errors import UserFacingError
from bot.domain.permissions import CHANNEL_REQUIREMENTS, missing_permissions
from bot.domain.time import search_timezones
from bot.services.zones import all_timezones
from bot.ui import daily as daily_ui
from bot.ui import embeds


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Setup(commands.GroupCog, group_name="setup"):
    """Server configuration for moderators."""

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="show", description="Show the server's bot configuration.")
    @moderator_only()
    async def show(self, interaction: discord.Interaction[StudyBot]) -> None:
        guild_id = guild_id_of(interaction)
        settings = await self.bot.services.guilds.settings(guild_id)
        extra = await self.bot.services.setup_summary(guild_id)
        await interaction.response.send_message(
            embed=embeds.guild_settings(settings, extra), ephemeral=True
        )

    @app_commands.command(name="daily", description="When the daily prompt is posted.")
    @app_commands.describe(
        time="Local server time, 24-hour HH:MM (e.g. 09:00)",
        days="Weekdays: e.g. mon-fri, mon,wed,fri, weekends or daily",
        enabled="False pauses the daily prompt; true resumes it",
    )
    @moderator_only()
    async def daily(
        self,
        interaction: discord.Interaction[StudyBot],
        time: str | None = None,
        days: str | None = None,
        enabled: bool | None = None,
    ) -> None:
        guild_id = guild_id_of(interaction)
        schedule = await self.bot.services.daily.configure(
            guild_id, post_time=time, days=days, enabled=enabled
        )
        settings = await self.bot.services.guilds.settings(guild_id)
        embed = daily_ui.schedule_embed(schedule, settings.timezone)
        if settings.channels["daily"] is None:
            embed.add_field(name="Next step", value="Pick a channel with `/setup channels daily:`.")
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="timezone", description="Set the server's timezone for posts.")
    @app_commands.describe(zone="IANA timezone, e.g. Europe/Berlin — start typing a city")
    @moderator_only()
    async def timezone(self, interaction: discord.Interaction[StudyBot], zone: str) -> None:
        settings = await self.bot.services.guilds.set_timezone(guild_id_of(interaction), zone)
        await interaction.response.send_message(
            embed=embeds.success(
                "Server timezone saved",
                f"Scheduled posts now follow **{settings.timezone}**.",
            ),
            ephemeral=True,
        )

    @timezone.autocomplete("zone")
    async def timezone_autocomplete(
        self, interaction: discord.Interaction[StudyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=zone, value=zone)
            for zone in search_timezones(current, all_timezones(), limit=25)
        ]

    @app_commands.command(
        name="moderator-role", description="Let a role use moderator commands (or clear it)."
    )
    @app_commands.describe(role="The moderator role; leave empty to rely on Manage Server only")
    @moderator_only()
    async def moderator_role(
        self, interaction: discord.Interaction[StudyBot], role: discord.Role | None = None
    ) -> None:
        if role is not None and (role.is_default() or role.managed):
            raise UserFacingError("Pick a regular role, not @everyone or a bot's own role.")
        await self.bot.services.guilds.set_moderator_role(
            guild_id_of(interaction), role.id if role else None
        )
        text = (
            f"Members with {role.mention} can now use moderator commands."
            if role
            else "Moderator role cleared: only members with Manage Server are moderators."
        )
        await interaction.response.send_message(
            embed=embeds.success("Moderator role saved", text), ephemeral=True
        )

    @app_commands.command(name="channels", description="Choose where the bot posts.")
    @app_commands.describe(
        daily="Channel for the daily study prompt",
        accountability="Channel for the weekly accountability thread and ship celebrations",
        interview="Channel for the question of the day and interview pairing threads",
    )
    @moderator_only()
    async def channels(
        self,
        interaction: discord.Interaction[StudyBot],
        daily: discord.TextChannel | None = None,
        accountability: discord.TextChannel | None = None,
        interview: discord.TextChannel | None = None,
    ) -> None:
        guild = interaction.guild
        assert guild is not None  # moderator_only guarantees a guild
        chosen = {
            name: channel
            for name, channel in (
                ("daily", daily),
                ("accountability", accountability),
                ("interview", interview),
            )
            if channel is not None
        }
        if not chosen:
            raise UserFacingError(
                "Pick at least one channel: `daily`, `accountability` or `interview`."
            )
        for name, channel in chosen.items():
            resolved = guild.get_channel(channel.id)
            if not isinstance(resolved, discord.TextChannel):
                raise UserFacingError(f"I cannot see {channel.mention}; pick a text channel.")
            perms = resolved.permissions_for(guild.me)
            missing = missing_permissions(
                {name: bool(getattr(perms, name)) for name in CHANNEL_REQUIREMENTS}
            )
            if missing:
                raise UserFacingError(
                    f"I cannot use {resolved.mention} for {name}: I am missing "
                    f"{', '.join(missing)} there. Grant it, or pick another channel."
                )
        settings = await self.bot.services.guilds.set_channels(
            guild.id, {name: channel.id for name, channel in chosen.items()}
        )
        await interaction.response.send_message(
            embed=embeds.guild_settings(settings), ephemeral=True
        )

    # --- /setup interview (issue 7, interview helper) ---

    # --- /setup accountability (issue 8, projects helper) ---

    # --- /setup welcome (issue 9, progress helper) ---

    # --- /setup pitfalls and /setup stats (issue 9, pitfalls helper) ---

    # --- /setup health (issue 10) ---


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Setup(bot))
