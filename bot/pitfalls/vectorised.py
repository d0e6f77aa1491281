"""The four rules over a whole chunk of members at once, as numpy masks.

`evaluate_members` decides member by member: a `MemberSignals` per member, each rule's test,
evidence for what fires. Over 100k members that was ~0.6 s of the sweep's worker process,
the stage PostgreSQL's sweep waited on. `evaluate_arrays` takes the chunk as columns (the
single pass's rows, column by column), computes each rule's test for every member as one
boolean mask, and formats the evidence text only for the members a rule fires for, straight
into the JSON `finding_evidence` would make (its numbers are Python ints and floats, so the
text is the same). The findings are then merged into member order, each member's in
`PITFALLS` order: exactly `evaluate_members(chunk.members(), t)`, which the tests check on
random chunks (`tests/unit/test_pitfalls_vectorised.py`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from json.encoder import encode_basestring_ascii
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from bot.pitfalls.rules import PITFALLS, Finding, finding_evidence, format_ratio
from bot.pitfalls.thresholds import PitfallThresholds

if TYPE_CHECKING:
    from bot.projects.api import StuckProjects

Ints = npt.NDArray[np.int64]

#: A member's history_days when it is None (known longer than every window).
_KNOWN_LONG = np.iinfo(np.int64).max
_TUTORIAL, _GAP, _PERFECTIONISM, _ISOLATION = range(4)
assert PITFALLS == ("tutorial_hell", "theory_practice_gap", "perfectionism", "isolation")


def _ints(values: Collection[int]) -> Ints:
    return np.fromiter(values, np.int64, len(values))


def _lookup(ids: Ints, known: Mapping[int, int], default: int) -> Ints:
    """`known.get(id, default)` for each of the ascending `ids`."""
    out = np.full(len(ids), default, np.int64)
    if known and len(ids):
        keys = _ints(known.keys())
        values = _ints(known.values())
        at = np.searchsorted(ids, keys)
        hit = at < len(ids)
        hit[hit] = ids[at[hit]] == keys[hit]
        out[at[hit]] = values[hit]
    return out


def _days_prefix(days: object) -> str:
    """The evidence's first key as `finding_evidence` writes it, without the closing brace."""
    return finding_evidence({"days": days})[:-1]  # type: ignore[dict-item]


def parse_columns(texts: Sequence[str]) -> list[Ints]:
    """The single pass's columns as `read_chunk` reads them (comma-separated integers) as
    arrays, each in one call (anything but an integer raises ValueError)."""
    return [np.fromstring(text, np.int64, sep=",") for text in texts]


def evaluate_arrays(
    totals: Sequence[Ints],
    community: Mapping[int, int],
    history: Mapping[int, int],
    departed: Collection[int],
    stuck: StuckProjects,
    t: PitfallThresholds,
) -> tuple[int, list[Finding]]:
    """`evaluate_members` over a chunk: `totals` the single pass's eight columns (user id,
    course, project minutes, project rows, study days, community rows, theory, practice;
    one entry per member, any order), `community` and `history` by member, `departed`
    members left out, `stuck` every member's most stuck active project."""
    user_col, course_c, project_c, events_c, days_c, social_c, theory_c, practice_c = totals
    # The members: everyone with numbers or an active project, except the departed.
    ids = np.union1d(user_col, stuck.user_ids)
    if departed:
        ids = ids[~np.isin(ids, _ints(departed))]
    count = len(ids)
    # Each member's row of the single pass (members with a project only: all zeros, and
    # history and community as `MemberSignals()`'s).
    order = np.argsort(user_col, kind="stable")
    sorted_users = user_col[order]
    at = np.searchsorted(sorted_users, ids)
    has_row = at < len(sorted_users)
    has_row[has_row] = sorted_users[at[has_row]] == ids[has_row]
    source = order[at[has_row]]

    def column(values: Ints) -> Ints:
        out = np.zeros(count, np.int64)
        out[has_row] = values[source]
        return out

    course, project, events = column(course_c), column(project_c), column(events_c)
    study_days, theory, practice = column(days_c), column(theory_c), column(practice_c)
    # Either source of community activity is enough; the larger is the count.
    social = np.where(has_row, np.maximum(column(social_c), _lookup(ids, community, 0)), 0)
    known = np.where(has_row, _lookup(ids, history, _KNOWN_LONG), _KNOWN_LONG)

    tutorial = (course >= t.tutorial_course_minutes) & (events == 0) & (known >= t.tutorial_days)
    gap = (theory >= t.gap_theory_minutes) & (theory > t.gap_ratio * practice)
    gap &= known >= t.gap_days
    alone = (study_days >= t.isolation_study_days) & (social == 0)
    alone &= known >= t.isolation_days

    keys: list[Ints] = []
    texts: list[str] = []

    def fired(mask: npt.NDArray[np.bool_], rank: int, *columns: Ints) -> list[list[int]]:
        where = np.flatnonzero(mask)
        keys.append(where * 4 + rank)
        return [values[where].tolist() for values in columns]

    course_f, project_f = fired(tutorial, _TUTORIAL, course, project)
    texts += _minutes_texts(t.tutorial_days, "course", course_f, "project", project_f)
    theory_f, practice_f = fired(gap, _GAP, theory, practice)
    texts += _minutes_texts(t.gap_days, "theory", theory_f, "practice", practice_f, ratio=True)
    texts += _perfectionism(ids, stuck, t, keys)
    days = _days_prefix(t.isolation_days)
    study_f, social_f = fired(alone, _ISOLATION, study_days, social)
    texts += [
        f'{days}, "study_days": {s}, "community_events": {c}}}'
        for s, c in zip(study_f, social_f, strict=True)
    ]

    # Member order, each member's findings in `PITFALLS` order (a key is position * 4 + rank).
    merged = np.concatenate(keys)
    by_key = np.argsort(merged, kind="stable")
    ordered = merged[by_key]
    users = ids[ordered // 4].tolist()
    pitfalls = [PITFALLS[rank] for rank in (ordered % 4).tolist()]
    evidence = [texts[i] for i in by_key.tolist()]
    return count, list(zip(users, pitfalls, evidence, strict=True))


def _minutes_texts(
    days: object, name: str, minutes: list[int], other: str, others: list[int], ratio: bool = False
) -> list[str]:
    """A minutes rule's evidence for each member it fired for: `days`, `<name>_minutes`,
    `<name>_hours`, `<other>_minutes` (and the gap's `ratio`), as the rule orders them."""
    head = _days_prefix(days)
    texts = []
    for mine, theirs in zip(minutes, others, strict=True):
        text = (
            f'{head}, "{name}_minutes": {mine}, "{name}_hours": {round(mine / 60, 1)!r}, '
            f'"{other}_minutes": {theirs}'
        )
        if ratio:
            text += f', "ratio": {encode_basestring_ascii(format_ratio(mine, theirs))}'
        texts.append(text + "}")
    return texts


def _perfectionism(
    ids: Ints, stuck: StuckProjects, t: PitfallThresholds, keys: list[Ints]
) -> list[str]:
    """Perfectionism (`perfectionism_fires` on each member's most stuck project) for the
    members among `ids`: appends their keys, returns their evidence texts."""
    age, quiet, moves = stuck.project_age_days, stuck.days_since_progress, stuck.target_moves
    fires = (age >= t.perfection_age_days) & ~stuck.shipped_anything
    fires &= quiet >= t.perfection_quiet_days
    fires |= stuck.stale | (moves >= t.perfection_target_moves)
    fires &= np.isin(stuck.user_ids, ids)  # the departed have projects too
    where = np.flatnonzero(fires)
    keys.append(np.searchsorted(ids, stuck.user_ids[where]) * 4 + _PERFECTIONISM)
    quiet_days = t.perfection_quiet_days
    # The span looked at: `min` of two ints is an int, written as `finding_evidence` would.
    days = _days_prefix if type(quiet_days) is not int else (lambda d: f'{{"days": {d}')
    return [
        f'{days(min(quiet_days, q))}, "project_title": {encode_basestring_ascii(title)}, '
        f'"project_age_days": {a}, "days_since_progress": {q}, "target_moves": {m}}}'
        for title, a, q, m in zip(
            [stuck.titles[i] for i in where.tolist()],
            age[where].tolist(),
            quiet[where].tolist(),
            moves[where].tolist(),
            strict=True,
        )
    ]
