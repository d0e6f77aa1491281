"""The order a member meets unseen interview questions: focus first, easiest first, then a
shuffle of their own (stable for them, different between members)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.interview import rules
from bot.interview.order import CATALOG_ORDER, member_order
from bot.interview.rules import QuestionRef, next_question, plan_mock

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
MATH = frozenset({"math"})
TOOLKIT = frozenset({"toolkit"})
QUESTIONS = [
    QuestionRef(f"beh-{i}", "behavioral", 1, frozenset({"interviews"})) for i in range(10)
] + [
    QuestionRef("math-hard", "math", 3, MATH),
    *(QuestionRef(f"math-easy-{i}", "math", 1, MATH) for i in range(8)),
    QuestionRef("math-medium", "math", 2, MATH),
    *(QuestionRef(f"code-{i}", "coding", 1 + i % 3, TOOLKIT) for i in range(9)),
]


def test_without_a_seed_unseen_questions_come_in_catalog_order() -> None:
    assert next_question(QUESTIONS, {}, NOW) == rules.Choice("beh-0", "new")
    assert next_question(QUESTIONS, {}, NOW, order=CATALOG_ORDER) == rules.Choice("beh-0", "new")


def test_the_focus_comes_first_and_its_easiest_question_first() -> None:
    order = member_order(1, 42, ["math"])
    choice = next_question(QUESTIONS, {}, NOW, order=order)
    assert choice is not None and choice.kind == "new"
    assert choice.question_id.startswith("math-easy-")
    # Seen every easy math question: the medium one, still before anything outside math.
    seen = {f"math-easy-{i}": NOW + timedelta(days=3) for i in range(8)}
    assert next_question(QUESTIONS, seen, NOW, order=order) == rules.Choice("math-medium", "new")


def test_without_a_focus_the_easiest_questions_come_first() -> None:
    for user_id in range(20):
        choice = next_question(QUESTIONS, {}, NOW, order=member_order(1, user_id, []))
        assert choice is not None
        assert next(q for q in QUESTIONS if q.id == choice.question_id).difficulty == 1


def test_members_get_different_first_questions_each_stable() -> None:
    firsts = {
        user_id: next_question(QUESTIONS, {}, NOW, order=member_order(1, user_id, ["math"]))
        for user_id in range(30)
    }
    assert len({c.question_id for c in firsts.values() if c}) >= 5
    for user_id, choice in firsts.items():  # the same member, the same order, every time
        assert next_question(QUESTIONS, {}, NOW, order=member_order(1, user_id, ["math"])) == (
            choice
        )
    # Another server: another shuffle for the same user.
    other = [
        next_question(QUESTIONS, {}, NOW, order=member_order(2, u, ["math"])) for u in range(30)
    ]
    assert other != list(firsts.values())


def test_a_due_review_still_comes_before_any_new_question() -> None:
    due = {"code-4": NOW - timedelta(hours=1)}
    order = member_order(1, 42, ["math"])
    assert next_question(QUESTIONS, due, NOW, order=order) == rules.Choice("code-4", "review")


def test_filters_apply_before_the_order() -> None:
    order = member_order(1, 42, ["math"])
    choice = next_question(QUESTIONS, {}, NOW, category="coding", difficulty=2, order=order)
    assert choice is not None
    picked = next(q for q in QUESTIONS if q.id == choice.question_id)
    assert (picked.category, picked.difficulty) == ("coding", 2)


def test_a_mock_plan_follows_the_members_order_too() -> None:
    plan = plan_mock(QUESTIONS, {}, NOW, 3, "math", member_order(1, 42, ["math"]))
    assert len(plan) == 3 and all(qid.startswith("math-easy-") for qid in plan)
    assert plan_mock(QUESTIONS, {}, NOW, 3, "math") == ["math-hard", "math-easy-0", "math-easy-1"]


@given(st.integers(1, 10**18), st.integers(1, 10**18), st.sets(st.sampled_from(["math", "x"])))
def test_the_pick_is_always_an_unseen_question_of_the_focus_when_there_is_one(
    guild_id: int, user_id: int, focus: set[str]
) -> None:
    choice = next_question(QUESTIONS, {}, NOW, order=member_order(guild_id, user_id, focus))
    assert choice is not None
    picked = next(q for q in QUESTIONS if q.id == choice.question_id)
    if "math" in focus:
        assert picked.tracks == MATH and picked.difficulty == 1
