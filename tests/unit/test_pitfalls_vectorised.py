"""The sweep's rules as arrays (`evaluate_whole_chunk`: `most_stuck_arrays` and
`evaluate_arrays`) decide exactly what the member-by-member rules decide: the same findings,
in the same order, with the same evidence text, for random chunks whose numbers sit on and
around every threshold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.store.ranges import MemberRange
from bot.pitfalls.assess import evaluate_whole_chunk
from bot.pitfalls.rules import evaluate_members
from bot.pitfalls.store import SweepChunk
from bot.pitfalls.store.sweep import totals_columns
from bot.pitfalls.thresholds import PitfallThresholds
from bot.projects.api import most_stuck_arrays, most_stuck_of, projects_by_member

NOW = datetime(2026, 3, 16, 10, 0, 0, 250_000, tzinfo=UTC)
USERS = st.integers(1, 40)

#: Days around every default and generated threshold, and microseconds around a day's edge.
ago = st.builds(
    lambda days, micros: NOW - timedelta(days=days, microseconds=micros),
    st.sampled_from([0, 1, 13, 14, 15, 20, 21, 22]) | st.integers(-2, 40),
    st.sampled_from([-1, 0, 1, 250_000, 86_399_999_999]),
)


@st.composite
def instants(draw: st.DrawFn, optional: bool = True) -> object:
    """An instant as a driver may hand it back: `instant_key` text, a naive or aware
    datetime, text with an offset; or None."""
    if optional and draw(st.booleans()):
        return None
    at = draw(ago).astimezone(UTC)
    form = draw(st.sampled_from(["text", "naive", "aware", "offset"]))
    if form == "text":
        return at.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if form == "naive":
        return at.replace(tzinfo=None)
    if form == "aware":
        return at.astimezone(UTC)
    return at.isoformat()


project_rows = st.lists(
    st.tuples(
        st.integers(1, 8) | USERS,  # several projects for some members
        st.text(max_size=8),
        instants(optional=False),
        instants(),
        instants(),
        instants(),
        st.integers(0, 4),
    ),
    max_size=30,
)

small = st.integers(0, 6)
minutes = st.sampled_from([0, 1, 59, 60, 119, 239, 240, 241, 299, 300, 301, 720, 1000, 2001])


@st.composite
def chunks(draw: st.DrawFn) -> SweepChunk:
    users = draw(st.lists(USERS, unique=True, max_size=30))
    totals = [
        (
            user,
            draw(minutes),
            draw(minutes),
            draw(st.integers(0, 2)),
            draw(st.integers(0, 20)),
            draw(st.integers(0, 2)),
            draw(minutes),
            draw(minutes),
        )
        for user in users
    ]
    community = draw(st.dictionaries(USERS, small, max_size=10))
    history = draw(st.dictionaries(USERS, st.integers(-1, 40), max_size=10))
    projects = draw(project_rows)
    shipped = draw(st.frozensets(USERS, max_size=10))
    departed = draw(st.frozensets(USERS, max_size=6))
    return SweepChunk(
        MemberRange(),
        totals_columns(totals),
        community,
        history,
        projects,
        shipped,
        departed,
        NOW,
    )


thresholds = st.builds(
    PitfallThresholds,
    tutorial_days=st.integers(1, 30),
    tutorial_course_minutes=st.sampled_from([1, 240, 300, 301, 2000]),
    perfection_age_days=st.integers(1, 30),
    perfection_quiet_days=st.integers(1, 30),
    perfection_target_moves=st.integers(1, 4),
    isolation_days=st.integers(1, 30),
    isolation_study_days=st.integers(1, 14),
    gap_days=st.integers(1, 30),
    gap_theory_minutes=st.sampled_from([1, 240, 241, 2000]),
    gap_ratio=st.sampled_from([1.0, 2.5, 3.0, 4.0]) | st.floats(1.0, 10.0),
)


@settings(deadline=None, max_examples=300)
@given(chunk=chunks(), t=st.just(PitfallThresholds()) | thresholds)
def test_arrays_find_what_the_member_by_member_rules_find(
    chunk: SweepChunk, t: PitfallThresholds
) -> None:
    assert evaluate_whole_chunk(chunk, t) == evaluate_members(chunk.members(), t)


@settings(deadline=None, max_examples=300)
@given(rows=project_rows, shipped=st.frozensets(USERS, max_size=10))
def test_most_stuck_arrays_is_most_stuck_of_each_member(
    rows: list[tuple[object, ...]], shipped: frozenset[int]
) -> None:
    stuck = most_stuck_arrays(rows, shipped, NOW)
    by_member = projects_by_member(rows)
    assert stuck.user_ids.tolist() == sorted(by_member)
    for i, user_id in enumerate(stuck.user_ids.tolist()):
        facts = most_stuck_of(by_member[user_id], user_id in shipped, NOW)
        assert facts is not None
        assert (
            stuck.titles[i],
            stuck.project_age_days[i],
            stuck.days_since_progress[i],
            bool(stuck.shipped_anything[i]),
            bool(stuck.stale[i]),
            stuck.target_moves[i],
        ) == (
            facts.project_title,
            facts.project_age_days,
            facts.days_since_progress,
            facts.shipped_anything,
            facts.stale,
            facts.target_moves,
        )


def test_an_empty_chunk_finds_nothing() -> None:
    chunk = SweepChunk(MemberRange(), totals_columns([]), {}, {}, [], frozenset(), frozenset(), NOW)
    assert evaluate_whole_chunk(chunk, PitfallThresholds()) == (0, [])
