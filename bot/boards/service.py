"""`/setup leaderboard`: a weekly board of opted-in members, posted in a channel.

A `GuildPost` like the daily prompt and the weekly accountability thread (cron
`board:{guild}` in the guild's timezone, catch-up at start, broken-channel handling), with
the ledger key `board:{guild}:{year}-W{week}`: one board a week per guild. Its channel is
kept with its schedule (`weekly_board`), not among `/setup channels`; `BoardDirectory`
shows the guild's settings to the post with that channel added.

Only members who opted in (`/settings leaderboard`) are listed: study time from the study
log (voice study time included, it lands there), their live streak, and projects shipped
during the week.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import date, time
from typing import Protocol

import discord

from bot.boards import rules
from bot.boards import store as board_rows
from bot.boards.tables import weekly_board
from bot.core.errors import UserFacingError
from bot.core.records import frozen
from bot.core.runtime import Core
from bot.core.scheduling.delivery import Sent
from bot.core.scheduling.guild_posts import (
    BrokenNotice,
    GuildPost,
    PostKind,
    PostSchedule,
    Rendered,
    ScheduleTable,
)
from bot.core.time import at_local_time, resolve_zone
from bot.members.api import GuildService
from bot.progress.api import board_streaks, minutes_board, opted_in_members
from bot.projects.api import shipped_counts

#: Off until a moderator sets it up; then Mondays at 18:00 unless they pick otherwise.
BOARD_OFF = PostSchedule(False, time(18, 0), frozenset({0}), configured=False)
BOARD_POST = PostKind("board", "leaderboard", "Weekly board", "The weekly board")


@frozen
class BoardSettings:
    """A guild's settings as the board's post reads them."""

    timezone: str
    channels: Mapping[str, int | None]
    broken: Mapping[str, str]


class BoardDirectory:
    """The guild directory for the board's `GuildPost`: the guild's settings with the
    board's own channel under "leaderboard"; everything else is the guild service's."""

    def __init__(self, core: Core, guilds: GuildService) -> None:
        """Read the channel from `weekly_board`; delegate the rest to `guilds`."""
        self.core = core
        self.guilds = guilds
        # The same list: a timezone change reschedules the board like every post.
        self.listeners: list[Callable[[int], Awaitable[None]]] = guilds.listeners

    async def channel_id(self, guild_id: int) -> int | None:
        """The board's channel (None until a moderator picks one)."""
        async with self.core.store.connect() as conn:
            return await board_rows.channel_id(conn, guild_id)

    async def settings(self, guild_id: int) -> BoardSettings:
        """The guild's settings, with the board's channel."""
        base = await self.guilds.settings(guild_id)
        channels = {**base.channels, BOARD_POST.channel: await self.channel_id(guild_id)}
        return BoardSettings(base.timezone, channels, base.broken)

    async def all_settings(self) -> dict[int, BoardSettings]:
        """Every guild's settings with the board's channel, in two reads (start-up)."""
        stored = await self.guilds.all_settings()
        async with self.core.store.connect() as conn:
            channels = await board_rows.channel_ids(conn)
        return {
            guild_id: BoardSettings(
                base.timezone,
                {**base.channels, BOARD_POST.channel: channels.get(guild_id)},
                base.broken,
            )
            for guild_id, base in stored.items()
        }

    async def known_guild_ids(self) -> list[int]:
        """Every guild with stored settings."""
        return await self.guilds.known_guild_ids()

    async def mark_broken(
        self, guild_id: int, setting: str, reason: str, *, keep_diagnosis: bool = False
    ) -> bool:
        """Mark the board's channel broken (see `GuildService.mark_broken`)."""
        return await self.guilds.mark_broken(
            guild_id, setting, reason, keep_diagnosis=keep_diagnosis
        )

    async def clear_broken(self, guild_id: int, setting: str) -> None:
        """Forget a broken mark once the board posts again."""
        await self.guilds.clear_broken(guild_id, setting)


class BoardRenderer(Protocol):
    """How the board looks (`bot.boards.views` provides it at wiring time)."""

    def board_post(self, board: rules.WeeklyBoardData) -> discord.Embed:
        """The week's board."""

    def broken_notice(self, label: str, reason: str, channel: str) -> discord.Embed:
        """What moderators are told, once, when the board's channel stops working."""


class WeeklyBoard:
    """The weekly board's post; `poster` is registered with the guild posts."""

    def __init__(self, core: Core, *, guilds: GuildService, renderer: BoardRenderer) -> None:
        """Build the board's guild post on the guild settings; render with `renderer`."""
        self.core = core
        self.guilds = guilds
        self.renderer = renderer
        self.directory = BoardDirectory(core, guilds)
        notice: BrokenNotice = renderer.broken_notice
        self.poster = GuildPost(
            core,
            self.directory,
            self,
            BOARD_POST,
            ScheduleTable(weekly_board, BOARD_OFF),
            key_format=rules.board_key,
            broken_notice=notice,
        )

    async def configure(
        self,
        guild_id: int,
        *,
        channel_id: int | None = None,
        weekday: str | None = None,
        post_time: str | None = None,
        enabled: bool | None = None,
    ) -> tuple[PostSchedule, int | None]:
        """`/setup leaderboard`: the channel, day and time, or off; returns the schedule and
        the channel. Turning it on needs a channel first."""
        current = await self.directory.channel_id(guild_id)
        if channel_id is None and current is None and enabled is not False:
            raise UserFacingError(
                "Pick the channel for the weekly board: `/setup leaderboard channel:#…`."
            )
        if channel_id is not None:
            async with self.core.store.begin() as conn:
                await board_rows.save_channel(conn, guild_id, channel_id, self.core.clock.now())
            await self.guilds.clear_broken(guild_id, BOARD_POST.channel)
        schedule = await self.poster.configure(
            guild_id, post_time=post_time, weekday=weekday, enabled=enabled
        )
        return schedule, channel_id or current

    async def render_post(self, guild_id: int, day: date) -> Rendered:
        """The board of the week up to `day` (the guild's calendar)."""
        settings = await self.guilds.settings(guild_id)
        guild_zone = resolve_zone(None, settings.timezone)
        since = rules.covered_since(day)
        now = self.core.clock.now()
        async with self.core.store.connect() as conn:
            opted = await opted_in_members(conn, guild_id)
            minutes = await minutes_board(conn, guild_id, since)
            found = await board_streaks(conn, guild_id, settings.timezone, now)
            streaks = {user: live for user, (live, _) in found.items()}
            shipped = await shipped_counts(
                conn, guild_id, at_local_time(since, time(0, 0), guild_zone)
            )
        board = rules.WeeklyBoardData(
            since=since,
            until=day,
            minutes=rules.top(minutes),
            streaks=rules.top(streaks),
            ships=rules.top({user: n for user, n in shipped.items() if user in opted}),
            members=len(opted),
        )
        return Rendered(embed=self.renderer.board_post(board))

    async def after_post(self, guild_id: int, day: date, sent: Sent, rendered: Rendered) -> None:
        """Nothing to record: the ledger keeps the week's post."""
