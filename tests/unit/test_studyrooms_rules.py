"""The study rooms' pure rules: sessions across moves, restarts and gaps; credit under the
minimum and the daily cap; focus phases and what a round credits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.errors import UserFacingError
from bot.studyrooms.rules import (
    RESUME_GAP,
    FocusPlan,
    OpenSession,
    Presence,
    RoomSettings,
    credit,
    first_phase,
    late_beyond_grace,
    next_phase,
    reconcile,
    round_credit,
    session_minutes,
    step,
    validate_plan,
    validate_settings,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ROOM_A, ROOM_B, AFK, OTHER = 1, 2, 3, 4
SETTINGS = RoomSettings(rooms=frozenset({ROOM_A, ROOM_B, AFK}))


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def counts(channel: int | None) -> bool:
    return SETTINGS.counts(channel, AFK)


def test_the_afk_channel_never_counts_even_when_marked() -> None:
    assert counts(ROOM_A) and not counts(AFK) and not counts(OTHER) and not counts(None)


def test_a_move_between_rooms_continues_the_session_and_keeps_its_flags() -> None:
    joined = step(None, Presence(ROOM_A, camera=True), counts=True, now=at(0))
    assert joined.opened is not None and joined.ended is None
    moved = step(joined.current, Presence(ROOM_B), counts=True, now=at(10), live_until=at(10))
    assert moved.opened is None and moved.ended is None and not moved.changed
    assert moved.current is not None and moved.current.camera
    assert moved.current.started_at == at(0) and moved.current.channel_id == ROOM_A
    left = step(moved.current, Presence(None), counts=False, now=at(30), live_until=at(30))
    assert left.ended is not None and left.ended.ended_at == at(30)
    assert left.ended.reason == "left" and left.current is None


def test_turning_the_camera_on_is_stored_once() -> None:
    joined = step(None, Presence(ROOM_A), counts=True, now=at(0))
    camera = step(joined.current, Presence(ROOM_A, camera=True), counts=True, now=at(1))
    assert camera.changed and camera.current is not None and camera.current.camera
    off = step(camera.current, Presence(ROOM_A), counts=True, now=at(2))
    assert not off.changed and off.current is not None and off.current.camera


def restored(last_seen: float) -> OpenSession:
    return OpenSession(ROOM_A, at(0), at(last_seen), verified=False)


def test_a_restored_session_continues_when_the_member_is_still_there_soon_after() -> None:
    result = reconcile(restored(20), Presence(ROOM_A), counts=True, now=at(25))
    assert result.ended is None and result.opened is None and result.changed
    assert result.current is not None and result.current.started_at == at(0)


def test_a_restored_session_ends_at_the_last_known_instant_when_the_member_is_gone() -> None:
    result = reconcile(restored(20), Presence(None), counts=False, now=at(90))
    assert result.ended is not None and result.ended.ended_at == at(20)
    assert result.ended.reason == "gone" and result.current is None


def test_after_a_long_gap_the_old_session_ends_and_a_new_one_begins() -> None:
    gap = 20 + RESUME_GAP.total_seconds() / 60 + 1
    result = reconcile(restored(20), Presence(ROOM_A), counts=True, now=at(gap))
    assert result.ended is not None and result.ended.ended_at == at(20)
    assert result.ended.reason == "lost"
    assert result.opened is not None and result.opened.started_at == at(gap)


def test_a_live_session_is_seen_until_the_last_checkpoint() -> None:
    live = OpenSession(ROOM_A, at(0), at(0))
    result = reconcile(live, Presence(None), counts=False, now=at(60), live_until=at(55))
    assert result.ended is not None and result.ended.ended_at == at(55)


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=600),
            st.sampled_from([ROOM_A, ROOM_B, AFK, OTHER, None]),
        ),
        max_size=40,
    )
)
def test_every_minute_in_a_counting_room_is_in_exactly_one_session(
    timeline: list[tuple[int, int | None]],
) -> None:
    current: OpenSession | None = None
    now = T0
    channel: int | None = None
    expected = timedelta()
    sessions: list[tuple[datetime, datetime]] = []
    for seconds, next_channel in timeline:
        later = now + timedelta(seconds=seconds)
        if counts(channel):
            expected += later - now
        now, channel = later, next_channel
        result = step(current, Presence(channel), counts=counts(channel), now=now, live_until=now)
        if result.ended is not None:
            sessions.append((result.ended.session.started_at, result.ended.ended_at))
        current = result.current
    if current is not None:
        sessions.append((current.started_at, now))
    assert sum((end - start for start, end in sessions), timedelta()) == expected
    for (_, end), (start, _) in pairwise(sessions):
        assert end <= start  # never two sessions at once


def test_credit_minimum_and_daily_cap() -> None:
    assert credit(4, minimum=5, cap=720, already=0).outcome == "short"
    assert credit(30, minimum=5, cap=720, already=0).credited == 30
    capped = credit(30, minimum=5, cap=60, already=40)
    assert (capped.credited, capped.outcome) == (20, "capped")
    assert credit(30, minimum=5, cap=60, already=60).outcome == "cap reached"
    assert credit(25, minimum=5, cap=720, already=0).prompts
    assert not credit(24, minimum=5, cap=720, already=0).prompts
    assert not credit(30, minimum=5, cap=60, already=60).prompts


@given(
    st.lists(st.integers(min_value=0, max_value=600), max_size=20),
    st.integers(min_value=1, max_value=60),
    st.integers(min_value=60, max_value=1440),
)
def test_a_day_never_gets_more_than_the_cap(sessions: list[int], minimum: int, cap: int) -> None:
    total = 0
    for minutes in sessions:
        earned = credit(minutes, minimum=minimum, cap=cap, already=total)
        assert 0 <= earned.credited <= minutes
        total += earned.credited
    assert total <= cap


def test_session_minutes_count_whole_minutes() -> None:
    assert session_minutes(at(0), at(29.9)) == 29
    assert session_minutes(at(5), at(0)) == 0


def test_settings_and_plans_are_refused_out_of_range() -> None:
    validate_settings(5, 12)
    for minimum, cap in ((0, None), (61, None), (None, 0), (None, 25)):
        with pytest.raises(UserFacingError):
            validate_settings(minimum, cap)
    assert validate_plan(50, 10, 3).total_minutes == 170
    for plan in ((4, 10, 3), (50, 31, 3), (50, 10, 9), (121, 0, 1)):
        with pytest.raises(UserFacingError):
            validate_plan(*plan)


def test_phases_alternate_focus_and_break_and_end_after_the_last_round() -> None:
    plan = FocusPlan(25, 5, 2)
    phase = first_phase(plan, at(0))
    seen = [(phase.round, phase.name, phase.ends_at)]
    while phase.name != "ended":
        phase = next_phase(plan, phase)
        seen.append((phase.round, phase.name, phase.ends_at))
    assert seen == [
        (1, "focus", at(25)),
        (1, "break", at(30)),
        (2, "focus", at(55)),
        (2, "ended", at(55)),
    ]
    no_breaks = next_phase(FocusPlan(25, 0, 2), first_phase(FocusPlan(25, 0, 2), at(0)))
    assert (no_breaks.round, no_breaks.name) == (2, "focus")


def test_a_round_credits_from_joining_minus_room_time() -> None:
    assert round_credit(at(0), at(25), at(0), [], minimum=5) == 25
    assert round_credit(at(0), at(25), at(10), [], minimum=5) == 15
    assert round_credit(at(0), at(25), at(22), [], minimum=5) == 0  # under the minimum
    room = [(at(-10), at(10)), (at(5), at(15))]  # overlapping stretches are merged
    assert round_credit(at(0), at(25), at(0), room, minimum=5) == 10
    assert round_credit(at(0), at(25), at(0), [(at(-5), at(40))], minimum=1) == 0


def test_a_phase_change_missed_for_long_ends_the_session() -> None:
    assert not late_beyond_grace(at(0), at(15))
    assert late_beyond_grace(at(0), at(16))
