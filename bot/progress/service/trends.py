"""The guild as a whole, for moderators on the web dashboard: study hours per week and how
long members' streaks are. Numbers only, never who."""

from __future__ import annotations

from datetime import timedelta

from bot.core.records import frozen
from bot.core.runtime import Core
from bot.core.time import local_date, resolve_zone
from bot.members.api import MemberService
from bot.progress import rules
from bot.progress import store as rows

TREND_WEEKS = 12


@frozen
class GuildTrends:
    """Study minutes per week (by kind) and the live-streak distribution of a guild."""

    weeks: list[rules.WeekMinutes]  # TREND_WEEKS, oldest first; the last is this week
    streaks: list[tuple[str, int]]  # (bucket label, members), shortest first


class Trends:
    """Reads a guild's trends in two grouped queries (no per-member work)."""

    def __init__(self, core: Core, *, members: MemberService) -> None:
        self.store = core.store
        self.clock = core.clock
        self.members = members

    async def guild(self, guild_id: int, weeks: int = TREND_WEEKS) -> GuildTrends:
        """The last `weeks` weeks on the guild's calendar, and today's streaks."""
        settings = await self.members.guild_settings(guild_id)
        now = self.clock.now()
        today = local_date(now, resolve_zone(None, settings.timezone))
        since = rules.week_start(today) - timedelta(weeks=weeks - 1)
        # Members' local days run up to a day either side of the guild's.
        since_at = now - timedelta(days=(today - since).days + 2)
        async with self.store.connect() as conn:
            days = await rows.guild_minutes_by_day_kind(conn, guild_id, since, since_at)
            groups = await rows.streak_groups(conn, guild_id)
        return GuildTrends(
            weeks=rules.minutes_by_week(days, today, weeks),
            streaks=rules.streak_distribution(groups, today),
        )
