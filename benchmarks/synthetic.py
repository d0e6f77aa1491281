"""The seeded synthetic guild as rows: members, ~20 activity rows each over 28 days, daily
completions, streaks, reminders and (when their tables exist) projects and interview cards.

One row source for every backend: `batches()` yields each table's rows, in order, as plain
Python values — instants as naive UTC `datetime`, local days as ISO text, flags as `bool`,
JSON as its text — and a sink writes them its own way (`benchmarks.data`: SQLite
`executemany`, PostgreSQL `COPY`). The rows are produced lazily from one `random.Random`, so
a sink must drain each batch before taking the next: then every sink sees exactly the same
rows. Nothing here touches a database.

Ids come from `benchmarks.world.Layout`: the guild and channel ids of the sandbox's fake
Discord and, first, the ids of the fake members the interaction benchmark acts as, so one
database serves every benchmark.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from benchmarks.world import NOW, Layout

DAYS = 28
GUILD_ZONE = "Europe/Berlin"
ZONES = (
    "Europe/Berlin",
    "Europe/London",
    "Europe/Paris",
    "Europe/Warsaw",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Asia/Singapore",
    "Australia/Sydney",
    "Africa/Lagos",
)
KINDS = ("course", "reading", "math", "coding", "project", "interview", "community")
TOPICS: dict[str, tuple[str, ...]] = {
    "course": ("fast.ai", "cs229", "d2l", "karpathy-zero-to-hero"),
    "reading": ("papers", "blog", "book"),
    "math": ("linear-algebra", "probability", "calculus", "statistics", "optimization"),
    "coding": ("numpy", "pytorch", "leetcode", "sql"),
    "project": ("portfolio", "kaggle", "side-project"),
    "interview": ("ml-fundamentals", "system-design", "coding"),
    "community": ("help", "study-group"),
}
# Study personas with kind weights (course, reading, math, coding, project, interview,
# community): they give the pitfall evaluators a realistic mix of patterns to find.
PERSONAS: tuple[tuple[str, float, tuple[float, ...]], ...] = (
    ("balanced", 0.40, (0.20, 0.15, 0.15, 0.25, 0.15, 0.05, 0.05)),
    ("tutorial_hell", 0.20, (0.70, 0.15, 0.00, 0.10, 0.00, 0.00, 0.05)),
    ("no_math", 0.12, (0.30, 0.05, 0.00, 0.40, 0.25, 0.00, 0.00)),
    ("theory_only", 0.10, (0.15, 0.35, 0.50, 0.00, 0.00, 0.00, 0.00)),
    ("interview_avoidant", 0.10, (0.10, 0.05, 0.05, 0.40, 0.40, 0.00, 0.00)),
    ("fading", 0.08, (0.30, 0.20, 0.10, 0.30, 0.10, 0.00, 0.00)),
)
COMPLETION_RATES = (0.0, 0.1, 0.3, 0.5, 0.8, 0.95)
STREAK_REMINDER_SHARE = 0.3
PROJECT_SHARE = 0.35
REVIEW_SHARE = 0.25

#: table -> {column: required (NOT NULL, no default, not a serial id)}, as the sink's
#: database has them after the migrations: feature tables and columns the row source offers
#: are written only when they exist.
Schema = Mapping[str, Mapping[str, bool]]


@dataclass(frozen=True)
class Batch:
    table: str
    columns: list[str]
    rows: Iterable[Sequence[Any]]


@dataclass(frozen=True)
class MemberPlan:
    user_id: int
    zone: str | None
    persona: str
    completion_rate: float


def _names(columns: str) -> list[str]:
    return columns.split()


def naive_utc(instant: datetime) -> datetime:
    """How every instant column holds a value: naive UTC."""
    return instant.astimezone(UTC).replace(tzinfo=None)


def _offsets() -> dict[str | None, timedelta]:
    """UTC offsets at NOW: the 28 days before 2026-03-02 cross no DST change in these zones."""
    offsets: dict[str | None, timedelta] = {}
    for name in (*ZONES, None):
        zone = ZoneInfo(name or GUILD_ZONE)
        offset = NOW.astimezone(zone).utcoffset()
        assert offset is not None
        offsets[name] = offset
    return offsets


def plan_members(layout: Layout, members: int, rng: random.Random) -> list[MemberPlan]:
    names = [p[0] for p in PERSONAS]
    weights = [p[1] for p in PERSONAS]
    plans = []
    for user_id in layout.user_ids(members):
        zone = None if rng.random() < 0.1 else rng.choice(ZONES)
        persona = rng.choices(names, weights)[0]
        rate = rng.choice(COMPLETION_RATES) if persona != "fading" else 0.1
        plans.append(MemberPlan(user_id, zone, persona, rate))
    return plans


def batches(layout: Layout, members: int, seed: int, schema: Schema) -> Iterator[Batch]:
    """Every table's rows, in insertion order (drain each batch before taking the next)."""
    rng = random.Random(seed)
    stamp = naive_utc(NOW)
    start = NOW - timedelta(days=DAYS)
    guild = layout.guild_id
    plans = plan_members(layout, members, rng)
    offsets = _offsets()

    yield Batch(
        "guild_config",
        [
            "guild_id",
            "timezone",
            "daily_channel_id",
            "accountability_channel_id",
            "interview_channel_id",
            "broken",
            "created_at",
            "updated_at",
        ],
        [
            (
                guild,
                GUILD_ZONE,
                layout.daily_channel_id,
                layout.accountability_channel_id,
                layout.interview_channel_id,
                "{}",
                naive_utc(start),
                stamp,
            )
        ],
    )
    yield Batch(
        "daily_schedule",
        ["guild_id", "enabled", "post_time", "weekdays", "updated_at"],
        [(guild, True, "09:00", 127, stamp)],
    )
    yield Batch(
        "members",
        [
            "guild_id",
            "user_id",
            "timezone",
            "dm_opt_in",
            "nudge_mode",
            "profile_public",
            "leaderboard_opt_in",
            "created_at",
            "updated_at",
        ],
        (
            (
                guild,
                p.user_id,
                p.zone,
                rng.random() < 0.3,
                rng.choice(("inbox", "inbox", "dm", "off")),
                rng.random() < 0.2,
                rng.random() < 0.3,
                naive_utc(start - timedelta(days=rng.randrange(0, 300))),
                stamp,
            )
            for p in plans
        ),
    )
    yield Batch(
        "activity",
        _names("guild_id user_id occurred_at local_date kind minutes source topic"),
        _activity_rows(plans, guild, start, offsets, rng),
    )

    # Daily prompts: one post a day at 09:00 Berlin, with real prompt ids from the catalog.
    prompt_ids = _prompt_ids()
    post_rows = []
    for day in range(DAYS):
        local = (start + timedelta(days=day)).astimezone(ZoneInfo(GUILD_ZONE)).date()
        posted = datetime.combine(local, datetime.min.time(), ZoneInfo(GUILD_ZONE)).replace(hour=9)
        at = naive_utc(posted)
        post_rows.append(
            (
                guild,
                local.isoformat(),
                prompt_ids[day % len(prompt_ids)],
                0,
                at,
                at,
                layout.daily_channel_id,
                layout.message_id_base + day,
            )
        )
    yield Batch(
        "daily_posts",
        [
            "guild_id",
            "prompt_date",
            "prompt_id",
            "cycle",
            "created_at",
            "posted_at",
            "channel_id",
            "message_id",
        ],
        post_rows,
    )
    post_days = [row[1] for row in post_rows]
    completions, streak_rows = _completion_rows(plans, guild, post_days, offsets, rng, stamp)
    yield Batch(
        "daily_completions",
        _names("guild_id user_id prompt_date local_date completed_at"),
        completions,
    )
    yield Batch(
        "streaks",
        _names("guild_id user_id current best freezes last_day updated_at"),
        streak_rows,
    )

    reminder_plans = [p for p in plans if rng.random() < STREAK_REMINDER_SHARE]
    yield Batch(
        "member_reminders",
        _names("guild_id user_id streak streak_hours_before updated_at"),
        [(guild, p.user_id, True, 4, stamp) for p in reminder_plans],
    )
    yield Batch(
        "due_reminders",
        _names("guild_id user_id kind due_at_utc payload"),
        [
            (guild, p.user_id, "streak", naive_utc(_next_streak_check(p, offsets)), "{}")
            for p in reminder_plans
        ],
    )
    if "projects" in schema:
        yield from _projects(schema, plans, guild, start, rng, stamp)
    if "interview_cards" in schema:
        yield from _review_cards(schema, plans, guild, rng, stamp)


def _activity_rows(
    plans: Sequence[MemberPlan],
    guild: int,
    start: datetime,
    offsets: dict[str | None, timedelta],
    rng: random.Random,
) -> Iterator[tuple[Any, ...]]:
    persona_weights = {name: weights for name, _, weights in PERSONAS}
    base = naive_utc(start)
    span = DAYS * 86400
    for plan in plans:
        weights = persona_weights[plan.persona]
        count = max(1, int(rng.gauss(20, 6)))
        offset = offsets[plan.zone]
        kinds = rng.choices(KINDS, weights, k=count)
        if plan.persona == "fading":
            # Active in the first ten days only: the "went quiet" pattern.
            seconds = sorted(rng.randrange(0, 10 * 86400) for _ in range(count))
        else:
            seconds = sorted(rng.randrange(0, span) for _ in range(count))
        for kind, second in zip(kinds, seconds, strict=True):
            occurred = base + timedelta(seconds=second)
            yield (
                guild,
                plan.user_id,
                occurred,
                (occurred + offset).date().isoformat(),
                kind,
                rng.choice((15, 25, 30, 45, 60, 90)),
                "log",
                rng.choice(TOPICS[kind]),
            )


def _completion_rows(
    plans: Sequence[MemberPlan],
    guild: int,
    post_days: Sequence[str],
    offsets: dict[str | None, timedelta],
    rng: random.Random,
    stamp: datetime,
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    completions: list[tuple[Any, ...]] = []
    streak_rows: list[tuple[Any, ...]] = []
    for plan in plans:
        done: list[str] = []
        for prompt_day in post_days:
            if plan.completion_rate and rng.random() < plan.completion_rate:
                # Completed during the member's evening of the prompt's day.
                day = date.fromisoformat(prompt_day)
                local_evening = datetime(day.year, day.month, day.day, 19, rng.randrange(60))
                completed = local_evening - offsets[plan.zone]
                completions.append((guild, plan.user_id, prompt_day, prompt_day, completed))
                done.append(prompt_day)
        current, best = _streaks(done, post_days)
        streak_rows.append(
            (guild, plan.user_id, current, best, 0, done[-1] if done else None, stamp)
        )
    return completions, streak_rows


def _streaks(done: Sequence[str], days: Sequence[str]) -> tuple[int, int]:
    marks = set(done)
    best = run = 0
    for day in days:
        run = run + 1 if day in marks else 0
        best = max(best, run)
    return run, best


def _next_streak_check(plan: MemberPlan, offsets: dict[str | None, timedelta]) -> datetime:
    offset = offsets[plan.zone]
    local_now = naive_utc(NOW) + offset
    midnight = datetime.combine(local_now.date() + timedelta(days=1), datetime.min.time())
    due = midnight - timedelta(hours=4) - offset
    if due.replace(tzinfo=UTC) <= NOW:
        due += timedelta(days=1)
    return due.replace(tzinfo=UTC)


def _catalog() -> Any:
    from bot.catalog import CatalogRegistry, load_pack_dir
    from bot.core.settings import DEFAULT_CONTENT_DIR

    return CatalogRegistry(load_pack_dir(DEFAULT_CONTENT_DIR)).for_guild(0)


def _prompt_ids() -> list[str]:
    ids = sorted(_catalog().prompts)
    if not ids:
        raise RuntimeError("the built-in catalog has no prompts")
    return ids


# --- feature tables (filled only when the feature's migration created them) ------------


def _columns(schema: Schema, table: str, offered: Sequence[str]) -> list[str] | None:
    """The offered columns the table has; None when it requires a column not offered."""
    have = schema.get(table, {})
    if any(required and name not in offered for name, required in have.items()):
        return None
    return [name for name in offered if name in have]


def _projects(
    schema: Schema,
    plans: Sequence[MemberPlan],
    guild: int,
    start: datetime,
    rng: random.Random,
    stamp: datetime,
) -> Iterator[Batch]:
    """One active project for about a third of the members (some of them long stuck)."""
    try:
        from bot.projects.rules import PROJECT_DOMAINS
    except ImportError:
        return
    offered = ["guild_id", "user_id", "title", "domain", "goal", "target_date", "status"]
    offered += ["progress", "target_moves", "created_at", "updated_at"]
    offered += ["last_progress_at", "last_checkin_at"]
    columns = _columns(schema, "projects", offered)
    if columns is None:
        return
    rows: list[list[Any]] = []
    for plan in plans:
        if rng.random() >= PROJECT_SHARE:
            continue
        created = start + timedelta(seconds=rng.randrange(0, DAYS * 86400))
        last_progress = naive_utc(created + (NOW - created) * rng.random())
        wanted = {
            "guild_id": guild,
            "user_id": plan.user_id,
            "title": f"Project {plan.user_id % 100000}",
            "domain": rng.choice(PROJECT_DOMAINS),
            "goal": "Ship a small model end to end, with a write-up.",
            "target_date": (NOW + timedelta(days=rng.randrange(-5, 60))).date().isoformat(),
            "status": "active",
            "progress": rng.randrange(0, 90),
            "target_moves": rng.choice((0, 0, 0, 1, 2, 3)),
            "created_at": naive_utc(created),
            "updated_at": stamp,
            "last_progress_at": last_progress,
            "last_checkin_at": last_progress,
        }
        rows.append([wanted[name] for name in columns])
    yield Batch("projects", columns, rows)


def _card_templates(rng: random.Random) -> list[tuple[str, datetime]]:
    """A few FSRS cards (state JSON, due) reviewed at various times: computing FSRS for every
    synthetic card would dominate generation, and the benchmarks only read them."""
    try:
        from bot.interview.rules import review
    except ImportError:
        return []
    templates = []
    for index in range(40):
        reviewed = NOW - timedelta(days=rng.randrange(1, DAYS), minutes=index)
        outcome = review(None, rng.choice(("again", "hard", "good", "easy")), reviewed)
        if rng.random() < 0.6:
            outcome = review(outcome.card_json, "good", outcome.due_at)
        templates.append((outcome.card_json, naive_utc(outcome.due_at)))
    return templates


def _review_cards(
    schema: Schema,
    plans: Sequence[MemberPlan],
    guild: int,
    rng: random.Random,
    stamp: datetime,
) -> Iterator[Batch]:
    """Interview review cards for a quarter of the members, some due now."""
    offered = ["guild_id", "user_id", "question_id", "category", "card", "due_at", "reviews"]
    offered += ["last_rating", "updated_at"]
    columns = _columns(schema, "interview_cards", offered)
    questions = sorted((q.id, str(q.category)) for q in _catalog().questions.values())
    templates = _card_templates(rng)
    if columns is None or not questions or not templates:
        return
    rows: list[list[Any]] = []
    for plan in plans:
        if rng.random() >= REVIEW_SHARE:
            continue
        for question_id, category in rng.sample(questions, k=min(len(questions), 7)):
            card_json, due = rng.choice(templates)
            wanted = {
                "guild_id": guild,
                "user_id": plan.user_id,
                "question_id": question_id,
                "category": category,
                "card": card_json,
                "due_at": due,
                "reviews": rng.randrange(1, 6),
                "last_rating": "good",
                "updated_at": stamp,
            }
            rows.append([wanted[name] for name in columns])
    yield Batch("interview_cards", columns, rows)
