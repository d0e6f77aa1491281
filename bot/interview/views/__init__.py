"""What interview practice looks like, split by concern (practice, pairing, question of the
day), and `InterviewViews`: the renderer the interview service is wired with."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import discord

from bot.catalog import Question
from bot.core.scheduling.guild_posts import Rendered
from bot.interview.service import MockSummary, PairInfo, PairThread
from bot.interview.views.answers import AnswerPartButton, NumberButton
from bot.interview.views.pairing import (
    PairDoneButton,
    PairKeyPointsButton,
    PairRateButton,
    pair_embed,
    pair_intro_text,
    pair_join_embed,
    pair_thread_name,
    pair_view,
    queue_expired_embed,
)
from bot.interview.views.practice import (
    DIFFICULTY,
    HintButton,
    KeyPointsButton,
    NextButton,
    RateButton,
    practice_view,
    question_embed,
    rating_reply,
    reviews_due_embed,
    stats_embed,
    summary_embed,
)
from bot.interview.views.qotd import (
    QotdPracticeButton,
    qotd_embed,
    qotd_view,
)

__all__ = [
    "DIFFICULTY",
    "DYNAMIC_ITEMS",
    "InterviewViews",
    "pair_join_embed",
    "practice_view",
    "question_embed",
    "rating_reply",
    "stats_embed",
    "summary_embed",
]

#: Every persistent interview button, registered with the bot when the cog loads.
DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    HintButton,
    KeyPointsButton,
    RateButton,
    NextButton,
    NumberButton,
    AnswerPartButton,
    QotdPracticeButton,
    PairKeyPointsButton,
    PairDoneButton,
    PairRateButton,
)


class InterviewViews:
    """The `InterviewRenderer` the interview service is wired with."""

    def qotd_post(self, question: Question, day: date) -> Rendered:
        """The question of the day, with its "Practice this" button."""
        return Rendered(embed=qotd_embed(question, day), view=qotd_view(question.id))

    def reviews_due(self, count: int) -> discord.Embed:
        """The due-reviews reminder."""
        return reviews_due_embed(count)

    def queue_expired(self, ttl: timedelta) -> discord.Embed:
        """The note that the pairing queue entry expired."""
        return queue_expired_embed(ttl)

    def mock_summary(self, summary: MockSummary) -> discord.Embed:
        """A mock session's summary."""
        return summary_embed(summary)

    def pair_thread(self, info: PairInfo) -> PairThread:
        """The pair's thread name and opening message with its buttons."""
        return PairThread(
            name=pair_thread_name(info),
            content=pair_intro_text(info),
            embed=pair_embed(info),
            view=pair_view(info.pair_id),
        )
