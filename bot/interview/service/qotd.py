"""The question of the day: an opt-in guild post in the interview channel.

One cron job per guild (``qotd:<guild_id>``) through the ledger key
``qotd:{guild}:{local_date}``, caught up at start like the daily prompt: the shared
`GuildPost` does all of that; this module says what to post and remembers what was posted.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time
from typing import Any

from bot.catalog import CatalogRegistry
from bot.core.errors import UserFacingError
from bot.core.runtime import Core
from bot.core.scheduling.delivery import Sent
from bot.core.scheduling.guild_posts import (
    GuildDirectory,
    GuildPost,
    PostSchedule,
    Rendered,
    schedule_from_row,
)
from bot.interview import rules
from bot.interview import store as rows
from bot.interview.service.models import InterviewRenderer, QotdSchedule
from bot.interview.tables import QotdPost

#: The question of the day is opt-in: off until a moderator sets it up.
QOTD_OFF = PostSchedule(False, time(12, 0), frozenset(range(5)), configured=False)


class QuestionOfTheDay:
    """The question-of-the-day post: its schedule, what it shows, and its `GuildPost`."""

    def __init__(
        self,
        core: Core,
        *,
        catalog: CatalogRegistry,
        guilds: GuildDirectory,
        renderer: InterviewRenderer,
    ) -> None:
        self.store, self.clock = core.store, core.clock
        self.catalog, self.renderer = catalog, renderer
        self.poster = GuildPost(
            core,
            guilds,
            self,
            kind="qotd",
            channel="interview",
            label="Question of the day",
            name="The question of the day",
            setup_command="interview",
        )

    async def schedule(self, guild_id: int) -> QotdSchedule:
        """The guild's schedule (off and unconfigured until `/setup interview`)."""
        async with self.store.connect() as conn:
            return schedule_from_row(await rows.qotd_schedule(conn, guild_id), QOTD_OFF)

    async def save_schedule(self, guild_id: int, values: dict[str, Any]) -> QotdSchedule:
        """Store the changed columns (the guild post calls this; `configure` reschedules)."""
        async with self.store.begin() as conn:
            row = await rows.save_qotd_schedule(conn, guild_id, self.clock.now(), **values)
        return schedule_from_row(row, QOTD_OFF)

    async def post_guild_ids(self) -> list[int]:
        """The guilds that ever configured the question of the day."""
        async with self.store.connect() as conn:
            return [row["guild_id"] for row in await rows.all_qotd_schedules(conn)]

    async def render_post(self, guild_id: int, day: date) -> Rendered:
        """Choose the day's question (recent ones aside) and render its post."""
        catalog = self.catalog.for_guild(guild_id)
        ids = list(catalog.questions)
        async with self.store.connect() as conn:
            recent = await rows.recent_qotd(conn, guild_id, max(1, len(ids)))
        question_id = rules.choose_qotd(ids, recent, guild_id)
        if question_id is None:
            raise UserFacingError("No interview questions are loaded in this server.")
        rendered = self.renderer.qotd_post(catalog.questions[question_id], day)
        return replace(rendered, ref=question_id)  # handed back to `after_post`

    async def after_post(self, guild_id: int, day: date, sent: Sent, rendered: Rendered) -> None:
        """Record the posted question, so it is not chosen again soon."""
        assert rendered.ref is not None
        post = QotdPost(
            guild_id=guild_id,
            question_id=rendered.ref,
            posted_at=self.clock.now(),
            channel_id=sent.channel_id,
            message_id=sent.message_id,
        )
        async with self.store.begin() as conn:
            await rows.add_qotd_post(conn, day, **post)
