"""The seeded synthetic guild: members, ~20 activity rows each over 28 days, daily completions,
streaks, reminders and (when their tables exist) projects and interview review cards.

Why raw `sqlite3` and not the store functions: the store writes one member at a time, which is
what the bot does at runtime; a benchmark fixture of 100k members and ~2M activity rows has
to be written in bulk (`executemany` in one transaction) to take seconds, not minutes. The
schema itself is created by the real Alembic migrations (`Store.migrate()`), so the fixture
always matches the bot's schema, and values are written in exactly the storage format
SQLAlchemy uses (naive UTC `YYYY-MM-DD HH:MM:SS.ffffff`, JSON text, 0/1 booleans).

Ids come from `benchmarks.world.Layout`: the guild and channel ids of the sandbox's fake
Discord and, first, the ids of the fake members the interaction benchmark acts as, so one
database serves every benchmark.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import shutil
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from benchmarks.world import NOW, Layout

GENERATOR_VERSION = 4
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


def sqlite_instant(instant: datetime) -> str:
    """How SQLAlchemy's SQLite DateTime stores a naive UTC instant."""
    return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


@dataclass
class DatasetInfo:
    path: Path
    members: int
    seed: int
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)
    cached: bool = False


@dataclass(frozen=True)
class MemberPlan:
    user_id: int
    zone: str | None
    persona: str
    completion_rate: float


def _schema_fingerprint() -> str:
    """The migrations' text: a changed migration (not only a new head) means a new dataset."""
    from bot.core.store.engine import MIGRATIONS_DIR

    digest = hashlib.sha256()
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _cache_key(layout: Layout, members: int, seed: int) -> str:
    blob = json.dumps(
        [
            GENERATOR_VERSION,
            members,
            seed,
            _schema_fingerprint(),
            layout.guild_id,
            list(layout.user_ids(3)),
        ],
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def dataset(layout: Layout, members: int, *, seed: int = 20260302, cache_dir: Path) -> DatasetInfo:
    """The dataset file for (layout, members, seed, schema heads), generated when missing."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    key = _cache_key(layout, members, seed)
    path = cache_dir / f"guild-{members}-{key}.db"
    meta = path.with_suffix(".json")
    if path.exists() and meta.exists():
        info = json.loads(meta.read_text())
        return DatasetInfo(path, members, seed, info["seconds"], info["rows"], cached=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")  # concurrent runs each write their own
    for stale in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        stale.unlink(missing_ok=True)
    info_new = generate(tmp, layout, members, seed=seed)
    meta.write_text(json.dumps({"seconds": info_new.seconds, "rows": info_new.rows}))
    tmp.replace(path)  # atomic: a reader sees the whole file or none
    info_new.path = path
    return info_new


def copy_dataset(info: DatasetInfo, target: Path) -> Path:
    """A private copy for a benchmark that writes (the cached file stays pristine)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(info.path, target)
    return target


def database_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


async def _migrate(path: Path) -> None:
    from bot.core.store import Store

    store = Store(database_url(path))
    try:
        await store.migrate()
    finally:
        await store.close()


def generate(path: Path, layout: Layout, members: int, *, seed: int = 20260302) -> DatasetInfo:
    """Create the schema with the real migrations, then bulk-insert the synthetic guild."""
    began = time.perf_counter()
    asyncio.run(_migrate(path))
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA synchronous=OFF")
        con.execute("PRAGMA cache_size=-200000")
        with con:
            # Build the big tables' secondary indexes once at the end (a sort each) instead of
            # maintaining them row by row: the same DDL, recreated from sqlite_master.
            indexes = _drop_indexes(con, BULK_TABLES)
            rows = _fill(con, layout, members, random.Random(seed))
            for ddl in indexes:
                con.execute(ddl)
        con.execute("ANALYZE")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()
    return DatasetInfo(path, members, seed, time.perf_counter() - began, rows)


BULK_TABLES = ("activity", "daily_completions", "interview_cards", "due_reminders")


def _drop_indexes(con: sqlite3.Connection, tables: Sequence[str]) -> list[str]:
    """Drop the explicit indexes of `tables`; returns their CREATE INDEX statements."""
    marks = ", ".join("?" * len(tables))
    found = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks})",
        tuple(tables),
    ).fetchall()
    for name, _sql in found:
        con.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in found]


def _insert(
    con: sqlite3.Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    cursor = con.executemany(sql, rows)
    return cursor.rowcount


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


def _fill(
    con: sqlite3.Connection, layout: Layout, members: int, rng: random.Random
) -> dict[str, int]:
    now = NOW
    stamp = sqlite_instant(now)
    start = now - timedelta(days=DAYS)
    guild = layout.guild_id
    plans = plan_members(layout, members, rng)
    offsets = _offsets()
    counts: dict[str, int] = {}

    guild_columns = ["guild_id", "timezone", "daily_channel_id", "accountability_channel_id"]
    guild_values: list[Any] = [guild, GUILD_ZONE, layout.daily_channel_id]
    guild_values.append(layout.accountability_channel_id)
    guild_columns += ["interview_channel_id", "broken", "created_at", "updated_at"]
    guild_values += [layout.interview_channel_id, "{}", sqlite_instant(start), stamp]
    counts["guild_config"] = _insert(con, "guild_config", guild_columns, [guild_values])
    counts["daily_schedule"] = _insert(
        con,
        "daily_schedule",
        ["guild_id", "enabled", "post_time", "weekdays", "updated_at"],
        [(guild, 1, "09:00", 127, stamp)],
    )

    counts["members"] = _insert(
        con,
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
                int(rng.random() < 0.3),
                rng.choice(("inbox", "inbox", "dm", "off")),
                int(rng.random() < 0.2),
                int(rng.random() < 0.3),
                sqlite_instant(start - timedelta(days=rng.randrange(0, 300))),
                stamp,
            )
            for p in plans
        ),
    )

    counts["activity"] = _insert(
        con,
        "activity",
        ["guild_id", "user_id", "occurred_at", "local_date", "kind", "minutes", "source", "topic"],
        _activity_rows(plans, guild, start, offsets, rng),
    )

    # Daily prompts: one post a day at 09:00 Berlin, with real prompt ids from the catalog.
    prompt_ids = _prompt_ids()
    post_rows = []
    for day in range(DAYS):
        local = (start + timedelta(days=day)).astimezone(ZoneInfo(GUILD_ZONE)).date()
        posted = datetime.combine(local, datetime.min.time(), ZoneInfo(GUILD_ZONE)).replace(hour=9)
        post_rows.append(
            (
                guild,
                local.isoformat(),
                prompt_ids[day % len(prompt_ids)],
                0,
                sqlite_instant(posted),
                sqlite_instant(posted),
                layout.daily_channel_id,
                layout.message_id_base + day,
            )
        )
    counts["daily_posts"] = _insert(
        con,
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
    counts["daily_completions"] = _insert(
        con,
        "daily_completions",
        ["guild_id", "user_id", "prompt_date", "local_date", "completed_at"],
        completions,
    )
    counts["streaks"] = _insert(
        con,
        "streaks",
        ["guild_id", "user_id", "current", "best", "freezes", "last_day", "updated_at"],
        streak_rows,
    )

    reminder_plans = [p for p in plans if rng.random() < STREAK_REMINDER_SHARE]
    counts["member_reminders"] = _insert(
        con,
        "member_reminders",
        ["guild_id", "user_id", "streak", "streak_hours_before", "updated_at"],
        ((guild, p.user_id, 1, 4, stamp) for p in reminder_plans),
    )
    counts["due_reminders"] = _insert(
        con,
        "due_reminders",
        ["guild_id", "user_id", "kind", "due_at_utc", "payload"],
        (
            (guild, p.user_id, "streak", sqlite_instant(_next_streak_check(now, p, offsets)), "{}")
            for p in reminder_plans
        ),
    )
    counts.update(_feature_rows(con, plans, guild, start, rng, stamp))
    return counts


def _activity_rows(
    plans: Sequence[MemberPlan],
    guild: int,
    start: datetime,
    offsets: dict[str | None, timedelta],
    rng: random.Random,
) -> Iterator[tuple[Any, ...]]:
    persona_weights = {name: weights for name, _, weights in PERSONAS}
    base = start.replace(tzinfo=None)
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
                occurred.strftime("%Y-%m-%d %H:%M:%S.%f"),
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
    stamp: str,
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
                completions.append(
                    (
                        guild,
                        plan.user_id,
                        prompt_day,
                        prompt_day,
                        completed.strftime("%Y-%m-%d %H:%M:%S.%f"),
                    )
                )
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


def _next_streak_check(
    now: datetime, plan: MemberPlan, offsets: dict[str | None, timedelta]
) -> datetime:
    offset = offsets[plan.zone]
    local_now = now.replace(tzinfo=None) + offset
    midnight = datetime.combine(local_now.date() + timedelta(days=1), datetime.min.time())
    due = midnight - timedelta(hours=4) - offset
    if due.replace(tzinfo=UTC) <= now:
        due += timedelta(days=1)
    return due.replace(tzinfo=UTC)


def _prompt_ids() -> list[str]:
    from bot.catalog import CatalogRegistry, load_pack_dir
    from bot.core.settings import DEFAULT_CONTENT_DIR

    catalog = CatalogRegistry(load_pack_dir(DEFAULT_CONTENT_DIR)).for_guild(0)
    ids = sorted(catalog.prompts)
    if not ids:
        raise RuntimeError("the built-in catalog has no prompts")
    return ids


# --- feature tables (filled only when the feature's migration created them) ------------


def _feature_rows(
    con: sqlite3.Connection,
    plans: Sequence[MemberPlan],
    guild: int,
    start: datetime,
    rng: random.Random,
    stamp: str,
) -> dict[str, int]:
    counts: dict[str, int] = {}
    tables = {row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "projects" in tables:
        counts.update(_projects(con, plans, guild, start, rng, stamp))
    if "interview_cards" in tables:
        counts.update(_review_cards(con, plans, guild, start, rng, stamp))
    return counts


def _fill_row(
    con: sqlite3.Connection, table: str, wanted: dict[str, Any]
) -> tuple[list[str], list[Any]] | None:
    """Keep the columns the table has; give up (None) if a required column is unknown."""
    columns = _plan_columns(con, table, frozenset(wanted))
    if columns is None:
        return None
    return columns, [wanted[name] for name in columns]


_COLUMN_PLANS: dict[tuple[int, str, frozenset[str]], list[str] | None] = {}


def _plan_columns(con: sqlite3.Connection, table: str, offered: frozenset[str]) -> list[str] | None:
    key = (id(con), table, offered)
    if key not in _COLUMN_PLANS:
        columns: list[str] | None = []
        for _cid, name, kind, notnull, default, pk in con.execute(f"PRAGMA table_info({table})"):
            if name in offered:
                assert columns is not None
                columns.append(name)
            elif notnull and default is None and not (pk and kind.upper() == "INTEGER"):
                columns = None
                break
        _COLUMN_PLANS[key] = columns
    return _COLUMN_PLANS[key]


def _projects(
    con: sqlite3.Connection,
    plans: Sequence[MemberPlan],
    guild: int,
    start: datetime,
    rng: random.Random,
    stamp: str,
) -> dict[str, int]:
    """One active project for about a third of the members (some of them long stuck)."""
    try:
        from bot.projects.rules import PROJECT_DOMAINS
    except ImportError:
        return {}
    rows: list[list[Any]] = []
    columns: list[str] | None = None
    for plan in plans:
        if rng.random() >= PROJECT_SHARE:
            continue
        created = start + timedelta(seconds=rng.randrange(0, DAYS * 86400))
        last_progress = created + (NOW - created) * rng.random()
        target = (NOW + timedelta(days=rng.randrange(-5, 60))).date().isoformat()
        wanted = {
            "guild_id": guild,
            "user_id": plan.user_id,
            "title": f"Project {plan.user_id % 100000}",
            "domain": rng.choice(PROJECT_DOMAINS),
            "goal": "Ship a small model end to end, with a write-up.",
            "target_date": target,
            "status": "active",
            "progress": rng.randrange(0, 90),
            "target_moves": rng.choice((0, 0, 0, 1, 2, 3)),
            "created_at": sqlite_instant(created),
            "updated_at": stamp,
            "last_progress_at": sqlite_instant(last_progress),
            "last_checkin_at": sqlite_instant(last_progress),
        }
        filled = _fill_row(con, "projects", wanted)
        if filled is None:
            return {}
        columns = filled[0]
        rows.append(filled[1])
    if columns is None:
        return {}
    try:
        return {"projects": _insert(con, "projects", columns, rows)}
    except sqlite3.DatabaseError:
        return {}


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
        templates.append((outcome.card_json, outcome.due_at))
    return templates


def _review_cards(
    con: sqlite3.Connection,
    plans: Sequence[MemberPlan],
    guild: int,
    start: datetime,
    rng: random.Random,
    stamp: str,
) -> dict[str, int]:
    """Interview review cards for a quarter of the members, some due now."""
    questions = _questions()
    templates = _card_templates(rng)
    if not questions or not templates:
        return {}
    rows: list[list[Any]] = []
    columns: list[str] | None = None
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
                "due_at": sqlite_instant(due),
                "reviews": rng.randrange(1, 6),
                "last_rating": "good",
                "updated_at": stamp,
            }
            filled = _fill_row(con, "interview_cards", wanted)
            if filled is None:
                return {}
            columns = filled[0]
            rows.append(filled[1])
    if columns is None:
        return {}
    try:
        return {"interview_cards": _insert(con, "interview_cards", columns, rows)}
    except sqlite3.DatabaseError:
        return {}


def _questions() -> list[tuple[str, str]]:
    from bot.catalog import CatalogRegistry, load_pack_dir
    from bot.core.settings import DEFAULT_CONTENT_DIR

    catalog = CatalogRegistry(load_pack_dir(DEFAULT_CONTENT_DIR)).for_guild(0)
    return sorted((q.id, str(q.category)) for q in catalog.questions.values())
