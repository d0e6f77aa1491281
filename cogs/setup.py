"""/setup: moderators configure the server (timezone, moderator role, channels, schedules)."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.core import embeds
from bot.core.checks import guild_id_of, moderator_only
from bot.core.errors import UserFacingError
from bot.core.permissions import CHANNEL_REQUIREMENTS, missing_permissions
from bot.core.zones import timezone_choices
from bot.health.embeds import health_embed
from bot.members import views as member_views
from bot.pitfalls import views as pitfalls_ui
from bot.studybot import StudyBot, StudyGroupCog, reply


def schedule_options(example: str, what: str) -> dict[str, str]:
    """The option descriptions every `/setup <post>` schedule command shares."""
    return {
        "time": f"Local server time, 24-hour HH:MM (e.g. {example})",
        "days": "Weekdays: e.g. mon-fri, mon,wed,fri, weekends or daily",
        "enabled": f"False pauses {what}; true resumes it",
    }


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Setup(StudyGroupCog, group_name="setup"):
    """Server configuration for moderators."""

    @app_commands.command(name="show", description="Show the server's bot configuration.")
    @moderator_only()
    async def show(self, interaction: discord.Interaction[StudyBot]) -> None:
        """Show the server's bot configuration."""
        guild_id = guild_id_of(interaction)
        settings = await self.bot.services.guilds.settings(guild_id)
        extra = await self.bot.services.setup_summary(guild_id)
        await reply(interaction, embed=member_views.guild_settings(settings, extra))

    @app_commands.command(name="daily", description="When the daily prompt is posted.")
    @app_commands.describe(**schedule_options("09:00", "the daily prompt"))
    @moderator_only()
    async def daily(
        self,
        interaction: discord.Interaction[StudyBot],
        time: str | None = None,
        days: str | None = None,
        enabled: bool | None = None,
    ) -> None:
        """Set when the daily prompt is posted."""
        await self._configure_post(
            interaction, "daily", "Daily prompt schedule", time=time, days=days, enabled=enabled
        )

    async def _configure_post(
        self,
        interaction: discord.Interaction[StudyBot],
        kind: str,
        title: str,
        *,
        time: str | None,
        days: str | None,
        enabled: bool | None,
    ) -> None:
        """Every `/setup <post>` command: save through the post's registry entry, answer with
        the saved schedule and, if the post has no channel yet, the next step."""
        guild_id = guild_id_of(interaction)
        post = self.bot.services.posts[kind]
        schedule = await post.configure(guild_id, post_time=time, days=days, enabled=enabled)
        settings = await self.bot.services.guilds.settings(guild_id)
        embed = embeds.schedule_saved(
            title,
            schedule.describe(),
            settings.timezone,
            channel_role=post.channel,
            has_channel=settings.channels[post.channel] is not None,
        )
        await reply(interaction, embed=embed)

    @app_commands.command(name="timezone", description="Set the server's timezone for posts.")
    @app_commands.describe(zone="IANA timezone, e.g. Europe/Berlin — start typing a city")
    @moderator_only()
    async def timezone(self, interaction: discord.Interaction[StudyBot], zone: str) -> None:
        """Set the server's timezone for posts."""
        settings = await self.bot.services.guilds.set_timezone(guild_id_of(interaction), zone)
        await reply(
            interaction,
            embed=embeds.success(
                "Server timezone saved", f"Scheduled posts now follow **{settings.timezone}**."
            ),
        )

    @timezone.autocomplete("zone")
    async def timezone_autocomplete(
        self, interaction: discord.Interaction[StudyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        """Suggestions for the `zone` option as the member types."""
        return timezone_choices(current)

    @app_commands.command(
        name="moderator-role", description="Let a role use moderator commands (or clear it)."
    )
    @app_commands.describe(role="The moderator role; leave empty to rely on Manage Server only")
    @moderator_only()
    async def moderator_role(
        self, interaction: discord.Interaction[StudyBot], role: discord.Role | None = None
    ) -> None:
        """Let a role use moderator commands (or clear it)."""
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
        await reply(interaction, embed=embeds.success("Moderator role saved", text))

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
        """Choose where the bot posts."""
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
            embed=member_views.guild_settings(settings), ephemeral=True
        )

    # --- /setup interview (issue 7, interview helper) ---

    @app_commands.command(
        name="interview", description="When the interview question of the day is posted."
    )
    @app_commands.describe(**schedule_options("12:00", "the question of the day"))
    @moderator_only()
    async def interview(
        self,
        interaction: discord.Interaction[StudyBot],
        time: str | None = None,
        days: str | None = None,
        enabled: bool | None = None,
    ) -> None:
        """Set when the interview question of the day is posted."""
        await self._configure_post(
            interaction, "qotd", "Question of the day", time=time, days=days, enabled=enabled
        )

    # --- /setup accountability (issue 8, projects helper) ---

    @app_commands.command(
        name="accountability", description="When the weekly accountability thread is posted."
    )
    @app_commands.describe(
        weekday="Day of the week for the post (server timezone)",
        time="Local server time, 24-hour HH:MM (e.g. 10:00)",
        enabled="False pauses the weekly thread; true resumes it",
    )
    @app_commands.choices(
        weekday=[
            app_commands.Choice(name=name, value=name[:3].lower())
            for name in (
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
                "Sunday",
            )
        ]
    )
    @moderator_only()
    async def accountability(
        self,
        interaction: discord.Interaction[StudyBot],
        weekday: str | None = None,
        time: str | None = None,
        enabled: bool | None = None,
    ) -> None:
        """Set the weekday and time of the weekly accountability post, or pause it."""
        from bot.projects import views as project_ui

        guild_id = guild_id_of(interaction)
        schedule = await self.bot.services.projects.weekly.configure(
            guild_id, weekday=weekday, post_time=time, enabled=enabled
        )
        settings = await self.bot.services.guilds.settings(guild_id)
        await interaction.response.send_message(
            embed=project_ui.schedule_embed(
                schedule, settings.timezone, settings.channels["accountability"] is not None
            ),
            ephemeral=True,
        )

    # --- /setup welcome (issue 9, progress helper) ---

    @app_commands.command(name="welcome", description="Greet new members with Get started.")
    @app_commands.describe(
        channel="Channel where new members are greeted (never by DM)",
        enabled="False stops the greeting; true resumes it",
    )
    @moderator_only()
    async def welcome(
        self,
        interaction: discord.Interaction[StudyBot],
        channel: discord.TextChannel | None = None,
        enabled: bool | None = None,
    ) -> None:
        """Show the welcome greeting, or pick its channel and turn it on or off."""
        from bot.progress import views as progress_ui

        guild = interaction.guild
        assert guild is not None  # moderator_only guarantees a guild
        welcome = self.bot.services.progress.welcome
        if channel is None and enabled is None:
            config = await welcome.config(guild.id)
        else:
            if channel is not None:
                resolved = guild.get_channel(channel.id)
                if not isinstance(resolved, discord.TextChannel):
                    raise UserFacingError(f"I cannot see {channel.mention}; pick a text channel.")
                perms = resolved.permissions_for(guild.me)
                missing = missing_permissions(
                    {name: bool(getattr(perms, name)) for name in CHANNEL_REQUIREMENTS}
                )
                if missing:
                    raise UserFacingError(
                        f"I cannot greet in {resolved.mention}: I am missing "
                        f"{', '.join(missing)} there. Grant it, or pick another channel."
                    )
            config = await welcome.configure(
                guild.id, channel_id=channel.id if channel else None, enabled=enabled
            )
        await interaction.response.send_message(
            embed=progress_ui.welcome_config_embed(config), ephemeral=True
        )

    # --- /setup pitfalls and /setup stats (issue 9, pitfalls helper) ---

    @app_commands.command(
        name="pitfalls", description="View or set the pitfall thresholds and the daily sweep."
    )
    @app_commands.describe(
        tutorial_course_minutes="Tutorial hell: course minutes in the window with no project work"
        " (default 300)",
        tutorial_days="Tutorial hell: window in days (default 14)",
        perfection_age_days="Perfectionism: unshipped project age in days (default 21)",
        perfection_quiet_days="Perfectionism: days without progress (default 14)",
        perfection_target_moves="Perfectionism: target date moves (default 2)",
        isolation_study_days="Isolation: study days in the window, no community (default 5)",
        isolation_days="Isolation: window in days (default 14)",
        gap_theory_minutes="Theory–practice gap: theory minutes in the window (default 240)",
        gap_ratio="Theory–practice gap: theory per practice minute above (default 3)",
        gap_days="Theory–practice gap: window in days (default 21)",
        enabled="False stops the sweep and its nudges; true resumes them",
        reset="True returns every threshold to its default first",
    )
    @moderator_only()
    async def pitfalls(
        self,
        interaction: discord.Interaction[StudyBot],
        tutorial_course_minutes: app_commands.Range[int, 1, 10000] | None = None,
        tutorial_days: app_commands.Range[int, 1, 90] | None = None,
        perfection_age_days: app_commands.Range[int, 1, 365] | None = None,
        perfection_quiet_days: app_commands.Range[int, 1, 365] | None = None,
        perfection_target_moves: app_commands.Range[int, 1, 50] | None = None,
        isolation_study_days: app_commands.Range[int, 1, 90] | None = None,
        isolation_days: app_commands.Range[int, 1, 90] | None = None,
        gap_theory_minutes: app_commands.Range[int, 1, 10000] | None = None,
        gap_ratio: app_commands.Range[float, 1.0, 100.0] | None = None,
        gap_days: app_commands.Range[int, 1, 90] | None = None,
        enabled: bool | None = None,
        reset: bool = False,
    ) -> None:
        """Show or change the pitfall sweep's thresholds (and turn it on or off)."""
        guild_id = guild_id_of(interaction)
        values: dict[str, float | None] = {
            "tutorial_course_minutes": tutorial_course_minutes,
            "tutorial_days": tutorial_days,
            "perfection_age_days": perfection_age_days,
            "perfection_quiet_days": perfection_quiet_days,
            "perfection_target_moves": perfection_target_moves,
            "isolation_study_days": isolation_study_days,
            "isolation_days": isolation_days,
            "gap_theory_minutes": gap_theory_minutes,
            "gap_ratio": gap_ratio,
            "gap_days": gap_days,
        }
        service = self.bot.services.pitfalls
        changing = reset or enabled is not None or any(v is not None for v in values.values())
        if changing:
            config = await service.configure(guild_id, values, enabled=enabled, reset=reset)
        else:
            config = await service.config(guild_id)
        await interaction.response.send_message(
            embed=pitfalls_ui.config_embed(config, saved=changing), ephemeral=True
        )

    @app_commands.command(
        name="stats", description="Aggregate study numbers for the server (never who)."
    )
    @moderator_only()
    async def stats(self, interaction: discord.Interaction[StudyBot]) -> None:
        """Aggregate study numbers for the server (never who)."""
        stats = await self.bot.services.pitfalls.stats(guild_id_of(interaction))
        await interaction.response.send_message(
            embed=pitfalls_ui.stats_embed(stats), ephemeral=True
        )

    # --- /setup health (issue 10) ---

    @app_commands.command(
        name="health", description="Scheduler jobs, last sweep, deliveries and broken settings."
    )
    @moderator_only()
    async def health(self, interaction: discord.Interaction[StudyBot]) -> None:
        """Scheduler jobs, last sweep and tick, deliveries and broken settings."""
        report = await self.bot.services.health_report(guild_id_of(interaction))
        await interaction.response.send_message(embed=health_embed(report), ephemeral=True)


async def setup(bot: StudyBot) -> None:
    """Load this cog (discord.py's extension entry point)."""
    await bot.add_cog(Setup(bot))
