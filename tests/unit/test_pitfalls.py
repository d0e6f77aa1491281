"""The four pitfall rules at their boundaries, and the nudge policy (unit + hypothesis)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.catalog.constants import NUDGE_PLACEHOLDERS
from bot.pitfalls.rules import (
    PITFALLS,
    MemberSignals,
    NudgePolicy,
    PitfallConfig,
    PitfallFlag,
    SentNudge,
    choose_nudge,
    community_since,
    evaluate,
    evaluate_members,
    finding_detection,
    finding_evidence,
    format_ratio,
    history_span,
    in_pitfall_order,
    isolation,
    mute_until,
    next_nudge_id,
    nudge_key,
    nudge_seed,
    perfectionism,
    plan_nudges,
    theory_practice_gap,
    tutorial_hell,
    welcome_back,
    within_history,
)
from bot.pitfalls.thresholds import PitfallThresholds, threshold_changes, validate_thresholds

T = PitfallThresholds()
NOW = datetime(2026, 3, 16, 10, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Facts:
    project_title: str = "Plant doctor"
    project_age_days: int = 30
    days_since_progress: int = 0
    shipped_anything: bool = False
    stale: bool = False
    target_moves: int = 0


def perfection(**changes: object) -> bool:
    facts = Facts(**changes)  # type: ignore[arg-type]
    return perfectionism(facts, T).fires


# --- defaults are the documented ones ----------------------------------------------------


def test_defaults_are_the_issue_numbers() -> None:
    assert (T.tutorial_days, T.tutorial_course_minutes) == (14, 300)
    assert (T.perfection_age_days, T.perfection_quiet_days, T.perfection_target_moves) == (
        21,
        14,
        2,
    )
    assert (T.isolation_days, T.isolation_study_days) == (14, 5)
    assert (T.gap_days, T.gap_theory_minutes, T.gap_ratio) == (21, 240, 3.0)
    assert validate_thresholds(T) == []


# --- tutorial hell -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("course", "project_events", "fires"),
    [(299, 0, False), (300, 0, True), (301, 0, True), (300, 1, False), (5000, 1, False)],
)
def test_tutorial_hell_boundary(course: int, project_events: int, fires: bool) -> None:
    assert tutorial_hell(course, 0, project_events, T).fires is fires


def test_tutorial_hell_counts_project_rows_of_zero_minutes() -> None:
    # A milestone ticked (0 minutes) is project activity: not tutorial hell.
    assert not tutorial_hell(600, 0, 1, T).fires


def test_tutorial_hell_evidence_fills_the_nudge() -> None:
    evidence = tutorial_hell(360, 0, 0, T).evidence
    assert evidence == {
        "days": 14,
        "course_minutes": 360,
        "course_hours": 6.0,
        "project_minutes": 0,
    }


# --- perfectionism -------------------------------------------------------------------------


def test_perfectionism_age_and_quiet_boundaries() -> None:
    assert perfection(project_age_days=21, days_since_progress=14)
    assert not perfection(project_age_days=20, days_since_progress=14)
    assert not perfection(project_age_days=21, days_since_progress=13)
    assert not perfection(project_age_days=40, days_since_progress=20, shipped_anything=True)


def test_perfectionism_stale_or_moved_target_fire_alone() -> None:
    assert perfection(project_age_days=3, stale=True)
    assert perfection(project_age_days=3, target_moves=2)
    assert not perfection(project_age_days=3, target_moves=1)
    assert perfection(project_age_days=3, target_moves=2, shipped_anything=True)


def test_perfectionism_evidence_has_the_placeholders() -> None:
    result = perfectionism(Facts(project_title="X", project_age_days=30, days_since_progress=15), T)
    assert set(result.evidence) == NUDGE_PLACEHOLDERS["perfectionism"]


# --- isolation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "community", "fires"),
    [(4, 0, False), (5, 0, True), (14, 0, True), (5, 1, False), (14, 3, False)],
)
def test_isolation_boundary(days: int, community: int, fires: bool) -> None:
    assert isolation(days, community, T).fires is fires


# --- theory-practice gap -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("theory", "practice", "fires"),
    [
        (239, 0, False),
        (240, 0, True),
        (240, 80, False),  # exactly 3:1 is not "above"
        (241, 80, True),
        (300, 100, False),
        (301, 100, True),
        (1000, 400, False),
    ],
)
def test_gap_boundary(theory: int, practice: int, fires: bool) -> None:
    assert theory_practice_gap(theory, practice, T).fires is fires


def test_ratio_text() -> None:
    assert format_ratio(450, 100) == "4.5:1"
    assert format_ratio(300, 0) == "all theory"


# --- every rule's evidence uses exactly its nudge placeholders -------------------------


def test_evidence_keys_are_the_nudge_placeholders() -> None:
    assert set(tutorial_hell(1, 0, 0, T).evidence) == NUDGE_PLACEHOLDERS["tutorial_hell"]
    assert set(isolation(1, 0, T).evidence) == NUDGE_PLACEHOLDERS["isolation"]
    assert set(theory_practice_gap(1, 1, T).evidence) == NUDGE_PLACEHOLDERS["theory_practice_gap"]


# --- a member's history must cover a rule's window -------------------------------------


def test_history_span_is_the_window_or_the_days_known() -> None:
    assert history_span(14, None) == 14  # known longer than every window
    assert history_span(14, 30) == 14
    assert history_span(14, 14) == 14
    assert history_span(14, 2) == 2
    assert history_span(14, -1) == 0


def test_a_rule_fires_only_once_the_history_covers_its_window() -> None:
    fired = tutorial_hell(340, 0, 0, T)
    two_days = within_history(fired, T.tutorial_days, 2)
    assert not two_days.fires and two_days.evidence["days"] == 2
    assert two_days.evidence["course_minutes"] == 340  # the numbers are kept as they are
    thirteen = within_history(fired, T.tutorial_days, 13)
    assert not thirteen.fires
    covered = within_history(fired, T.tutorial_days, 14)
    assert covered.fires and covered.evidence == fired.evidence
    quiet = within_history(tutorial_hell(10, 0, 0, T), T.tutorial_days, 30)
    assert not quiet.fires  # never makes a rule fire


def test_evaluate_waits_for_each_window_separately() -> None:
    courses_alone = MemberSignals(course_minutes=400, study_days=6, theory_minutes=400)
    assert evaluate(replace(courses_alone, history_days=2), None, T) == []
    # 14 days known: tutorial hell (14) and isolation (14) may speak, the gap (21) waits.
    found = evaluate(replace(courses_alone, history_days=14), None, T)
    assert [d.pitfall for d in found] == ["tutorial_hell", "isolation"]
    assert all(d.evidence["days"] == 14 for d in found)
    found = evaluate(replace(courses_alone, history_days=21), None, T)
    assert [d.pitfall for d in found] == ["tutorial_hell", "theory_practice_gap", "isolation"]
    assert {d.pitfall: d.evidence["days"] for d in found}["theory_practice_gap"] == 21


def test_perfectionism_quotes_the_quiet_span_it_saw() -> None:
    moved = perfectionism(Facts(project_age_days=5, days_since_progress=3, target_moves=2), T)
    assert moved.fires and moved.evidence["days"] == 3
    quiet = perfectionism(Facts(project_age_days=40, days_since_progress=20), T)
    assert quiet.fires and quiet.evidence["days"] == T.perfection_quiet_days


@given(
    signals=st.builds(
        MemberSignals,
        course_minutes=st.integers(0, 2000),
        project_events=st.integers(0, 2),
        study_days=st.integers(0, 14),
        community_events=st.integers(0, 2),
        theory_minutes=st.integers(0, 2000),
        practice_minutes=st.integers(0, 500),
    ),
    known=st.integers(0, 40),
)
def test_history_only_ever_silences_and_the_span_never_exceeds_it(
    signals: MemberSignals, known: int
) -> None:
    veteran = {d.pitfall for d in evaluate(signals, None, T)}
    found = evaluate(replace(signals, history_days=known), None, T)
    assert {d.pitfall for d in found} <= veteran
    for detection in found:
        assert detection.evidence["days"] <= known


# --- configurable thresholds -------------------------------------------------------------


def test_overrides_apply_and_bad_values_are_ignored() -> None:
    t = T.with_overrides({"tutorial_course_minutes": 120, "gap_ratio": 2, "nope": 3})
    assert t.tutorial_course_minutes == 120 and t.gap_ratio == 2.0
    assert T.with_overrides({"tutorial_days": 0}).tutorial_days == 14
    assert T.with_overrides({"tutorial_days": True}).tutorial_days == 14
    assert tutorial_hell(120, 0, 0, t).fires and not tutorial_hell(120, 0, 0, T).fires


def test_validate_flags_impossible_windows() -> None:
    bad = T.with_overrides({"isolation_study_days": 20})
    assert any("cannot exceed" in p for p in validate_thresholds(bad))


# --- hypothesis: rules are monotone and match their definitions -------------------------

minutes = st.integers(min_value=0, max_value=20_000)
thresholds = st.builds(
    PitfallThresholds,
    tutorial_course_minutes=st.integers(1, 2000),
    gap_theory_minutes=st.integers(1, 2000),
    gap_ratio=st.floats(1.0, 10.0),
    isolation_study_days=st.integers(1, 14),
)


@given(course=minutes, more=minutes, t=thresholds)
def test_more_courses_never_stop_tutorial_hell(
    course: int, more: int, t: PitfallThresholds
) -> None:
    if tutorial_hell(course, 0, 0, t).fires:
        assert tutorial_hell(course + more, 0, 0, t).fires
    assert not tutorial_hell(course + more, 5, 1, t).fires


@given(theory=minutes, practice=minutes, extra=minutes, t=thresholds)
def test_gap_matches_definition_and_practice_only_helps(
    theory: int, practice: int, extra: int, t: PitfallThresholds
) -> None:
    fires = theory_practice_gap(theory, practice, t).fires
    assert fires == (theory >= t.gap_theory_minutes and theory > t.gap_ratio * practice)
    if not fires:
        assert not theory_practice_gap(theory, practice + extra, t).fires


@given(days=st.integers(0, 14), community=st.integers(0, 50), t=thresholds)
def test_isolation_matches_definition(days: int, community: int, t: PitfallThresholds) -> None:
    assert isolation(days, community, t).fires == (
        days >= t.isolation_study_days and community == 0
    )


@given(
    signals=st.builds(
        MemberSignals,
        course_minutes=minutes,
        project_minutes=minutes,
        project_events=st.integers(0, 5),
        study_days=st.integers(0, 14),
        community_events=st.integers(0, 5),
        theory_minutes=minutes,
        practice_minutes=minutes,
    )
)
def test_evaluate_returns_only_fired_rules_in_order(signals: MemberSignals) -> None:
    found = evaluate(signals, None, T)
    assert all(d.fires for d in found)
    names = [d.pitfall for d in found]
    assert names == sorted(names, key=PITFALLS.index)
    assert "perfectionism" not in names


# No deadline: a list of members per example is slow on a loaded machine, never wrong.
@settings(deadline=None)
@given(
    members=st.lists(
        st.builds(
            MemberSignals,
            course_minutes=minutes,
            project_events=st.integers(0, 2),
            study_days=st.integers(0, 14),
            theory_minutes=minutes,
            practice_minutes=minutes,
            history_days=st.none() | st.integers(0, 30),
        ),
        max_size=20,
    )
)
def test_evaluate_members_is_evaluate_for_each_as_findings(members: list[MemberSignals]) -> None:
    """A chunk's findings: every member's `evaluate`, in the given order, each detection as
    (member, pitfall, evidence JSON) that turns back into the same detection."""
    chunk = [(1000 + i, signals, None) for i, signals in enumerate(members)]
    evaluated, found = evaluate_members(chunk, T)
    expected = [(u, d) for u, signals, _ in chunk for d in evaluate(signals, None, T)]
    assert evaluated == len(members)
    assert [(f[0], finding_detection(f)) for f in found] == expected
    assert all(isinstance(f[2], str) for f in found)


@settings(deadline=None)
@given(
    members=st.lists(
        st.tuples(
            st.builds(
                MemberSignals,
                course_minutes=minutes,
                project_minutes=minutes,
                project_events=st.integers(0, 2),
                study_days=st.integers(0, 20),
                community_events=st.integers(0, 2),
                theory_minutes=minutes,
                practice_minutes=minutes,
                history_days=st.none() | st.integers(-1, 40),
            ),
            st.none()
            | st.builds(
                Facts,
                project_title=st.text(max_size=12),
                project_age_days=st.integers(0, 60),
                days_since_progress=st.integers(0, 60),
                shipped_anything=st.booleans(),
                stale=st.booleans(),
                target_moves=st.integers(0, 4),
            ),
        ),
        max_size=20,
    ),
    t=st.builds(
        PitfallThresholds,
        tutorial_days=st.integers(1, 30),
        tutorial_course_minutes=st.integers(1, 2000),
        isolation_days=st.integers(1, 30),
        isolation_study_days=st.integers(1, 14),
        gap_days=st.integers(1, 30),
        gap_theory_minutes=st.integers(1, 2000),
        gap_ratio=st.floats(1.0, 10.0),
    ),
)
def test_evaluate_members_matches_evaluate_with_projects_history_and_thresholds(
    members: list[tuple[MemberSignals, Facts | None]], t: PitfallThresholds
) -> None:
    """The batch evaluator's shortcuts (each rule's test first, evidence only for what fires)
    decide exactly as `evaluate` does, evidence text included, whatever the thresholds, the
    history (newcomers inside a window) and the project."""
    chunk = [(1000 + i, signals, project) for i, (signals, project) in enumerate(members)]
    evaluated, found = evaluate_members(chunk, t)
    expected = [
        (u, d.pitfall, json.dumps(d.evidence))
        for u, signals, project in chunk
        for d in evaluate(signals, project, t)
    ]
    assert (evaluated, found) == (len(members), expected)


# --- the nudge policy ---------------------------------------------------------------------


def sent(pitfall: str, days_ago: float, nudge_id: str = "n1") -> SentNudge:
    return SentNudge(pitfall, nudge_id, NOW - timedelta(days=days_ago))


def test_one_nudge_per_sweep_in_pitfall_order() -> None:
    assert plan_nudges(["isolation", "tutorial_hell"], [], {}, NOW) == ["tutorial_hell"]


def test_same_pitfall_at_most_once_per_7_days() -> None:
    assert plan_nudges(["tutorial_hell"], [sent("tutorial_hell", 6.9)], {}, NOW) == []
    assert plan_nudges(["tutorial_hell"], [sent("tutorial_hell", 7)], {}, NOW) == ["tutorial_hell"]


def test_at_most_two_per_rolling_week() -> None:
    history = [sent("isolation", 1), sent("perfectionism", 3)]
    assert plan_nudges(["tutorial_hell"], history, {}, NOW) == []
    history = [sent("isolation", 1), sent("perfectionism", 7)]
    assert plan_nudges(["tutorial_hell"], history, {}, NOW) == ["tutorial_hell"]


def test_a_muted_pitfall_is_skipped_until_the_mute_ends() -> None:
    muted = {"tutorial_hell": mute_until(NOW - timedelta(days=29))}
    assert plan_nudges(["tutorial_hell"], [], muted, NOW) == []
    muted = {"tutorial_hell": mute_until(NOW - timedelta(days=30))}
    assert plan_nudges(["tutorial_hell"], [], muted, NOW) == ["tutorial_hell"]


def test_least_recently_nudged_goes_first() -> None:
    history = [sent("tutorial_hell", 10)]
    chosen = plan_nudges(["tutorial_hell", "isolation"], history, {}, NOW)
    assert chosen == ["isolation"]


def test_choose_nudge_is_deterministic_and_never_repeats() -> None:
    ids = ["a", "b", "c"]
    assert choose_nudge(ids, None, 7) == choose_nudge(ids, None, 7)
    assert choose_nudge(ids, "b", 1) != "b"
    assert choose_nudge(["a"], "a", 5) == "a"  # the only text may repeat
    assert choose_nudge([], None, 5) is None
    assert nudge_seed(1, 2, "x") == nudge_seed(1, 2, "x") != nudge_seed(1, 2, "y")


@st.composite
def histories(draw: st.DrawFn) -> list[SentNudge]:
    entries = draw(
        st.lists(
            st.tuples(st.sampled_from(PITFALLS), st.floats(0, 30, allow_nan=False)), max_size=8
        )
    )
    return [sent(p, d) for p, d in entries]


@given(
    fired=st.lists(st.sampled_from(PITFALLS), unique=True),
    history=histories(),
    muted=st.dictionaries(st.sampled_from(PITFALLS), st.integers(-40, 40)),
    cap=st.integers(1, 3),
)
def test_policy_never_breaks_a_limit(
    fired: list[str], history: list[SentNudge], muted: dict[str, int], cap: int
) -> None:
    policy = NudgePolicy(per_sweep_cap=cap)
    mutes = {p: NOW + timedelta(days=d) for p, d in muted.items()}
    chosen = plan_nudges(fired, history, mutes, NOW, policy)
    week = [s for s in history if s.sent_at > NOW - timedelta(days=7)]
    assert len(chosen) <= cap
    assert len(week) + len(chosen) <= policy.weekly_cap or not chosen
    assert len(set(chosen)) == len(chosen) and set(chosen) <= set(fired)
    for pitfall in chosen:
        assert all(s.sent_at <= NOW - timedelta(days=7) for s in history if s.pitfall == pitfall)
        assert pitfall not in mutes or mutes[pitfall] <= NOW


@given(
    ids=st.lists(st.text("abcdef", min_size=1, max_size=3), min_size=1, unique=True),
    seed=st.integers(0, 2**63),
    data=st.data(),
)
def test_choice_is_from_the_catalog_and_not_a_repeat(
    ids: list[str], seed: int, data: st.DataObject
) -> None:
    last = data.draw(st.sampled_from([*ids, None]))
    chosen = choose_nudge(ids, last, seed)
    assert chosen in ids
    if len(ids) > 1:
        assert chosen != last


def test_welcome_back_after_14_days_away_and_first_in_line() -> None:
    assert not welcome_back(13, 4).fires
    back = welcome_back(14, 4)
    assert back.fires and set(back.evidence) == NUDGE_PLACEHOLDERS["welcome_back"]
    assert plan_nudges(["isolation", "welcome_back"], [], {}, NOW) == ["welcome_back"]


# --- configuration, keys and ordering (moved out of the service) ----------------------------


def test_threshold_changes_apply_and_drop_defaults() -> None:
    overrides, problems = threshold_changes(
        {"gap_days": 30}, {"tutorial_days": 10, "gap_ratio": 2.5, "isolation_days": None}
    )
    assert problems == []
    assert overrides == {"gap_days": 30, "tutorial_days": 10, "gap_ratio": 2.5}
    assert isinstance(overrides["tutorial_days"], int)
    assert isinstance(overrides["gap_ratio"], float)
    # Setting a threshold back to its default removes the override.
    assert threshold_changes({"gap_days": 30}, {"gap_days": 21}) == ({}, [])


def test_threshold_changes_report_every_problem() -> None:
    _, problems = threshold_changes({}, {"tutorial_days": 0, "gap_days": 2.5})
    assert problems == [
        "`tutorial_days` must be between 1 and 90 (got 0).",
        "`gap_days` must be a whole number (got 2.5).",
    ]
    _, problems = threshold_changes({"isolation_days": 3}, {"isolation_study_days": 4})
    assert problems and "cannot exceed" in problems[0]
    with pytest.raises(ValueError):
        threshold_changes({}, {"nonsense": 1})


def test_config_from_stored_ignores_unknown_and_non_numbers() -> None:
    config = PitfallConfig.from_stored(True, {"gap_days": 30, "nonsense": 3, "tutorial_days": "x"})
    assert config.overrides == {"gap_days": 30}
    assert config.thresholds.gap_days == 30
    assert config.describe() == "on, daily sweep at 10:00 server time, 1 threshold changed"
    assert (
        PitfallConfig.from_stored(False, {}).describe() == "off, daily sweep at 10:00 server time"
    )


def test_nudge_key_is_per_member_pitfall_and_iso_week() -> None:
    assert nudge_key(1, 2, "isolation", NOW) == "nudge:1:2:isolation:2026-W12"
    sunday = datetime(2026, 1, 4, 23, 0, tzinfo=UTC)  # ISO week 1 of 2026
    assert nudge_key(1, 2, "isolation", sunday) == "nudge:1:2:isolation:2026-W01"
    assert nudge_key(1, 2, "isolation", sunday + timedelta(days=1)).endswith("2026-W02")


def test_next_nudge_avoids_the_last_text_of_that_pitfall_only() -> None:
    past = [sent("isolation", 20, "iso-a"), sent("tutorial_hell", 5, "th-a")]
    for seed in range(10):
        assert next_nudge_id(["iso-a", "iso-b"], past, "isolation", seed) == "iso-b"
    assert next_nudge_id(["iso-a"], past, "isolation", 3) == "iso-a"
    assert next_nudge_id([], past, "isolation", 3) is None


def test_flags_come_in_pitfall_order() -> None:
    names = ["isolation", "unknown", "tutorial_hell", "perfectionism"]
    flags = [PitfallFlag(name, {}, NOW) for name in names]
    ordered = [f.pitfall for f in in_pitfall_order(flags)]
    assert ordered == ["tutorial_hell", "perfectionism", "isolation", "unknown"]


def test_community_window_starts_days_minus_one_before_today() -> None:
    assert community_since(NOW, 14) == date(2026, 3, 3)
    assert community_since(NOW, 1) == NOW.date()


@given(
    st.dictionaries(
        st.text(max_size=12),
        st.one_of(
            st.integers(),
            st.floats(allow_nan=True, allow_infinity=True),
            st.text(max_size=30),
        ),
        max_size=6,
    )
)
@settings(max_examples=200, deadline=None)
def test_finding_evidence_is_the_json_text_json_dumps_writes(evidence: dict[str, object]) -> None:
    """The evidence encoder made once (`_evidence_encoder`) writes exactly what `json.dumps`
    writes: keys in order, non-ASCII escaped, floats as Python prints them."""
    assert finding_evidence(evidence) == json.dumps(evidence)  # type: ignore[arg-type]
