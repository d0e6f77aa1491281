"""The question of the day: an opt-in guild post in the interview channel.

One cron job per guild (``qotd:<guild_id>``) through the ledger key
``qotd:{guild}:{local_date}``, caught up at start like the daily prompt: the shared
`GuildPost` does all of that; this module says what to post and remembers what was posted.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

from bot.catalog import CatalogRegistry
from bot.core.errors import UserFacingError
from bot.core.runtime import Core
from bot.core.scheduling.delivery import Sent
from bot.core.scheduling.guild_posts import (
    GuildDirectory,
    GuildPost,
    PostKind,
    PostSchedule,
    Rendered,
    ScheduleTable,
)
from bot.interview import rules
from bot.interview import store as rows
from bot.interview.service.models import InterviewRenderer
from bot.interview.tables import QotdPost, interview_qotd

#: The question of the day is opt-in: off until a moderator sets it up.
QOTD_OFF = PostSchedule(False, time(12, 0), frozenset(range(5)), configured=False)
QOTD_POST = PostKind("qotd", "interview", "Question of the day", "The question of the day")


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
            QOTD_POST,
            ScheduleTable(interview_qotd, QOTD_OFF),
        )

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
