"""Practice rules: FSRS glue, the next question, mock sessions, strength, reviews due.

The spaced-review algorithm itself is the `fsrs` package (FSRS-6); this module only maps our
four ratings onto it, serializes the card state, and holds the pure choices around it: which
question comes next, how a mock session is planned and scored. Nothing here touches Discord,
SQL or the wall clock: callers pass `now`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Final, Literal
from zoneinfo import ZoneInfo

import fsrs

from bot.core.records import frozen
from bot.core.time import next_fire, parse_hhmm
from bot.interview.order import CATALOG_ORDER, NewQuestionOrder

Rating = Literal["again", "hard", "good", "easy"]
RATINGS: Final[tuple[Rating, ...]] = ("again", "hard", "good", "easy")
RATING_LABELS: Final[dict[str, str]] = {rating: rating.title() for rating in RATINGS}
_FSRS_RATING: Final[dict[str, fsrs.Rating]] = {r: fsrs.Rating[r.title()] for r in RATINGS}
#: A rating as a 0..1 strength: Again 0, Hard 1/3, Good 2/3, Easy 1.
RATING_STRENGTH: Final[dict[str, float]] = {"again": 0.0, "hard": 1 / 3, "good": 2 / 3, "easy": 1.0}
#: A rating as a 1..4 score (what the trend compares).
RATING_SCORE: Final[dict[str, int]] = {"again": 1, "hard": 2, "good": 3, "easy": 4}

#: The four kinds of interview work the guide names; a mock session mixes these.
MOCK_CATEGORIES: Final[tuple[str, ...]] = (
    "coding",
    "ml_system_design",
    "project_deep_dive",
    "math",
)
MOCK_MIN_QUESTIONS: Final = 3
MOCK_MAX_QUESTIONS: Final = 6
#: A session left alone this long after its deadline closes itself.
MOCK_EXPIRY_GRACE: Final = timedelta(minutes=15)
#: How many recent ratings per category count towards strength and averages.
RECENT_PER_CATEGORY: Final = 10
#: A category with fewer ratings than this is "new": too few answers to show a trend.
TREND_MIN_RATINGS: Final = 4
PAIR_QUEUE_TTL: Final = timedelta(hours=2)
PEER_SCORES: Final[tuple[int, ...]] = (1, 2, 3, 4, 5)
ALL_DAYS: Final = frozenset(range(7))

CATEGORY_NAMES: Final[dict[str, str]] = {
    "coding": "Coding (DS&A)",
    "ml_system_design": "ML system design",
    "project_deep_dive": "Project deep dive",
    "math": "Applied math",
    "ml_fundamentals": "ML fundamentals",
    "ml_coding": "ML coding",
    "llm": "LLMs and foundation models",
    "sql": "SQL",
    "behavioral": "Behavioural",
}

# One short learning step: "Again" on a new question comes back within the session (10 min);
# "Good" graduates straight to days. Fuzzing is off so the schedule is reproducible (and the
# domain stays free of randomness).
_SCHEDULER: Final = fsrs.Scheduler(
    learning_steps=(timedelta(minutes=10),),
    relearning_steps=(timedelta(minutes=10),),
    enable_fuzzing=False,
)


def category_name(category: str | None) -> str:
    """A question category as members read it ("any category" for no filter)."""
    if category is None:
        return "any category"
    return CATEGORY_NAMES.get(category, category)


def timestamp_markup(instant: datetime, style: str = "R") -> str:
    """Discord's timestamp markup: each reader sees `instant` in their own timezone."""
    return f"<t:{int(instant.timestamp())}:{style}>"


def is_rating(value: str) -> bool:
    return value in _FSRS_RATING


def elapsed_seconds(started: datetime, now: datetime) -> int:
    """Whole seconds spent on an attempt (never negative)."""
    return max(0, int((now - started).total_seconds()))


def hints_to_show(upto: int, available: int) -> int:
    """How many hints a "Hint" click reveals: at least one, at most the question's hints."""
    return max(1, min(upto, available))


@frozen
class ReviewOutcome:
    """A card after one review: its serialized state and when it is due next."""

    card_json: str
    due_at: datetime
    state: str
    interval: timedelta


def review(card_json: str | None, rating: str, now: datetime) -> ReviewOutcome:
    """Apply one rating to a card (a new card when `card_json` is None) with FSRS."""
    if rating not in _FSRS_RATING:
        raise ValueError(f"unknown rating {rating!r}")
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    # An explicit card id and due date: fsrs otherwise reads the wall clock (and sleeps 1 ms).
    card = fsrs.Card.from_json(card_json) if card_json else fsrs.Card(card_id=1, due=now)
    updated, _log = _SCHEDULER.review_card(card, _FSRS_RATING[rating], review_datetime=now)
    return ReviewOutcome(
        card_json=updated.to_json(),
        due_at=updated.due,
        state=updated.state.name.lower(),
        interval=updated.due - now,
    )


def peer_score_to_rating(score: int) -> Rating:
    """A 1–5 peer score as a review rating: 1 Again, 2 Hard, 3–4 Good, 5 Easy."""
    if score not in PEER_SCORES:
        raise ValueError(f"peer score must be 1..5, got {score}")
    return "again" if score == 1 else "hard" if score == 2 else "good" if score < 5 else "easy"


# --- choosing questions ---------------------------------------------------------------


@frozen
class QuestionRef:
    """A question as the chooser sees it: id, category, difficulty and roadmap tracks."""

    id: str
    category: str
    difficulty: int
    tracks: frozenset[str] = frozenset()


@frozen
class Choice:
    """The next question for a member, and whether it is a due review or a new one."""

    question_id: str
    kind: Literal["review", "new"]


def _matches(q: QuestionRef, category: str | None, difficulty: int | None) -> bool:
    return (category is None or q.category == category) and (
        difficulty is None or q.difficulty == difficulty
    )


def next_question(
    questions: Sequence[QuestionRef],
    due: Mapping[str, datetime],
    now: datetime,
    *,
    category: str | None = None,
    difficulty: int | None = None,
    exclude: Iterable[str] = (),
    order: NewQuestionOrder = CATALOG_ORDER,
) -> Choice | None:
    """The member's next question: the most overdue review, else an unseen question.

    `due` maps the ids of questions the member has a card for to the card's due time;
    reviews whose question left the catalog are skipped. Unseen questions come in the
    member's `order` (`bot.interview.order`; catalog order by default). None when the
    filter leaves nothing due and nothing new.
    """
    skip = set(exclude)
    by_id = {q.id: q for q in questions}
    reviews = sorted(
        (when, qid)
        for qid, when in due.items()
        if when <= now
        and qid not in skip
        and qid in by_id
        and _matches(by_id[qid], category, difficulty)
    )
    if reviews:
        return Choice(reviews[0][1], "review")
    unseen = [
        q
        for q in questions
        if q.id not in due and q.id not in skip and _matches(q, category, difficulty)
    ]
    return Choice(min(unseen, key=order.key).id, "new") if unseen else None


def next_due_after(
    questions: Sequence[QuestionRef],
    due: Mapping[str, datetime],
    *,
    category: str | None = None,
    difficulty: int | None = None,
) -> datetime | None:
    """When the next review in this filter falls due (for "nothing left, come back at …")."""
    by_id = {q.id: q for q in questions}
    times = [
        when
        for qid, when in due.items()
        if qid in by_id and _matches(by_id[qid], category, difficulty)
    ]
    return min(times) if times else None


def plan_mock(
    questions: Sequence[QuestionRef],
    due: Mapping[str, datetime],
    now: datetime,
    count: int,
    focus: str | None = None,
    unseen_order: NewQuestionOrder = CATALOG_ORDER,
) -> list[str]:
    """Question ids for a mock session: the four categories in turn (or only `focus`).

    Each slot takes a due review, else an unseen question, else the member's soonest-due
    card in that category, so a member who has seen everything still gets a session.
    Categories with no question are skipped; the plan may be shorter than `count` only when
    the catalog has fewer questions.
    """
    if not MOCK_MIN_QUESTIONS <= count <= MOCK_MAX_QUESTIONS:
        raise ValueError(f"a mock session has {MOCK_MIN_QUESTIONS}–{MOCK_MAX_QUESTIONS} questions")
    order = (focus,) if focus else MOCK_CATEGORIES
    chosen: list[str] = []
    exhausted: set[str] = set()
    while len(chosen) < count and len(exhausted) < len(order):
        for cat in order:
            if len(chosen) >= count:
                break
            if cat in exhausted:
                continue
            pick = next_question(
                questions, due, now, category=cat, exclude=chosen, order=unseen_order
            )
            if pick is None:
                seen = sorted(
                    (when, q.id)
                    for q in questions
                    if q.category == cat and q.id in due and q.id not in chosen
                    for when in (due[q.id],)
                )
                if not seen:
                    exhausted.add(cat)
                    continue
                chosen.append(seen[0][1])
            else:
                chosen.append(pick.question_id)
    return chosen


def mock_deadline(started: datetime, time_limits: Iterable[int]) -> datetime:
    """The session's deadline: the questions' time limits, back to back."""
    return started + timedelta(minutes=sum(time_limits))


def mock_size_ok(questions: int) -> bool:
    """A mock session has between MOCK_MIN_QUESTIONS and MOCK_MAX_QUESTIONS questions."""
    return MOCK_MIN_QUESTIONS <= questions <= MOCK_MAX_QUESTIONS


def mock_expires_at(deadline: datetime) -> datetime:
    """When a session nobody touches closes itself: its deadline plus a short grace."""
    return deadline + MOCK_EXPIRY_GRACE


def mock_expired(deadline: datetime, now: datetime) -> bool:
    """A session nobody touched by its deadline plus a short grace closes itself."""
    return now >= mock_expires_at(deadline)


@frozen
class MockAnswer:
    question_id: str
    category: str
    rating: str | None  # None: not answered before the session ended
    due_at: datetime | None


@frozen
class CategoryScore:
    category: str
    answered: int
    asked: int
    percent: int  # 0..100 from the self-ratings of answered questions


@frozen
class MockScore:
    categories: tuple[CategoryScore, ...]
    overall_percent: int
    to_review: tuple[str, ...]  # question ids rated Again/Hard or left unanswered
    next_due: datetime | None


def score_mock(answers: Sequence[MockAnswer]) -> MockScore:
    """Per-category and overall score of a session; what to review and when it is due."""
    per: dict[str, list[MockAnswer]] = {}
    for answer in answers:
        per.setdefault(answer.category, []).append(answer)
    categories: list[CategoryScore] = []
    total: list[float] = []
    for cat, items in per.items():
        rated = [RATING_STRENGTH[a.rating] for a in items if a.rating is not None]
        total.extend(rated)
        percent = round(100 * sum(rated) / len(rated)) if rated else 0
        categories.append(CategoryScore(cat, len(rated), len(items), percent))
    to_review = tuple(a.question_id for a in answers if a.rating in (None, "again", "hard"))
    dues = [a.due_at for a in answers if a.due_at is not None]
    return MockScore(
        categories=tuple(categories),
        overall_percent=round(100 * sum(total) / len(total)) if total else 0,
        to_review=to_review,
        next_due=min(dues) if dues else None,
    )


# --- strength and trends --------------------------------------------------------------


@frozen
class RatedAttempt:
    category: str
    rating: str
    at: datetime
    skills: tuple[str, ...] = ()


def _recent_by_category(attempts: Iterable[RatedAttempt]) -> dict[str, list[RatedAttempt]]:
    per: dict[str, list[RatedAttempt]] = {}
    for attempt in sorted(attempts, key=lambda a: a.at, reverse=True):
        if attempt.rating in RATING_STRENGTH:
            per.setdefault(attempt.category, []).append(attempt)
    return per


@frozen
class Strength:
    """How strong a member is in one category: the mean strength (0..1) of their most recent
    `RECENT_PER_CATEGORY` ratings there, and how many rated answers they gave in it."""

    value: float
    answers: int

    @property
    def percent(self) -> int:
        """The one scale members see everywhere: 0–100 %."""
        return round(100 * self.value)


def strengths(attempts: Iterable[RatedAttempt]) -> dict[str, Strength]:
    """Per category: strength over the most recent ratings, and the number of answers."""
    out: dict[str, Strength] = {}
    for cat, items in _recent_by_category(attempts).items():
        recent = items[:RECENT_PER_CATEGORY]
        value = sum(RATING_STRENGTH[a.rating] for a in recent) / len(recent)
        out[cat] = Strength(value, len(items))
    return out


def strength_by_category(attempts: Iterable[RatedAttempt]) -> dict[str, float]:
    """0..1 per category: the mean strength of the most recent ratings in it."""
    return {cat: strength.value for cat, strength in strengths(attempts).items()}


Trend = Literal["up", "down", "steady", "new"]


@frozen
class CategoryStats:
    category: str
    attempts: int
    strength: float  # 0..1 over recent ratings, like everywhere else
    trend: Trend  # "new": fewer than TREND_MIN_RATINGS ratings, too few to compare


def category_stats(attempts: Iterable[RatedAttempt]) -> list[CategoryStats]:
    """Per category: attempts, recent strength (0..1) and the trend of recent vs. earlier."""
    out: list[CategoryStats] = []
    for cat, items in sorted(_recent_by_category(attempts).items()):
        recent = items[:RECENT_PER_CATEGORY]
        strength = sum(RATING_STRENGTH[a.rating] for a in recent) / len(recent)
        half = min(5, len(items) // 2)
        trend: Trend
        if len(items) < TREND_MIN_RATINGS:
            trend = "new"
        else:
            newer = sum(RATING_SCORE[a.rating] for a in items[:half]) / half
            older = sum(RATING_SCORE[a.rating] for a in items[half : 2 * half]) / half
            trend = "up" if newer - older >= 0.5 else "down" if older - newer >= 0.5 else "steady"
        out.append(CategoryStats(cat, len(items), strength, trend))
    return out


def weakest_skills(attempts: Iterable[RatedAttempt], limit: int = 3) -> list[tuple[str, Strength]]:
    """Skills with the lowest mean strength over recent ratings (ties: alphabetical), each
    with the number of rated answers behind it."""
    sums: dict[str, list[float]] = {}
    for items in _recent_by_category(attempts).values():
        for attempt in items[:RECENT_PER_CATEGORY]:
            for skill in attempt.skills:
                sums.setdefault(skill, []).append(RATING_STRENGTH[attempt.rating])
    ranked = sorted((sum(v) / len(v), skill, len(v)) for skill, v in sums.items())
    return [(skill, Strength(value, n)) for value, skill, n in ranked[:limit] if value < 1.0]


# --- reviews due ----------------------------------------------------------------------


def due_summary(due: Mapping[str, datetime], now: datetime) -> tuple[int, datetime | None]:
    """How many cards are due now, and when the next one not yet due falls due."""
    upcoming = [when for when in due.values() if when > now]
    return sum(1 for when in due.values() if when <= now), min(upcoming) if upcoming else None


def next_review_reminder(now: datetime, review_time: str, zone: ZoneInfo) -> datetime:
    """The next daily due-reviews reminder: the member's `review_time` ("HH:MM") in `zone`."""
    return next_fire(now, parse_hhmm(review_time), zone, ALL_DAYS)


# --- question of the day --------------------------------------------------------------


def choose_qotd(question_ids: Sequence[str], recent: Sequence[str], seed: int) -> str | None:
    """A stable per-guild shuffle of the questions; the first one not posted recently.

    `recent` is the guild's latest posts, newest first; once every question was posted the
    oldest comes round again.
    """
    if not question_ids:
        return None

    def key(qid: str) -> str:
        return hashlib.sha256(f"{seed}:{qid}".encode()).hexdigest()

    ordered = sorted(question_ids, key=key)
    window = set(recent[: max(0, len(question_ids) - 1)])
    for qid in ordered:
        if qid not in window:
            return qid
    return ordered[0]


def practice_minutes(started: datetime, finished: datetime, time_limit_minutes: int) -> int:
    """Minutes a practice round counts for: time spent, at least 1, at most its time limit."""
    spent = int((finished - started).total_seconds() // 60)
    return max(1, min(spent, time_limit_minutes))
