"""/settings: a member's own preferences."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from discord import app_commands

from bot.core import embeds
from bot.core.checks import guild_id_of, write_cooldown
from bot.core.errors import UserFacingError
from bot.core.options import Picked, TimeOfDay
from bot.core.zones import timezone_choices
from bot.members import views as member_views
from bot.progress import views as progress_ui
from bot.studybot import Interaction, StudyBot, StudyGroupCog, reply

Callback = Callable[..., Coroutine[Any, Any, None]]


def settings_command(
    *, name: str, description: str, cooldown: bool = True
) -> Callable[[Callback], app_commands.Command[Any, ..., None]]:
    """A `/settings` subcommand: usable in a server only and, unless `cooldown=False`, under
    the per-member write cooldown."""

    def decorator(callback: Callback) -> app_commands.Command[Any, ..., None]:
        command: app_commands.Command[Any, ..., None] = app_commands.command(
            name=name, description=description
        )(callback)
        if cooldown:
            command = write_cooldown()(command)
        return app_commands.guild_only()(command)

    return decorator


class MemberSettings(StudyGroupCog, group_name="settings"):
    """Your own preferences: timezone, DMs and what you share."""

    @settings_command(
        name="timezone", description="Set your timezone so days and streaks follow your clock."
    )
    @app_commands.describe(zone="Your IANA timezone, e.g. Europe/Berlin — start typing a city")
    async def timezone(self, interaction: Interaction, zone: Picked) -> None:
        """Set your timezone so days and streaks follow your clock."""
        guild_id = guild_id_of(interaction)
        profile = await self.bot.services.members.set_timezone(guild_id, interaction.user.id, zone)
        await reply(
            interaction,
            embed=embeds.success(
                "Timezone saved",
                f"Your days now start at midnight in **{profile.timezone}**. "
                "Streaks and reminders follow your clock.",
            ),
        )

    @timezone.autocomplete("zone")
    async def timezone_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Suggestions for the `zone` option as the member types."""
        return timezone_choices(current)

    @settings_command(name="dms", description="Allow or stop direct messages from the bot.")
    @app_commands.describe(
        enabled="True to allow DMs (reminders, nudges, digests), false to stop them"
    )
    async def dms(self, interaction: Interaction, enabled: bool) -> None:
        """Allow or stop direct messages from the bot."""
        guild_id = guild_id_of(interaction)
        await self.bot.services.members.set_dms(guild_id, interaction.user.id, enabled)
        text = (
            "I may DM you reminders and nudges you opted into. Turn it off any time."
            if enabled
            else "No DMs from me. Anything for you waits in your next command reply."
        )
        await reply(
            interaction,
            embed=embeds.success("DMs " + ("on" if enabled else "off"), text),
        )

    @settings_command(name="reminders", description="Opt in or out of reminders.")
    @app_commands.describe(
        streak="Remind me before my local midnight when my streak is at risk",
        hours_before="How many hours before midnight (1-12, default 4)",
        reviews="Remind me once a day when interview reviews are due",
        review_time="When to send the review reminder, your local HH:MM (default 18:00)",
    )
    async def reminders(
        self,
        interaction: Interaction,
        streak: bool | None = None,
        hours_before: app_commands.Range[int, 1, 12] | None = None,
        reviews: bool | None = None,
        review_time: TimeOfDay | None = None,
    ) -> None:
        """Opt in or out of reminders."""
        guild_id = guild_id_of(interaction)
        services = self.bot.services
        if all(v is None for v in (streak, hours_before, reviews, review_time)):
            raise UserFacingError("Choose what to change, e.g. `streak:True` or `reviews:True`.")
        prefs: dict[str, object] = {}
        if streak is not None or hours_before is not None:
            prefs = await services.daily.set_streak_reminder(
                guild_id,
                interaction.user.id,
                enabled=streak if streak is not None else True,
                hours_before=hours_before,
            )
        if reviews is not None or review_time is not None:
            prefs = await services.interview.set_review_reminder(
                guild_id,
                interaction.user.id,
                enabled=reviews if reviews is not None else True,
                at=review_time,
            )
        await reply(interaction, embed=member_views.reminder_settings(prefs))

    @settings_command(name="nudges", description="How pitfall nudges reach you.")
    @app_commands.describe(
        mode="inbox: with your next command reply · dm: by DM (if DMs are on) · off: none"
    )
    @app_commands.choices(
        mode=[app_commands.Choice(name=m, value=m) for m in ("inbox", "dm", "off")]
    )
    async def nudges(self, interaction: Interaction, mode: str) -> None:
        """How pitfall nudges reach you."""
        guild_id = guild_id_of(interaction)
        profile = await self.bot.services.members.set_nudge_mode(
            guild_id, interaction.user.id, mode
        )
        await reply(interaction, embed=member_views.nudge_mode_saved(profile))

    @settings_command(name="profile", description="Let other members see your progress.")
    @app_commands.describe(public="True: others can view your /progress and stats")
    async def profile(self, interaction: Interaction, public: bool) -> None:
        """Make your progress public or private."""
        await self._toggle(
            interaction,
            "profile_public",
            public,
            ("Profile public", "Other members can now see your progress and stats."),
            ("Profile private", "Your progress is private: only you see it."),
        )

    @settings_command(name="leaderboard", description="Appear on the leaderboards or not.")
    @app_commands.describe(enabled="True to appear on /leaderboard")
    async def leaderboard(self, interaction: Interaction, enabled: bool) -> None:
        """Appear on the leaderboards, or not."""
        await self._toggle(
            interaction,
            "leaderboard_opt_in",
            enabled,
            ("Leaderboards on", "You appear on the leaderboards."),
            ("Leaderboards off", "You no longer appear on them."),
        )

    async def _toggle(
        self,
        interaction: Interaction,
        field: str,
        value: bool,
        on: tuple[str, str],
        off: tuple[str, str],
    ) -> None:
        """Save one on/off preference and confirm it."""
        guild_id = guild_id_of(interaction)
        await self.bot.services.members.update(guild_id, interaction.user.id, **{field: value})
        title, text = on if value else off
        await reply(interaction, embed=embeds.success(title, text))

    # --- /settings tracking and /settings digest (issue 9, progress helper) ---

    @settings_command(
        name="tracking",
        description="Count the days you post here as community activity.",
        cooldown=False,
    )
    @app_commands.describe(
        enabled="True: count days you post (never what you write); false: stop counting"
    )
    async def tracking(self, interaction: Interaction, enabled: bool) -> None:
        """Count the days you post here as community activity."""
        guild_id = guild_id_of(interaction)
        await self.bot.services.progress.set_tracking(guild_id, interaction.user.id, enabled)
        await reply(interaction, embed=progress_ui.tracking_embed(enabled))

    @settings_command(
        name="digest", description="A weekly digest every Monday morning.", cooldown=False
    )
    @app_commands.describe(enabled="True: a digest at 08:00 your time each Monday; false: none")
    async def digest(self, interaction: Interaction, enabled: bool) -> None:
        """A weekly digest every Monday morning."""
        guild_id = guild_id_of(interaction)
        await self.bot.services.progress.set_digest(guild_id, interaction.user.id, enabled)
        await reply(interaction, embed=progress_ui.digest_settings_embed(enabled))

    @settings_command(
        name="show", description="See your settings (only you can see them).", cooldown=False
    )
    async def show(self, interaction: Interaction) -> None:
        """See your settings (only you can see them)."""
        guild_id = guild_id_of(interaction)
        overview = await self.bot.services.progress.settings_overview(guild_id, interaction.user.id)
        await reply(interaction, embed=progress_ui.settings_embed(overview))


async def setup(bot: StudyBot) -> None:
    """Load this cog (discord.py's extension entry point)."""
    await bot.add_cog(MemberSettings(bot))
