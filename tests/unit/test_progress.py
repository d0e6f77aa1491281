"""Progress rules: weeks, ratios, coverage, readiness, goals, streaks on boards, ranking."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.errors import UserFacingError
from bot.core.kinds import ACTIVITY_KINDS
from bot.progress import rules

MONDAY = date(2026, 3, 2)
TRACKS = [("math", ["la", "calc", "prob"]), ("toolkit", ["py", "git"])]


# --- weeks --------------------------------------------------------------------------------


def test_minutes_by_week_buckets_monday_to_sunday_oldest_first() -> None:
    today = MONDAY + timedelta(days=9)  # Wednesday of the next week
    rows = [
        (MONDAY, "course", 30),
        (MONDAY + timedelta(days=6), "coding", 20),  # Sunday: same week
        (MONDAY + timedelta(days=7), "course", 45),  # next Monday
        (MONDAY - timedelta(days=30), "math", 999),  # outside 2 weeks
        (today + timedelta(days=1), "course", 999),  # future
        (MONDAY, "knitting", 999),  # unknown kind
    ]
    weeks = rules.minutes_by_week(rows, today, 2)
    assert [w.start for w in weeks] == [MONDAY, MONDAY + timedelta(days=7)]
    assert weeks[0].by_kind["course"] == 30 and weeks[0].by_kind["coding"] == 20
    assert weeks[0].total == 50 and weeks[1].total == 45
    assert weeks[0].theory == 30 and weeks[0].practice == 20


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=120),
            st.sampled_from(ACTIVITY_KINDS),
            st.integers(min_value=0, max_value=600),
        ),
        max_size=60,
    )
)
def test_weeks_keep_every_minute_in_the_window(raw: list[tuple[int, str, int]]) -> None:
    today = date(2026, 6, 10)
    rows = [(today - timedelta(days=d), kind, m) for d, kind, m in raw]
    weeks = rules.minutes_by_week(rows, today, 8)
    first = weeks[0].start
    expected = sum(m for day, _k, m in rows if day >= first)
    assert sum(w.total for w in weeks) == expected
    assert all(w.start.weekday() == 0 for w in weeks)
    assert rules.totals_by_kind(weeks) == {
        k: sum(m for day, kk, m in rows if day >= first and kk == k) for k in ACTIVITY_KINDS
    }


def test_minutes_by_week_needs_a_week() -> None:
    with pytest.raises(ValueError):
        rules.minutes_by_week([], MONDAY, 0)


# --- theory : practice --------------------------------------------------------------------


def test_ratio_and_its_text() -> None:
    assert rules.theory_practice_ratio(300, 100) == 3.0
    assert rules.theory_practice_ratio(300, 0) is None
    assert rules.format_ratio(300, 100) == "3.0 : 1"
    assert rules.format_ratio(300, 0) == "all theory"
    assert rules.format_ratio(0, 50) == "all practice"
    assert rules.format_ratio(0, 0) == "no study logged"
    assert rules.split_theory_practice(
        {"course": 10, "reading": 20, "math": 30, "coding": 1, "project": 2, "interview": 3}
    ) == (60, 6)
    assert rules.split_theory_practice({"community": 99}) == (0, 0)


def test_format_minutes() -> None:
    assert rules.format_minutes(45) == "45 min"
    assert rules.format_minutes(120) == "2 h"
    assert rules.format_minutes(200) == "3 h 20 min"
    assert rules.format_minutes(-5) == "0 min"


# --- input --------------------------------------------------------------------------------


@pytest.mark.parametrize("minutes", [1, 600])
def test_minutes_bounds_accept(minutes: int) -> None:
    assert rules.validate_minutes(minutes) == minutes


@pytest.mark.parametrize("minutes", [0, 601, -1])
def test_minutes_bounds_refuse(minutes: int) -> None:
    with pytest.raises(UserFacingError):
        rules.validate_minutes(minutes)


def test_note_is_collapsed_and_bounded() -> None:
    assert rules.clean_note("  two\n lines ") == "two lines"
    assert rules.clean_note("   ") is None
    assert rules.clean_note(None) is None
    assert rules.clean_note("x" * 200) == "x" * 200
    with pytest.raises(UserFacingError):
        rules.clean_note("x" * 201)


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/alice/repo",
        "https://kaggle.com/code/alice/nb?tab=1#cell-3",
        "https://example.org",
    ],
)
def test_evidence_accepts_https_links(url: str) -> None:
    assert rules.validate_evidence(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "http://github.com/alice",
        "javascript:alert(1)",
        "https://exa mple.com",
        "https://evil.com/<@everyone>",
        "https://x.com/" + "a" * 300,
        "ftp://files",
    ],
)
def test_evidence_refuses_anything_else(url: str) -> None:
    with pytest.raises(UserFacingError):
        rules.validate_evidence(url)


def test_evidence_is_optional() -> None:
    assert rules.validate_evidence(None) is None
    assert rules.validate_evidence("  ") is None


def test_undo_window_is_24_hours() -> None:
    assert rules.undo_allowed(timedelta(hours=24))
    assert not rules.undo_allowed(timedelta(hours=24, seconds=1))
    assert not rules.undo_allowed(timedelta(seconds=-1))


def test_goal_hours_bounds() -> None:
    assert rules.validate_goal_hours(1) == 1 and rules.validate_goal_hours(80) == 80
    for bad in (0, 81):
        with pytest.raises(UserFacingError):
            rules.validate_goal_hours(bad)


# --- roadmap ------------------------------------------------------------------------------


def test_coverage_counts_only_known_skills() -> None:
    coverage = rules.roadmap_coverage(TRACKS, {"la", "git", "gone-skill"})
    assert (coverage.checked, coverage.total) == (2, 5)
    assert coverage.fraction == pytest.approx(0.4)
    assert [(t.track_id, t.checked, t.total) for t in coverage.tracks] == [
        ("math", 1, 3),
        ("toolkit", 1, 2),
    ]
    assert rules.roadmap_coverage([], set()).fraction == 0.0


def test_next_skill_prefers_focus_tracks_in_learning_order() -> None:
    assert rules.next_skill(TRACKS, set()) == "la"
    assert rules.next_skill(TRACKS, {"la"}) == "calc"
    assert rules.next_skill(TRACKS, set(), focus=["toolkit"]) == "py"
    assert rules.next_skill(TRACKS, {"py", "git"}, focus=["toolkit"]) == "la"
    assert rules.next_skill(TRACKS, {"la", "calc", "prob", "py", "git"}) is None


# --- readiness ----------------------------------------------------------------------------

CATEGORIES = ("coding", "ml_system_design", "project_deep_dive", "math", "ml_fundamentals")


def test_readiness_formula_parts() -> None:
    nothing = rules.readiness_score(
        coverage=0.0,
        shipped_domains=0,
        interview_strengths={},
        interview_categories=CATEGORIES,
        community_days=0,
    )
    assert nothing.score == 0
    full = rules.readiness_score(
        coverage=1.0,
        shipped_domains=3,
        interview_strengths=dict.fromkeys(CATEGORIES, 1.0),
        interview_categories=CATEGORIES,
        community_days=8,
    )
    assert full.score == 100
    half = rules.readiness_score(
        coverage=0.5,  # 17.5
        shipped_domains=1,  # 8.33
        interview_strengths={"coding": 1.0},  # 1/5 of 25 = 5
        interview_categories=CATEGORIES,
        community_days=4,  # 7.5
    )
    assert half.parts["roadmap"] == pytest.approx(17.5)
    assert half.parts["portfolio"] == pytest.approx(25 / 3)
    assert half.parts["interview"] == pytest.approx(5.0)
    assert half.parts["community"] == pytest.approx(7.5)
    assert half.score == 38


@given(
    coverage=st.one_of(st.floats(min_value=-2, max_value=3), st.just(float("nan"))),
    domains=st.integers(min_value=0, max_value=20),
    strengths=st.dictionaries(
        st.sampled_from(CATEGORIES), st.floats(min_value=-1, max_value=2), max_size=5
    ),
    days=st.integers(min_value=0, max_value=40),
)
def test_readiness_is_always_0_to_100(
    coverage: float, domains: int, strengths: dict[str, float], days: int
) -> None:
    result = rules.readiness_score(
        coverage=coverage,
        shipped_domains=domains,
        interview_strengths=strengths,
        interview_categories=CATEGORIES,
        community_days=days,
    )
    assert 0 <= result.score <= 100
    for name, points in result.parts.items():
        assert 0 <= points <= rules.READINESS_WEIGHTS[name]


@given(st.integers(min_value=0, max_value=10), st.integers(min_value=0, max_value=10))
def test_readiness_grows_with_shipped_domains(a: int, b: int) -> None:
    def score(domains: int) -> int:
        return rules.readiness_score(
            coverage=0.3,
            shipped_domains=domains,
            interview_strengths={},
            interview_categories=CATEGORIES,
            community_days=2,
        ).score

    if a <= b:
        assert score(a) <= score(b)


# --- goals --------------------------------------------------------------------------------


def test_goal_progress() -> None:
    week = rules.WeekMinutes(MONDAY, {"course": 120, "community": 30})
    progress = rules.goal_progress(300, week)
    assert progress.done_minutes == 150 and progress.fraction == 0.5 and not progress.met
    assert rules.goal_progress(150, week).met
    assert rules.goal_progress(None, week).fraction is None
    assert rules.goal_progress(None, None).done_minutes == 0
    assert rules.progress_bar(0.5, 4) == "██░░"
    assert rules.progress_bar(3.0, 4) == "████"
    assert rules.progress_bar(None) == ""


# --- streaks on boards --------------------------------------------------------------------


def test_live_streak_spends_freezes_like_the_streak_rule() -> None:
    today = date(2026, 3, 10)
    assert rules.live_streak(5, today, 0, today) == 5
    assert rules.live_streak(5, today - timedelta(days=1), 0, today) == 5  # today still open
    assert rules.live_streak(5, today - timedelta(days=2), 0, today) == 0  # missed one
    assert rules.live_streak(5, today - timedelta(days=2), 1, today) == 5  # a freeze covers
    assert rules.live_streak(5, today - timedelta(days=4), 2, today) == 0
    assert rules.live_streak(0, today, 0, today) == 0
    assert rules.live_streak(3, None, 0, today) == 0


# --- ranking ------------------------------------------------------------------------------


def test_rank_board_shares_ranks_on_ties_and_finds_the_caller() -> None:
    board = rules.rank_board({1: 50, 2: 80, 3: 50, 4: 10, 5: 0}, me=4, size=3)
    assert [(r.rank, r.user_id, r.value) for r in board.top] == [(1, 2, 80), (2, 1, 50), (2, 3, 50)]
    assert board.me is not None and board.me.rank == 4
    assert board.total == 4  # zero is not ranked
    assert rules.rank_board({1: 5}, me=9).me is None


@given(st.dictionaries(st.integers(1, 50), st.integers(0, 20), max_size=30), st.integers(1, 50))
def test_rank_board_properties(values: dict[int, int], me: int) -> None:
    board = rules.rank_board(values, me=me, size=10)
    everyone = rules.rank_board(values, size=1000).top
    assert len(board.top) == min(10, len(everyone))
    for r in everyone:
        # rank = 1 + how many members have strictly more
        assert r.rank == 1 + sum(1 for v in values.values() if v > r.value)
    assert [r.value for r in everyone] == sorted((r.value for r in everyone), reverse=True)
    if values.get(me, 0) > 0:
        assert board.me is not None and board.me.value == values[me]
    else:
        assert board.me is None


def test_period_start() -> None:
    today = date(2026, 3, 10)
    assert rules.period_start("week", today) == date(2026, 3, 4)
    assert rules.period_start("month", today) == date(2026, 2, 9)
    assert rules.period_start("all", today) is None
    with pytest.raises(UserFacingError):
        rules.period_start("year", today)


# --- digest -------------------------------------------------------------------------------


def test_suggest_focus_order() -> None:
    assert rules.suggest_focus(
        theory=400, practice=100, interview_strengths={"math": 0.1}, next_skill_id="la"
    ) == rules.Focus("practice")
    assert rules.suggest_focus(
        theory=200, practice=0, interview_strengths={}, next_skill_id=None
    ) == rules.Focus("practice")
    assert rules.suggest_focus(
        theory=60, practice=0, interview_strengths={}, next_skill_id="la"
    ) == rules.Focus("roadmap", "la")
    assert rules.suggest_focus(
        theory=100,
        practice=100,
        interview_strengths={"math": 0.4, "coding": 0.2, "ml_fundamentals": 0.9},
        next_skill_id="la",
    ) == rules.Focus("interview", "coding")
    missed = rules.GoalProgress(300, 100)
    assert rules.suggest_focus(
        theory=50, practice=50, interview_strengths={}, next_skill_id=None, goal=missed
    ) == rules.Focus("goal")
    assert rules.suggest_focus(
        theory=50, practice=50, interview_strengths={}, next_skill_id=None
    ) == rules.Focus("keep_going")


def test_build_digest() -> None:
    week = rules.WeekMinutes(MONDAY, {"course": 90, "coding": 30})
    digest = rules.build_digest(
        last_week=week,
        goal_minutes=120,
        streak=4,
        interview_sessions=2,
        reviews_due=3,
        project_updates=1,
        interview_strengths={},
        next_skill_id="la",
    )
    assert digest.minutes == 120 and digest.goal.met
    assert digest.ratio_text == "3.0 : 1"
    assert digest.focus == rules.Focus("roadmap", "la")
    assert digest.week_start == MONDAY


# --- the chart -----------------------------------------------------------------------------


def test_weekly_chart_is_a_png_with_and_without_data() -> None:
    from bot.progress.charts import weekly_chart_png

    weeks = rules.minutes_by_week(
        [(MONDAY, "course", 300), (MONDAY, "coding", 60), (MONDAY - timedelta(days=7), "math", 30)],
        MONDAY,
        8,
    )
    for data in (weeks, rules.minutes_by_week([], MONDAY, 8)):
        png = weekly_chart_png(data)
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000


# --- skills, tracks and topics (autocomplete and lookups) ----------------------------------

SKILLS = [("linear-algebra", "Linear algebra"), ("calculus", "Calculus"), ("algo", "Algorithms")]


def test_find_skill_by_id_or_name_in_any_case() -> None:
    assert rules.find_skill(SKILLS, "calculus") == "calculus"
    assert rules.find_skill(SKILLS, "  Linear Algebra ") == "linear-algebra"
    assert rules.find_skill(SKILLS, "ALGO") == "algo"
    assert rules.find_skill(SKILLS, "basket weaving") is None


def test_match_skills_puts_prefix_matches_first_in_catalog_order() -> None:
    assert rules.match_skills(SKILLS, "al") == [
        ("Algorithms", "algo"),
        ("Linear algebra", "linear-algebra"),
        ("Calculus", "calculus"),
    ]
    assert rules.match_skills(SKILLS, "") == [(name, sid) for sid, name in SKILLS]
    assert rules.match_skills(SKILLS, "", limit=1) == [("Linear algebra", "linear-algebra")]
    assert rules.match_skills(SKILLS, "zzz") == []


def test_match_and_find_tracks() -> None:
    tracks = [("math", "Math foundations"), ("toolkit", "Engineering toolkit")]
    assert rules.match_tracks(tracks, "MATH") == [("Math foundations", "math")]
    assert rules.match_tracks(tracks, "") == [(name, tid) for tid, name in tracks]
    assert rules.find_track(tracks, "toolkit") == "toolkit"
    assert rules.find_track(tracks, "math foundations") == "math"
    assert rules.find_track(tracks, "Math foundations") == "math"
    assert rules.find_track(tracks, "cooking") is None


def test_free_topic_collapses_whitespace_and_bounds_length() -> None:
    assert rules.free_topic("  Attention   paper ") == "Attention paper"
    assert rules.free_topic("x" * rules.MAX_TOPIC_CHARS) == "x" * rules.MAX_TOPIC_CHARS
    with pytest.raises(UserFacingError, match="under 64 characters"):
        rules.free_topic("x" * (rules.MAX_TOPIC_CHARS + 1))


def test_goal_choice_and_board_names() -> None:
    assert rules.goal_choice(["5"]) == 5
    for bad in ([], ["five"]):
        with pytest.raises(UserFacingError, match="Pick a weekly goal"):
            rules.goal_choice(bad)
    with pytest.raises(UserFacingError, match="between 1 and 80"):
        rules.goal_choice(["200"])
    assert [rules.validate_board(b) for b in rules.BOARDS] == list(rules.BOARDS)
    with pytest.raises(UserFacingError, match="Board must be"):
        rules.validate_board("karma")


def test_welcome_changes() -> None:
    # Picking a channel turns the greeting on unless told otherwise.
    assert rules.welcome_changes(None, channel_id=5, enabled=None) == {
        "channel_id": 5,
        "enabled": True,
    }
    assert rules.welcome_changes(None, channel_id=5, enabled=False) == {
        "channel_id": 5,
        "enabled": False,
    }
    assert rules.welcome_changes(5, channel_id=None, enabled=True) == {"enabled": True}
    assert rules.welcome_changes(None, channel_id=None, enabled=False) == {"enabled": False}
    assert rules.welcome_changes(None, channel_id=None, enabled=None) == {}
    with pytest.raises(UserFacingError, match="Pick a channel"):
        rules.welcome_changes(None, channel_id=None, enabled=True)


def test_a_stored_streak_row_is_read_as_live_streak_reads_it() -> None:
    from bot.progress.rules import cached_live_streak, live_streak

    today = date(2026, 3, 10)
    assert cached_live_streak(5, 0, "2026-03-09", today) == live_streak(
        5, date(2026, 3, 9), 0, today
    )
    assert cached_live_streak(5, 0, None, today) == live_streak(5, None, 0, today)


def test_days_by_zone_gives_each_member_their_own_day() -> None:
    from bot.progress.streaks import days_by_zone

    today = days_by_zone(datetime(2026, 3, 10, 23, 30, tzinfo=UTC), "Europe/Berlin")
    assert today(None) == date(2026, 3, 11)  # the guild's zone: already the 11th
    assert today("America/New_York") == date(2026, 3, 10)
    assert today("not/a_zone") == date(2026, 3, 11)  # an unknown zone falls back to the guild's
