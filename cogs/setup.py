"""/setup: moderators configure the server (timezone, moderator role, channels, schedules, and
the community features: role rewards, boards, study rooms)."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.boards import views as board_ui
from bot.core import embeds
from bot.core.checks import guild_id_of, moderator_only, require_usable
from bot.core.errors import UserFacingError
from bot.core.options import Picked, TimeOfDay, Weekdays
from bot.core.setup_options import (
    WEEKDAY_CHOICES,
    ScheduledPost,
    schedule_command,
    schedule_options,
)
from bot.core.zones import timezone_choices
from bot.daily import views as daily_ui
from bot.health.embeds import health_embed
from bot.members import views as member_views
from bot.pitfalls import views as pitfalls_ui
from bot.progress import views as progress_ui
from bot.rewards import views as rewards_ui
from bot.rewards.rules import THRESHOLD_MAX
from bot.studybot import Interaction, StudyBot, StudyGroupCog, reply
from bot.studyrooms import views as studyrooms_ui
from bot.studyrooms.rules import MAX_CAP_HOURS, MAX_MINIMUM, MIN_CAP_HOURS, MIN_MINIMUM
from bot.studyrooms.views.presence import afk_channel_id, room_presences


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Setup(StudyGroupCog, group_name="setup"):
    """Server configuration for moderators."""

    @app_commands.command(name="show", description="Show the server's bot configuration.")
    @moderator_only()
    async def show(self, interaction: Interaction) -> None:
        """Show the server's bot configuration."""
        guild_id = guild_id_of(interaction)
        settings = await self.bot.services.guilds.settings(guild_id)
        extra = await self.bot.services.setup_summary(guild_id)
        await reply(interaction, embed=member_views.guild_settings(settings, extra))

    async def _configure_post(
        self,
        interaction: Interaction,
        time: TimeOfDay | None = None,
        days: Weekdays | None = None,
        enabled: bool | None = None,
    ) -> None:
        """Every `/setup <post>` command: save through the post's registry entry, answer with
        the saved schedule and, if the post has no channel yet, the next step."""
        assert isinstance(interaction.command, app_commands.Command)
        scheduled: ScheduledPost = interaction.command.extras["post"]
        guild_id = guild_id_of(interaction)
        post = self.bot.services.posts[scheduled.kind]
        schedule = await post.configure(guild_id, post_time=time, days=days, enabled=enabled)
        settings = await self.bot.services.guilds.settings(guild_id)
        embed = embeds.schedule_saved(
            scheduled.title,
            schedule.describe(),
            settings.timezone,
            channel_role=post.channel,
            has_channel=settings.channels[post.channel] is not None,
        )
        await reply(interaction, embed=embed)

    daily = schedule_command(
        _configure_post,
        ScheduledPost("daily", "Daily prompt schedule", example="09:00", what="the daily prompt"),
        name="daily",
        description="When the daily prompt is posted.",
    )

    @app_commands.command(
        name="streak", description="What makes a member's day count toward their streak."
    )
    @app_commands.describe(
        minutes="Minutes of logged study that make a day count (default 15; Done always counts)"
    )
    @moderator_only()
    async def streak(
        self, interaction: Interaction, minutes: app_commands.Range[int, 5, 240] | None = None
    ) -> None:
        """Show the streak rule, or set the minutes of logged study that count a day."""
        guild_id = guild_id_of(interaction)
        daily = self.bot.services.daily
        if minutes is None:
            current = await daily.study_minutes(guild_id)
        else:  # every member's cached streak is recounted: may take a moment on a big server
            await interaction.response.defer(ephemeral=True, thinking=True)
            await daily.set_study_minutes(guild_id, minutes)
            current = minutes
        await reply(
            interaction, embed=daily_ui.streak_rule_embed(current, saved=minutes is not None)
        )

    @app_commands.command(name="timezone", description="Set the server's timezone for posts.")
    @app_commands.describe(zone="IANA timezone, e.g. Europe/Berlin — start typing a city")
    @moderator_only()
    async def timezone(self, interaction: Interaction, zone: Picked) -> None:
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
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Suggestions for the `zone` option as the member types."""
        return timezone_choices(current)

    @app_commands.command(
        name="moderator-role", description="Let a role use moderator commands (or clear it)."
    )
    @app_commands.describe(role="The moderator role; leave empty to rely on Manage Server only")
    @moderator_only()
    async def moderator_role(
        self, interaction: Interaction, role: discord.Role | None = None
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
        interaction: Interaction,
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
            require_usable(guild, channel, "use", f" for {name}")
        settings = await self.bot.services.guilds.set_channels(
            guild.id, {name: channel.id for name, channel in chosen.items()}
        )
        await reply(interaction, embed=member_views.guild_settings(settings))

    # --- /setup interview (issue 7, interview helper) ---

    interview = schedule_command(
        _configure_post,
        ScheduledPost(
            "qotd", "Question of the day", example="12:00", what="the question of the day"
        ),
        name="interview",
        description="When the interview question of the day is posted.",
    )

    # --- /setup accountability (issue 8, projects helper) ---

    @app_commands.command(
        name="accountability", description="When the weekly accountability thread is posted."
    )
    @app_commands.describe(
        **schedule_options(
            "10:00", "the weekly thread", weekday="Day of the week for the post (server timezone)"
        )
    )
    @app_commands.choices(weekday=WEEKDAY_CHOICES)
    @moderator_only()
    async def accountability(
        self,
        interaction: Interaction,
        weekday: str | None = None,
        time: TimeOfDay | None = None,
        enabled: bool | None = None,
    ) -> None:
        """Set the weekday and time of the weekly accountability post, or pause it."""
        guild_id = guild_id_of(interaction)
        schedule = await self.bot.services.projects.weekly.poster.configure(
            guild_id, weekday=weekday, post_time=time, enabled=enabled
        )
        settings = await self.bot.services.guilds.settings(guild_id)
        embed = embeds.schedule_saved(
            "Weekly accountability",
            schedule.describe(),
            settings.timezone,
            channel_role="accountability",
            has_channel=settings.channels["accountability"] is not None,
        )
        await reply(interaction, embed=embed)

    # --- /setup welcome (issue 9, progress helper) ---

    @app_commands.command(name="welcome", description="Greet new members with Get started.")
    @app_commands.describe(
        channel="Channel where new members are greeted (never by DM)",
        enabled="False stops the greeting; true resumes it",
    )
    @moderator_only()
    async def welcome(
        self,
        interaction: Interaction,
        channel: discord.TextChannel | None = None,
        enabled: bool | None = None,
    ) -> None:
        """Show the welcome greeting, or pick its channel and turn it on or off."""
        guild = interaction.guild
        assert guild is not None  # moderator_only guarantees a guild
        welcome = self.bot.services.progress.welcome
        if channel is None and enabled is None:
            config = await welcome.config(guild.id)
        else:
            if channel is not None:
                require_usable(guild, channel, "greet in")
            config = await welcome.configure(
                guild.id, channel_id=channel.id if channel else None, enabled=enabled
            )
        await reply(interaction, embed=progress_ui.welcome_config_embed(config))

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
        interaction: Interaction,
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
        await reply(interaction, embed=pitfalls_ui.config_embed(config, saved=changing))

    @app_commands.command(
        name="stats", description="Aggregate study numbers for the server (never who)."
    )
    @moderator_only()
    async def stats(self, interaction: Interaction) -> None:
        """Aggregate study numbers for the server (never who)."""
        stats = await self.bot.services.pitfalls.stats(guild_id_of(interaction))
        await reply(interaction, embed=pitfalls_ui.stats_embed(stats))

    # --- /setup health (issue 10) ---

    @app_commands.command(
        name="health",
        description="Scheduler jobs, deliveries, broken settings and a check of each channel.",
    )
    @moderator_only()
    async def health(self, interaction: Interaction) -> None:
        """Scheduler jobs, last sweep and tick, deliveries, broken settings, channel checks."""
        report = await self.bot.services.health.report(
            guild_id_of(interaction), guild=interaction.guild
        )
        await reply(interaction, embed=health_embed(report))

    # --- /setup rewards and /setup leaderboard (issue 19) ---

    rewards = app_commands.Group(
        name="rewards", description="Roles given for streaks, study hours and ships."
    )

    @rewards.command(name="add", description="Give a role when members reach a threshold.")
    @app_commands.describe(**rewards_ui.REWARD_OPTIONS)
    @moderator_only()
    async def rewards_add(
        self,
        interaction: Interaction,
        kind: Picked,
        threshold: app_commands.Range[int, 1, max(THRESHOLD_MAX.values())],
        role: discord.Role,
    ) -> None:
        """Give a role once to members who reach a threshold."""
        reward = await self.bot.services.rewards.add(
            guild_id_of(interaction), kind, threshold, role.id
        )
        await reply(interaction, embed=rewards_ui.added_embed(reward))

    @rewards_add.autocomplete("kind")
    async def reward_kind_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The kinds of threshold (any other value is refused with the list)."""
        return rewards_ui.kind_choices(current)

    @rewards.command(name="remove", description="Stop giving a role reward.")
    @app_commands.describe(reward="The reward to remove (start typing its role)")
    @moderator_only()
    async def rewards_remove(self, interaction: Interaction, reward: Picked) -> None:
        """Stop giving a reward (roles already given stay)."""
        removed = await self.bot.services.rewards.remove(guild_id_of(interaction), reward)
        await reply(interaction, embed=rewards_ui.removed_embed(removed))

    @rewards_remove.autocomplete("reward")
    async def reward_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """The server's rewards matching what was typed."""
        guild = interaction.guild
        if guild is None:
            return []
        found = await self.bot.services.rewards.rewards(guild.id)
        names = {role.id: f"@{role.name}" for role in guild.roles}
        return rewards_ui.reward_choices(found, current, names)

    @rewards.command(name="list", description="The role rewards and whether each can be given.")
    @moderator_only()
    async def rewards_list(self, interaction: Interaction) -> None:
        """List the server's role rewards."""
        found = await self.bot.services.rewards.rewards(guild_id_of(interaction))
        await reply(interaction, embed=rewards_ui.list_embed(found))

    @app_commands.command(
        name="leaderboard", description="Post a weekly board of opted-in members in a channel."
    )
    @app_commands.describe(
        channel="Where the weekly board is posted",
        **schedule_options("18:00", "the weekly board", day="Day of the week (server timezone)"),
    )
    @app_commands.choices(day=WEEKDAY_CHOICES)
    @moderator_only()
    async def leaderboard(
        self,
        interaction: Interaction,
        channel: discord.TextChannel | None = None,
        day: str | None = None,
        time: TimeOfDay | None = None,
        enabled: bool | None = None,
    ) -> None:
        """Pick the weekly board's channel, day and time, or turn it off."""
        guild = interaction.guild
        assert guild is not None  # moderator_only guarantees a guild
        if channel is not None:
            require_usable(guild, channel, "post the weekly board in")
        schedule, channel_id = await self.bot.services.board.configure(
            guild.id,
            channel_id=channel.id if channel else None,
            weekday=day,
            post_time=time,
            enabled=enabled,
        )
        settings = await self.bot.services.guilds.settings(guild.id)
        await reply(
            interaction, embed=board_ui.configured_embed(schedule, channel_id, settings.timezone)
        )

    # --- /setup public-board (issue 21, the web dashboard) ---

    @app_commands.command(
        name="public-board", description="Show the leaderboard on a public web page, or stop."
    )
    @app_commands.describe(enabled="True shows it (opted-in members only); false hides it")
    @moderator_only()
    async def public_board(self, interaction: Interaction, enabled: bool | None = None) -> None:
        """Show whether the public board is on, or turn it on or off."""
        guild_id = guild_id_of(interaction)
        boards = self.bot.services.progress.leaderboard
        if enabled is not None:
            await boards.set_public(guild_id, enabled)
        shown = enabled if enabled is not None else await boards.public_enabled(guild_id)
        public_url = self.bot.settings.web_public_url
        await reply(
            interaction,
            embed=progress_ui.public_board_embed(
                shown,
                f"{public_url}/board/{guild_id}" if public_url else None,
                saved=enabled is not None,
            ),
        )

    # --- /setup study-rooms (issue 19, voice helper) ---

    @app_commands.command(
        name="study-rooms", description="Voice channels where study time counts; focus; limits."
    )
    @app_commands.describe(
        add="A voice channel to mark as a study room (time there counts as study)",
        remove="A study room or focus channel to unmark",
        focus_channel="A text channel where /focus sessions may run too (rooms' chats always may)",
        minimum="Minutes a session needs to count (default 5)",
        daily_cap="Hours of study-room time a member can log per day (default 12)",
    )
    @moderator_only()
    async def study_rooms(
        self,
        interaction: Interaction,
        add: discord.VoiceChannel | None = None,
        remove: discord.VoiceChannel | discord.TextChannel | None = None,
        focus_channel: discord.TextChannel | None = None,
        minimum: app_commands.Range[int, MIN_MINIMUM, MAX_MINIMUM] | None = None,
        daily_cap: app_commands.Range[int, MIN_CAP_HOURS, MAX_CAP_HOURS] | None = None,
    ) -> None:
        """Show the study rooms, or mark and unmark channels and set the limits."""
        guild = interaction.guild
        assert guild is not None  # moderator_only guarantees a guild
        if focus_channel is not None:
            require_usable(guild, focus_channel, "run focus sessions in")
        studyrooms = self.bot.services.studyrooms
        afk = afk_channel_id(guild)
        change = await studyrooms.rooms.configure(
            guild.id,
            add=add.id if add else None,
            remove=remove.id if remove else None,
            focus_channel=focus_channel.id if focus_channel else None,
            minimum=minimum,
            daily_cap_hours=daily_cap,
            afk_channel_id=afk,
        )
        # Members already sitting in a room just marked count from now; a room unmarked
        # stops counting now, not when they next move.
        studyrooms.voice.reconcile(guild.id, room_presences(guild, change.settings.rooms), afk)
        await reply(interaction, embed=studyrooms_ui.rooms_embed(change))


async def setup(bot: StudyBot) -> None:
    """Load this cog (discord.py's extension entry point)."""
    await bot.add_cog(Setup(bot))
