"""The `/setup` commands of the community features: role rewards, the weekly board in a
channel, the web dashboard's public board, and study rooms (a mixin of the `Setup` cog, so
they stay subcommands of `/setup`)."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.boards import views as board_ui
from bot.core.checks import guild_id_of, moderator_only, require_usable
from bot.core.options import Picked, TimeOfDay
from bot.progress import views as progress_ui
from bot.rewards import views as rewards_ui
from bot.rewards.rules import THRESHOLD_MAX
from bot.studybot import Interaction, StudyGroupCog, reply
from bot.studyrooms import views as studyrooms_ui
from bot.studyrooms.rules import MAX_CAP_HOURS, MAX_MINIMUM, MIN_CAP_HOURS, MIN_MINIMUM
from bot.studyrooms.views.presence import afk_channel_id, room_presences
from cogs.setup.options import REWARD_OPTIONS, WEEKDAY_CHOICES, schedule_options


class CommunitySetup(StudyGroupCog):
    """`/setup rewards …`, `/setup leaderboard`, `/setup public-board`, `/setup study-rooms`:
    the base of the `Setup` cog, which gives them the `/setup` group."""

    # --- /setup rewards and /setup leaderboard (issue 19) ---

    rewards = app_commands.Group(
        name="rewards", description="Roles given for streaks, study hours and ships."
    )

    @rewards.command(name="add", description="Give a role when members reach a threshold.")
    @app_commands.describe(**REWARD_OPTIONS)
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
