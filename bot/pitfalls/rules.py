"""The four pitfalls of the guide as pure rules, and the policy that keeps nudges rare.

Each rule takes plain numbers (what the sweep aggregated for one member) and returns a
`Detection`: whether it fires and the evidence, keyed by exactly the placeholder names that
content/FORMAT.md allows for that pitfall's nudges, so a nudge can be filled from it as is.

Windows are instants, not calendar days: "the last 14 days" means activity that occurred
after `now - 14 days`. Study *days* are counted on each member's own local date. A window
rule only fires for a member whose history (since the store first knew them) covers its
whole window, and its `{days}` is the span actually looked at (`within_history`).

The nudge policy (`plan_nudges`) decides which detections become nudges:
- the same pitfall at most once per `same_pitfall_days` (7),
- at most `weekly_cap` (2) nudges per member in any rolling 7 days, and one per sweep,
- nothing for a pitfall the member muted ("Not for me": 30 days),
and `choose_nudge` picks the text: deterministic for a seed, never the text the member got
last time for that pitfall (when the catalog has another).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from json.encoder import c_make_encoder, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Final, Protocol

from bot.core.records import frozen
from bot.core.time import format_hhmm
from bot.core.wording import plural
from bot.pitfalls.thresholds import (
    THRESHOLD_LIMITS,
    PitfallThresholds,
)

#: The four pitfalls the sweep looks for, in the order nudges are preferred when more than
#: the weekly cap fire at once (the earlier, the more concrete the suggested fix).
PITFALLS: Final[tuple[str, ...]] = (
    "tutorial_hell",
    "theory_practice_gap",
    "perfectionism",
    "isolation",
)

Evidence = dict[str, int | float | str]

#: The daily sweep runs at this time of the guild's timezone (job `pitfalls:<guild_id>`).
SWEEP_TIME: Final = time(10, 0)


@frozen
class PitfallConfig:
    """A guild's sweep: on or off, its thresholds, and which of them differ from the default."""

    enabled: bool
    thresholds: PitfallThresholds
    overrides: dict[str, int | float]

    @classmethod
    def from_stored(cls, enabled: bool, stored: Mapping[str, object]) -> PitfallConfig:
        """From a stored row; unknown names and non-numbers in `stored` are ignored."""
        overrides = {
            k: v for k, v in stored.items() if k in THRESHOLD_LIMITS and isinstance(v, int | float)
        }
        return cls(enabled, PitfallThresholds().with_overrides(overrides), overrides)

    def describe(self) -> str:
        state = "on" if self.enabled else "off"
        changed = f", {plural(len(self.overrides), 'threshold')} changed" if self.overrides else ""
        return f"{state}, daily sweep at {format_hhmm(SWEEP_TIME)} server time{changed}"


@frozen
class Detection:
    """What one rule decided for one member, with the numbers behind it."""

    pitfall: str
    fires: bool
    evidence: Evidence


def history_span(window_days: int, history_days: int | None) -> int:
    """The days of a window the member's history covers (`history_days` None: known for
    longer than every window)."""
    return window_days if history_days is None else max(0, min(window_days, history_days))


def within_history(detection: Detection, window_days: int, history_days: int | None) -> Detection:
    """A window rule's detection for a member known `history_days` whole days: it fires only
    when that covers the whole window (two days after joining, "your last 14 days" would be
    two days called fourteen), and its `days` is the span looked at."""
    span = history_span(window_days, history_days)
    evidence = {**detection.evidence, "days": span}
    # Built directly rather than with `dataclasses.replace`: a sweep calls this 300k times.
    return Detection(detection.pitfall, detection.fires and span == window_days, evidence)


@frozen
class PitfallFlag:
    """A member's current detection, as `/progress` shows it."""

    pitfall: str
    evidence: dict[str, int | float | str]
    detected_at: datetime


# --- the four rules ------------------------------------------------------------------


def tutorial_hell_fires(course_minutes: int, project_events: int, t: PitfallThresholds) -> bool:
    """Courses piling up while nothing is built. `project_events` counts project rows even
    of 0 minutes (a milestone or check-in is building too)."""
    return course_minutes >= t.tutorial_course_minutes and project_events == 0


def tutorial_hell(
    course_minutes: int, project_minutes: int, project_events: int, t: PitfallThresholds
) -> Detection:
    """Tutorial hell (`tutorial_hell_fires`) with its evidence."""
    evidence = _minutes_evidence(t.tutorial_days, "course", course_minutes)
    evidence["project_minutes"] = project_minutes
    return Detection(
        "tutorial_hell", tutorial_hell_fires(course_minutes, project_events, t), evidence
    )


def perfectionism_fires(project: ProjectFactsLike, t: PitfallThresholds) -> bool:
    """A project polished forever: old, unshipped and quiet — or stale — or its target date
    keeps moving."""
    quiet_and_old = (
        project.project_age_days >= t.perfection_age_days
        and not project.shipped_anything
        and project.days_since_progress >= t.perfection_quiet_days
    )
    return quiet_and_old or project.stale or project.target_moves >= t.perfection_target_moves


def perfectionism(project: ProjectFactsLike, t: PitfallThresholds) -> Detection:
    """Perfectionism (`perfectionism_fires`) with its evidence. `project` is the member's
    most stuck active project."""
    return Detection(
        "perfectionism",
        perfectionism_fires(project, t),
        {
            # The quiet span looked at (a project is never quiet longer than it exists).
            "days": min(t.perfection_quiet_days, project.days_since_progress),
            "project_title": project.project_title,
            "project_age_days": project.project_age_days,
            "days_since_progress": project.days_since_progress,
            "target_moves": project.target_moves,
        },
    )


def isolation_fires(study_days: int, community_events: int, t: PitfallThresholds) -> bool:
    """Studying steadily, but alone."""
    return study_days >= t.isolation_study_days and community_events == 0


def isolation(study_days: int, community_events: int, t: PitfallThresholds) -> Detection:
    """Isolation (`isolation_fires`) with its evidence."""
    return Detection(
        "isolation",
        isolation_fires(study_days, community_events, t),
        {"days": t.isolation_days, "study_days": study_days, "community_events": community_events},
    )


def gap_fires(theory_minutes: int, practice_minutes: int, t: PitfallThresholds) -> bool:
    """Much more theory than practice. "Above 3:1" is strict: exactly 3:1 does not fire."""
    return (
        theory_minutes >= t.gap_theory_minutes and theory_minutes > t.gap_ratio * practice_minutes
    )


def theory_practice_gap(
    theory_minutes: int, practice_minutes: int, t: PitfallThresholds
) -> Detection:
    """The theory-practice gap (`gap_fires`) with its evidence."""
    evidence = _minutes_evidence(t.gap_days, "theory", theory_minutes)
    evidence["practice_minutes"] = practice_minutes
    evidence["ratio"] = format_ratio(theory_minutes, practice_minutes)
    return Detection(
        "theory_practice_gap", gap_fires(theory_minutes, practice_minutes, t), evidence
    )


def _minutes_evidence(days: int, name: str, minutes: int) -> Evidence:
    """A minutes rule's evidence so far: `days`, `<name>_minutes`, `<name>_hours`, in the
    order nudges and stored evidence show them (the rule adds its own keys after)."""
    return {"days": days, **_minutes_and_hours(name, minutes)}


def _minutes_and_hours(name: str, minutes: int) -> Evidence:
    """`<name>_minutes` and `<name>_hours` (one decimal), in that order, for the evidence."""
    return {f"{name}_minutes": minutes, f"{name}_hours": round(minutes / 60, 1)}


def format_ratio(theory: int, practice: int) -> str:
    """Theory per practice minute as "4.5:1"; "all theory" when there was no practice."""
    if practice <= 0:
        return "all theory" if theory > 0 else "0:0"
    return f"{theory / practice:.1f}:1"


# --- a member's numbers and all four rules at once -------------------------------------


class ProjectFactsLike(Protocol):
    """The fields of `bot.projects.rules.ProjectFacts` the perfectionism rule reads."""

    @property
    def project_title(self) -> str: ...
    @property
    def project_age_days(self) -> int: ...
    @property
    def days_since_progress(self) -> int: ...
    @property
    def shipped_anything(self) -> bool: ...
    @property
    def stale(self) -> bool: ...
    @property
    def target_moves(self) -> int: ...


@frozen
class MemberSignals:
    """What the sweep aggregated for one member; each field in its rule's window."""

    course_minutes: int = 0  # tutorial window
    project_minutes: int = 0  # tutorial window
    project_events: int = 0  # tutorial window (rows of kind project, any minutes)
    study_days: int = 0  # isolation window: distinct local dates with non-community rows
    community_events: int = 0  # isolation window: community rows (+ counted message days)
    theory_minutes: int = 0  # gap window
    practice_minutes: int = 0  # gap window
    #: Whole days since the store first knew the member; None: longer than every window.
    history_days: int | None = None


def evaluate(
    signals: MemberSignals, project: ProjectFactsLike | None, t: PitfallThresholds
) -> list[Detection]:
    """The detections that fire for one member, in `PITFALLS` order."""
    known = signals.history_days
    tutorial = tutorial_hell(
        signals.course_minutes, signals.project_minutes, signals.project_events, t
    )
    gap = theory_practice_gap(signals.theory_minutes, signals.practice_minutes, t)
    alone = isolation(signals.study_days, signals.community_events, t)
    # `within_history` can only stop a detection from firing: only fired ones need it.
    found = []
    if tutorial.fires:
        found.append(within_history(tutorial, t.tutorial_days, known))
    if gap.fires:
        found.append(within_history(gap, t.gap_days, known))
    if project is not None:
        found.append(perfectionism(project, t))
    if alone.fires:
        found.append(within_history(alone, t.isolation_days, known))
    return [d for d in found if d.fires]


#: A rule that fired for a member, compact: (member, pitfall, evidence as JSON text). Plain
#: numbers and strings, which the garbage collector does not track: a sweep's 100k findings
#: held until delivery do not trigger full collections that stop the event loop, and the
#: evidence is encoded once, by the rules, for the detection row too.
Finding = tuple[int, str, str]


def evaluate_members(
    members: Iterable[tuple[int, MemberSignals, ProjectFactsLike | None]], t: PitfallThresholds
) -> tuple[int, list[Finding]]:
    """`evaluate` for each (member, numbers, project) in turn: how many members were
    evaluated, and what fired, in the given order. Pure and self-contained, so the sweep
    can hand it any slice of a chunk's members (`bot.pitfalls.assess.evaluate_chunk`).

    The same decisions as `evaluate`, made cheaper for a sweep's 100k members: each rule's
    test first (`*_fires`, shared with the rules), and a `Detection` with its evidence only
    for what fires. A window rule that fires is one whose history covers the window
    (`covers`), so its evidence is the rule's own (`within_history` would set `days` to the
    window it already says)."""
    evaluated = 0
    found: list[Finding] = []
    add = found.append
    tutorial_days, gap_days, isolation_days = t.tutorial_days, t.gap_days, t.isolation_days

    def covers(known: int | None, window_days: int) -> bool:
        return known is None or known >= window_days

    for user_id, s, project in members:
        evaluated += 1
        known = s.history_days
        if tutorial_hell_fires(s.course_minutes, s.project_events, t) and covers(
            known, tutorial_days
        ):
            detection = tutorial_hell(s.course_minutes, s.project_minutes, s.project_events, t)
            add((user_id, detection.pitfall, finding_evidence(detection.evidence)))
        if gap_fires(s.theory_minutes, s.practice_minutes, t) and covers(known, gap_days):
            detection = theory_practice_gap(s.theory_minutes, s.practice_minutes, t)
            add((user_id, detection.pitfall, finding_evidence(detection.evidence)))
        if project is not None and perfectionism_fires(project, t):
            detection = perfectionism(project, t)
            add((user_id, detection.pitfall, finding_evidence(detection.evidence)))
        if isolation_fires(s.study_days, s.community_events, t) and covers(known, isolation_days):
            detection = isolation(s.study_days, s.community_events, t)
            add((user_id, detection.pitfall, finding_evidence(detection.evidence)))
    return evaluated, found


def _evidence_encoder() -> Callable[[Evidence], str]:
    """`json.dumps` with its defaults, made once: `JSONEncoder.encode` builds its C encoder
    anew on every call, which was half the cost of encoding a sweep's 100k evidences. The
    same text (an evidence is never circular, so the circular check it skips never fired)."""
    defaults = json.JSONEncoder()
    if c_make_encoder is None:  # no C accelerator: the standard path
        return defaults.encode
    encode = c_make_encoder(
        None,  # markers: no circular check
        defaults.default,
        encode_basestring_ascii,
        None,  # indent
        defaults.key_separator,
        defaults.item_separator,
        False,  # sort_keys
        False,  # skipkeys
        True,  # allow_nan
    )
    return lambda evidence: "".join(encode(evidence, 0))


_encode_evidence = _evidence_encoder()


def finding_evidence(evidence: Evidence) -> str:
    """Evidence as a `Finding` holds it (JSON text; keys in the rule's order)."""
    return _encode_evidence(evidence)


def finding_detection(finding: Finding) -> Detection:
    """The `Detection` a finding stands for (it fired)."""
    _user_id, pitfall, evidence = finding
    return Detection(pitfall, True, json.loads(evidence))


# --- welcome back (a friendly nudge, not a pitfall) ------------------------------------

#: A member whose activity resumes after at least this many days away is welcomed back.
WELCOME_BACK_AWAY_DAYS: Final = 14
WELCOME_BACK = "welcome_back"


def welcome_back(days_away: int, best_streak: int) -> Detection:
    """Activity again after `WELCOME_BACK_AWAY_DAYS`+ days: welcome, do not criticise."""
    return Detection(
        WELCOME_BACK,
        days_away >= WELCOME_BACK_AWAY_DAYS,
        {"days": days_away, "days_away": days_away, "best_streak": best_streak},
    )


# --- the nudge policy ------------------------------------------------------------------


@dataclass(frozen=True)  # a default argument value: ruff's B008 knows it is immutable
class NudgePolicy:
    """Limits on nudges. `per_sweep_cap` keeps two pitfalls found the same day (courses
    only: tutorial hell *and* the theory gap) from arriving as a pair: one a day at most."""

    same_pitfall_days: int = 7
    weekly_cap: int = 2
    mute_days: int = 30
    per_sweep_cap: int = 1


@frozen
class SentNudge:
    pitfall: str
    nudge_id: str
    sent_at: datetime


def plan_nudges(
    fired: Iterable[str],
    sent: Sequence[SentNudge],
    muted_until: Mapping[str, datetime],
    now: datetime,
    policy: NudgePolicy = NudgePolicy(),
) -> list[str]:
    """Which of the `fired` pitfalls to nudge now, given what was sent and what is muted.

    `sent` is the member's recent nudges (at least the last 7 days). Pitfalls never nudged
    (or nudged longest ago) go first, then `PITFALLS` order; the result never breaks a limit.
    """
    week_ago = now - timedelta(days=7)
    same_since = now - timedelta(days=policy.same_pitfall_days)
    recent = [s for s in sent if s.sent_at > week_ago]
    budget = min(policy.weekly_cap - len(recent), policy.per_sweep_cap)
    if budget <= 0:
        return []
    last_sent: dict[str, datetime] = {}
    for s in sent:
        if s.pitfall not in last_sent or s.sent_at > last_sent[s.pitfall]:
            last_sent[s.pitfall] = s.sent_at
    eligible = []
    for pitfall in dict.fromkeys(fired):
        until = muted_until.get(pitfall)
        if until is not None and until > now:
            continue
        previous = last_sent.get(pitfall)
        if previous is not None and previous > same_since:
            continue
        eligible.append(pitfall)
    # A returning member is welcomed before any pitfall is pointed out.
    order = {WELCOME_BACK: -1} | {name: i for i, name in enumerate(PITFALLS)}
    never = datetime.min.replace(tzinfo=now.tzinfo)
    eligible.sort(key=lambda p: (last_sent.get(p, never), order.get(p, len(order))))
    return eligible[:budget]


def nudge_seed(*parts: object) -> int:
    """A stable seed from ids and dates (Python's `hash` of a str changes per process)."""
    blob = ":".join(str(part) for part in parts).encode()
    return int.from_bytes(hashlib.sha256(blob).digest()[:8], "big")


def choose_nudge(nudge_ids: Sequence[str], last_id: str | None, seed: int) -> str | None:
    """One of `nudge_ids` (catalog order), chosen by `seed`, never `last_id` when another
    exists. None when the catalog has no nudge for the pitfall."""
    candidates = [n for n in nudge_ids if n != last_id] or list(nudge_ids)
    if not candidates:
        return None
    return candidates[seed % len(candidates)]


def mute_until(now: datetime, policy: NudgePolicy = NudgePolicy()) -> datetime:
    return now + timedelta(days=policy.mute_days)


def community_since(now: datetime, days: int) -> date:
    """The first local date of a `days`-day window ending today (for day-based counters)."""
    return now.date() - timedelta(days=days - 1)


# --- sending and answering a nudge ---------------------------------------------------------

#: How far back the sweep reads sent nudges: the 7-day limits and "not the same text twice
#: in a row" (a text sent long ago may come round again).
HISTORY_DAYS: Final = 90
ON_IT: Final = "on_it"
NOT_FOR_ME: Final = "not_for_me"
FEEDBACK_CHOICES: Final = (ON_IT, NOT_FOR_ME)


def nudge_key(guild_id: int, user_id: int, pitfall: str, now: datetime) -> str:
    """The delivery ledger key: one nudge per member, pitfall and ISO week."""
    year, week, _ = now.isocalendar()
    return f"nudge:{guild_id}:{user_id}:{pitfall}:{year}-W{week:02d}"


def next_nudge_id(
    nudge_ids: Sequence[str], past: Sequence[SentNudge], pitfall: str, seed: int
) -> str | None:
    """The text to send for `pitfall`: `choose_nudge` avoiding the last one sent for it."""
    last = next((s.nudge_id for s in reversed(past) if s.pitfall == pitfall), None)
    return choose_nudge(nudge_ids, last, seed)


def in_pitfall_order(flags: Iterable[PitfallFlag]) -> list[PitfallFlag]:
    """`flags` in `PITFALLS` order (unknown names last, in their given order)."""
    order = {name: i for i, name in enumerate(PITFALLS)}
    return sorted(flags, key=lambda f: order.get(f.pitfall, len(order)))
