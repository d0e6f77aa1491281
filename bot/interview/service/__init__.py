"""Interview practice with FSRS reviews, mock sessions, pairing, question of the day (issue 7).

One part per concern, each with explicit constructor dependencies:
- `attempts.Attempts`: attempts and cards, shared by the three below;
- `practice.PracticeRounds`: `/interview practice`, hints, key points, the self-rating;
- `mock.MockSessions`: timed mock sessions (expiry through `due_reminders`);
- `pairing.Pairing`: the pairing queue and the pairs' threads;
- `reviews.Reviews`: `/interview stats`, strengths, due counts and the daily reminder;
- `qotd.QuestionOfTheDay`: the question-of-the-day guild post.

`InterviewService` composes them: the cog and views call its parts
(`services.interview.pairing.join(...)`); what other features and cogs rely on —
`strength_by_category`, `due_count` (progress) and `set_review_reminder` (`/settings
reminders`) — is also on the facade itself, as the parts' bound methods. `/setup interview`
configures the question of the day through the guild-post registry.
"""

from __future__ import annotations

from bot.catalog import CatalogRegistry
from bot.core.runtime import Core
from bot.interview.rules import category_name
from bot.interview.service.attempts import Attempts, FocusTracks, no_focus
from bot.interview.service.mock import MockSessions
from bot.interview.service.models import (
    AnswerPart,
    InterviewRenderer,
    InterviewStats,
    MockProgress,
    MockSummary,
    NumberCheck,
    PairInfo,
    PairJoin,
    PairThread,
    PracticeRound,
    RatingResult,
)
from bot.interview.service.pairing import Pairing
from bot.interview.service.practice import PracticeRounds
from bot.interview.service.qotd import QuestionOfTheDay
from bot.interview.service.reviews import Reviews
from bot.members.api import GuildService, MemberService, Notifier

__all__ = [
    "AnswerPart",
    "FocusTracks",
    "InterviewRenderer",
    "InterviewService",
    "InterviewStats",
    "MockProgress",
    "MockSummary",
    "NumberCheck",
    "PairInfo",
    "PairJoin",
    "PairThread",
    "PracticeRound",
    "RatingResult",
    "category_name",
]


class InterviewService:
    """The interview feature, composed of its parts (see the module docstring)."""

    def __init__(
        self,
        core: Core,
        *,
        catalog: CatalogRegistry,
        guilds: GuildService,
        members: MemberService,
        notifier: Notifier,
        renderer: InterviewRenderer,
        focus: FocusTracks = no_focus,
    ) -> None:
        attempts = Attempts(core, catalog=catalog, focus=focus)
        self.mocks = MockSessions(core, attempts=attempts, notifier=notifier, renderer=renderer)
        self.rounds = PracticeRounds(core, attempts=attempts, mocks=self.mocks, members=members)
        self.pairing = Pairing(
            core, attempts=attempts, members=members, notifier=notifier, renderer=renderer
        )
        self.reviews = Reviews(
            core, catalog=catalog, members=members, notifier=notifier, renderer=renderer
        )
        self.qotd = QuestionOfTheDay(core, catalog=catalog, guilds=guilds, renderer=renderer)
        # What other features and cogs call on the facade itself (stable names):
        self.strength_by_category = self.reviews.strength_by_category  # progress
        self.strengths = self.reviews.strengths  # progress (the dashboard)
        self.due_count = self.reviews.due_count  # progress
        self.set_review_reminder = self.reviews.set_review_reminder  # /settings reminders
