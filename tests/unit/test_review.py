"""Interview review rules: FSRS glue, next question, mock plans and scores, pairing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import fsrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.interview import rules
from bot.interview.rules import (
    MockAnswer,
    QuestionRef,
    RatedAttempt,
    Waiting,
    choose_pair,
    choose_qotd,
    next_question,
    plan_mock,
    review,
    score_mock,
)
from bot.interview.rules import pairing as pairing_rules

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

QUESTIONS = [
    QuestionRef("two-sum", "coding", 1),
    QuestionRef("lru-cache", "coding", 2),
    QuestionRef("feed-ranking", "ml_system_design", 3),
    QuestionRef("churn-project", "project_deep_dive", 2),
    QuestionRef("bayes", "math", 1),
    QuestionRef("pca", "math", 2),
]


# --- FSRS integration -----------------------------------------------------------------


def test_again_is_due_again_soon_and_easy_much_later() -> None:
    again = review(None, "again", NOW)
    easy = review(None, "easy", NOW)
    assert again.due_at - NOW <= timedelta(minutes=10)
    assert easy.due_at - NOW >= timedelta(days=3)
    assert easy.due_at > review(None, "good", NOW).due_at > again.due_at


def test_card_state_round_trips_through_json_and_grows_with_good_reviews() -> None:
    first = review(None, "good", NOW)
    card = fsrs.Card.from_json(first.card_json)
    assert card.due == first.due_at
    second = review(first.card_json, "good", first.due_at)
    third = review(second.card_json, "good", second.due_at)
    assert third.interval > second.interval > timedelta(0)


def test_again_after_reviews_sends_the_card_back_to_relearning() -> None:
    learned = review(review(None, "easy", NOW).card_json, "good", NOW + timedelta(days=8))
    lapse = review(learned.card_json, "again", NOW + timedelta(days=30))
    assert lapse.state == "relearning"
    assert lapse.interval <= timedelta(minutes=10)


def test_review_is_deterministic_and_refuses_bad_input() -> None:
    assert review(None, "hard", NOW) == review(None, "hard", NOW)
    with pytest.raises(ValueError):
        review(None, "meh", NOW)
    with pytest.raises(ValueError):
        review(None, "good", NOW.replace(tzinfo=None))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(rules.RATINGS), min_size=1, max_size=12))
def test_any_rating_sequence_moves_due_forward(ratings: list[str]) -> None:
    now = NOW
    card: str | None = None
    for rating in ratings:
        outcome = review(card, rating, now)
        assert outcome.due_at > now
        card, now = outcome.card_json, outcome.due_at


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(rules.RATINGS), st.sampled_from(rules.RATINGS))
def test_a_better_rating_never_comes_back_sooner(a: str, b: str) -> None:
    base = review(review(None, "good", NOW).card_json, "good", NOW + timedelta(days=3))
    later = NOW + timedelta(days=10)
    if rules.RATING_SCORE[a] <= rules.RATING_SCORE[b]:
        assert review(base.card_json, a, later).due_at <= review(base.card_json, b, later).due_at


def test_peer_scores_map_onto_ratings() -> None:
    assert [rules.peer_score_to_rating(s) for s in range(1, 6)] == [
        "again",
        "hard",
        "good",
        "good",
        "easy",
    ]
    with pytest.raises(ValueError):
        rules.peer_score_to_rating(0)


# --- next question --------------------------------------------------------------------


def test_due_reviews_come_first_in_due_order() -> None:
    due = {
        "bayes": NOW - timedelta(hours=1),
        "lru-cache": NOW - timedelta(days=2),
        "pca": NOW + timedelta(days=1),
    }
    assert next_question(QUESTIONS, due, NOW) == rules.Choice("lru-cache", "review")
    assert next_question(QUESTIONS, due, NOW, exclude={"lru-cache"}) == rules.Choice(
        "bayes", "review"
    )


def test_unseen_questions_when_nothing_is_due_and_filters_apply() -> None:
    due = {"two-sum": NOW + timedelta(days=3)}
    assert next_question(QUESTIONS, due, NOW) == rules.Choice("lru-cache", "new")
    assert next_question(QUESTIONS, due, NOW, category="math", difficulty=2) == rules.Choice(
        "pca", "new"
    )
    assert next_question(QUESTIONS, due, NOW, category="coding", difficulty=1) is None
    assert rules.next_due_after(QUESTIONS, due, category="coding") == NOW + timedelta(days=3)


def test_reviews_of_removed_questions_are_skipped() -> None:
    due = {"gone": NOW - timedelta(days=9)}
    assert next_question(QUESTIONS, due, NOW) == rules.Choice("two-sum", "new")


@given(
    st.dictionaries(
        st.sampled_from([q.id for q in QUESTIONS]),
        st.integers(-1000, 1000).map(lambda m: NOW + timedelta(minutes=m)),
    )
)
def test_next_question_is_the_most_overdue_or_unseen(due: dict[str, datetime]) -> None:
    choice = next_question(QUESTIONS, due, NOW)
    overdue = [when for when in due.values() if when <= NOW]
    if overdue:
        assert choice is not None and choice.kind == "review"
        assert due[choice.question_id] == min(overdue)
    elif len(due) < len(QUESTIONS):
        assert choice is not None and choice.kind == "new" and choice.question_id not in due
    else:
        assert choice is None


# --- mock sessions --------------------------------------------------------------------


def test_mock_plan_mixes_the_four_categories() -> None:
    plan = plan_mock(QUESTIONS, {}, NOW, 4)
    cats = [next(q.category for q in QUESTIONS if q.id == qid) for qid in plan]
    assert cats == list(rules.MOCK_CATEGORIES)
    assert len(set(plan_mock(QUESTIONS, {}, NOW, 6))) == 6


def test_mock_plan_with_focus_and_seen_questions() -> None:
    due = {q.id: NOW + timedelta(days=5) for q in QUESTIONS}
    plan = plan_mock(QUESTIONS, due, NOW, 3, focus="math")
    assert sorted(plan) == ["bayes", "pca"]  # only two math questions exist
    with pytest.raises(ValueError):
        plan_mock(QUESTIONS, {}, NOW, 7)


def test_mock_deadline_and_expiry() -> None:
    deadline = rules.mock_deadline(NOW, [20, 30, 10])
    assert deadline == NOW + timedelta(hours=1)
    assert not rules.mock_expired(deadline, deadline + timedelta(minutes=5))
    assert rules.mock_expired(deadline, deadline + rules.MOCK_EXPIRY_GRACE)


def test_mock_score_per_category_and_review_list() -> None:
    due = NOW + timedelta(days=2)
    score = score_mock(
        [
            MockAnswer("two-sum", "coding", "easy", due),
            MockAnswer("lru-cache", "coding", "again", NOW + timedelta(minutes=10)),
            MockAnswer("bayes", "math", None, None),
        ]
    )
    by_cat = {c.category: c for c in score.categories}
    assert by_cat["coding"].percent == 50 and by_cat["coding"].answered == 2
    assert by_cat["math"].answered == 0 and by_cat["math"].asked == 1
    assert score.to_review == ("lru-cache", "bayes")
    assert score.next_due == NOW + timedelta(minutes=10)
    assert score.overall_percent == 50


# --- strength and stats ---------------------------------------------------------------


def test_strength_uses_recent_ratings_per_category() -> None:
    old = [RatedAttempt("coding", "again", NOW - timedelta(days=30 - i)) for i in range(10)]
    recent = [RatedAttempt("coding", "easy", NOW - timedelta(days=5 - i)) for i in range(5)]
    strength = rules.strength_by_category(old + recent + [RatedAttempt("math", "good", NOW)])
    assert strength["coding"] == pytest.approx(0.5)
    assert strength["math"] == pytest.approx(2 / 3)
    assert rules.strength_by_category([]) == {}


def test_category_trend_and_weakest_skills() -> None:
    attempts = [
        RatedAttempt("coding", "again", NOW - timedelta(days=10 - i), ("arrays",)) for i in range(4)
    ] + [RatedAttempt("coding", "easy", NOW - timedelta(days=4 - i), ("graphs",)) for i in range(4)]
    (stats,) = rules.category_stats(attempts)
    assert stats.trend == "up" and stats.attempts == 8
    assert rules.weakest_skills(attempts) == [("arrays", rules.Strength(0.0, 4))]


# --- pairing --------------------------------------------------------------------------


def _w(uid: int, cat: str | None, offset_h: int, minutes_ago: int) -> Waiting:
    return Waiting(uid, cat, offset_h * 60, NOW - timedelta(minutes=minutes_ago))


def test_pairing_prefers_overlap_then_close_timezones() -> None:
    waiting = [
        _w(1, "coding", 1, 30),
        _w(2, "math", 1, 20),
        _w(3, None, -5, 10),
        _w(4, "coding", -8, 5),
    ]
    pair = choose_pair(waiting)
    assert pair is not None
    # 1 and 2 share a timezone but not a category; 3 (anything) and 4 overlap 3 h apart,
    # closer than 1-3 (6 h), 2-3 (6 h) or 1-4 (9 h).
    assert {pair.candidate.user_id, pair.interviewer.user_id} == {3, 4}
    assert pair.category == "coding"
    assert pair.candidate.user_id == 3  # waited longer


def test_pairing_roles_and_lonely_queue() -> None:
    pair = choose_pair([_w(7, None, 0, 5), _w(8, None, 0, 50)])
    assert pair is not None
    assert pair.candidate.user_id == 8 and pair.interviewer.user_id == 7  # waited longer
    assert pair.category is None
    assert choose_pair([_w(1, None, 0, 1)]) is None
    assert choose_pair([_w(1, "math", 0, 3), _w(2, "coding", 0, 1)]) is not None


def test_timezone_gap_wraps_around_the_date_line() -> None:
    assert pairing_rules._tz_gap(13 * 60, -11 * 60) == 0


# --- question of the day and minutes --------------------------------------------------


def test_qotd_cycles_through_every_question_before_repeating() -> None:
    ids = [q.id for q in QUESTIONS]
    posted: list[str] = []
    for _ in range(len(ids)):
        pick = choose_qotd(ids, list(reversed(posted)), seed=42)
        assert pick is not None and pick not in posted
        posted.append(pick)
    assert choose_qotd(ids, list(reversed(posted)), seed=42) == posted[0]
    assert choose_qotd([], [], seed=1) is None


def test_practice_minutes_are_capped_by_the_time_limit() -> None:
    assert rules.practice_minutes(NOW, NOW, 30) == 1
    assert rules.practice_minutes(NOW, NOW + timedelta(minutes=12), 30) == 12
    assert rules.practice_minutes(NOW, NOW + timedelta(hours=5), 30) == 30


# --- small rules the services use -----------------------------------------------------


def test_category_names_and_discord_timestamps() -> None:
    assert rules.category_name(None) == "any category"
    assert rules.category_name("coding") == "Coding (DS&A)"
    assert rules.category_name("new_kind") == "new_kind"  # unknown: shown as stored
    assert rules.timestamp_markup(NOW) == f"<t:{int(NOW.timestamp())}:R>"
    assert rules.timestamp_markup(NOW, "f").endswith(":f>")


def test_attempt_seconds_and_hints_to_show() -> None:
    assert rules.elapsed_seconds(NOW, NOW + timedelta(minutes=2, seconds=5)) == 125
    assert rules.elapsed_seconds(NOW, NOW - timedelta(seconds=5)) == 0  # clock went back
    assert rules.hints_to_show(2, 3) == 2
    assert rules.hints_to_show(5, 3) == 3  # a stale button cannot ask for more than exist
    assert rules.hints_to_show(0, 3) == 1


def test_mock_size_and_expiry_time() -> None:
    assert [n for n in range(10) if rules.mock_size_ok(n)] == [3, 4, 5, 6]
    assert rules.mock_expires_at(NOW) == NOW + rules.MOCK_EXPIRY_GRACE
    assert rules.mock_expired(NOW, rules.mock_expires_at(NOW))


def test_utc_offset_in_minutes_follows_daylight_saving() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    assert rules.utc_offset_minutes(NOW, berlin) == 60
    assert rules.utc_offset_minutes(datetime(2026, 7, 1, tzinfo=UTC), berlin) == 120
    assert rules.utc_offset_minutes(NOW, ZoneInfo("America/St_Johns")) == -210


def test_pair_question_falls_back_to_the_soonest_due_card() -> None:
    fresh = rules.pair_question(QUESTIONS, {}, NOW, "math")
    assert fresh == rules.Choice("bayes", "new")
    seen = {"bayes": NOW + timedelta(days=3), "pca": NOW + timedelta(days=1)}
    assert rules.pair_question(QUESTIONS, seen, NOW, "math") == rules.Choice("pca", "review")
    everything = {q.id: NOW + timedelta(days=i + 1) for i, q in enumerate(QUESTIONS)}
    assert rules.pair_question(QUESTIONS, everything, NOW, None).question_id == "two-sum"


def test_due_summary_counts_due_cards_and_finds_the_next() -> None:
    assert rules.due_summary({}, NOW) == (0, None)
    due = {
        "a": NOW - timedelta(days=1),
        "b": NOW,
        "c": NOW + timedelta(hours=5),
        "d": NOW + timedelta(hours=2),
    }
    assert rules.due_summary(due, NOW) == (2, NOW + timedelta(hours=2))


def test_next_review_reminder_is_the_members_local_time() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # 08:00 UTC is 09:00 in Berlin: 18:00 today is 17:00 UTC.
    assert rules.next_review_reminder(NOW, "18:00", berlin) == datetime(
        2026, 3, 2, 17, 0, tzinfo=UTC
    )
    # Past today's time: tomorrow.
    assert rules.next_review_reminder(NOW, "08:30", berlin) == datetime(
        2026, 3, 3, 7, 30, tzinfo=UTC
    )
