"""The many-servers dataset: G guilds x M members on PostgreSQL, loaded with COPY.

The fake Discord is built first (deterministic snowflakes: the same world always has the same
ids), and the rows are generated for its ids: each guild's channels, and per guild a few fake
members (who send the interactions) and the fake users that receive DM reminders; every other
member exists only in the database, as in a large guild whose member list Discord does not
send at start.

Lighter per member than the 100k set (benchmarks/data.py), because one day needs no history:
each member has 0-4 activity rows over the last 14 days (what the pitfall sweep reads), and
no daily completions, projects or review cards. What the day does need is there: guild
settings with channels, zones and post times spread over the day; `dm_opt_in` at 5 %, a
streak reminder for a tenth of those (0.5 % of members; its `due_reminders` row), and for a
fifth of the reminded a live streak (three study days up to yesterday), so a DM goes out only
to them; and yesterday's posts in the delivery ledger, as a bot that ran yesterday left them.

The schema comes from the real Alembic migrations (`Store.migrate()`); the database is built
under a temporary name and renamed when complete, so a cached `many_...` database is always
whole. Its name carries the generator version, the size and a hash of the migrations.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from typing import Any
from zoneinfo import ZoneInfo

from benchmarks.pgdata import FILE_COPY
from bot.sandbox.server import FakeDiscord

GENERATOR_VERSION = 4
SEED = 16
# The simulated day: Tuesday 3 March 2026, 00:00 to 24:00 UTC (no DST change anywhere). In
# every zone these 24 hours fall on weekdays (Monday 14:00 to Wednesday 13:00 local), so each
# guild's question of the day (Monday to Friday) falls due exactly once, as its daily post.
DAY_START = datetime(2026, 3, 3, 0, 0, tzinfo=UTC)
ZONES = (
    "Pacific/Honolulu",
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Sao_Paulo",
    "Atlantic/Azores",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Athens",
    "Europe/Moscow",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Bangkok",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
)
CHANNELS = ("general", "daily", "interview")
FAKE_MEMBERS_PER_GUILD = 2  # interaction senders: in the fake guild and the database
DM_OPT_IN = 0.05
REMINDER_SHARE = 0.10  # of the opted-in: a streak reminder set
LIVE_STREAK_SHARE = 0.20  # of the reminded: a streak that ends tonight (a DM goes out)
HOURS_BEFORE = 4
STUDY_MINUTES = 60  # over the default study-day threshold
KINDS = ("course", "reading", "math", "coding", "project", "interview")
# Far above any id the fake hands out: members that exist only in the database.
DB_ONLY_ID_BASE = 9 * 10**17


@dataclass(frozen=True)
class GuildPlan:
    index: int
    guild_id: int
    zone: str
    daily_channel_id: int
    interview_channel_id: int
    daily_time: str
    qotd_time: str
    #: Fake members (interactions) first, then DM recipients (fake users), then the rest.
    senders: tuple[int, ...]
    recipients: tuple[int, ...]


@dataclass
class World:
    """The fake Discord (not started) and the plan of every guild."""

    fake: FakeDiscord
    guilds: list[GuildPlan]
    members: int


@dataclass
class Loaded:
    name: str
    seconds: float
    cached: bool
    rows: dict[str, int] = field(default_factory=dict)


def build_world(guilds: int, members: int) -> World:
    """The same fake world for the same sizes: guilds, channels, senders and DM recipients."""
    rng = random.Random(SEED)
    fake = FakeDiscord()
    plans: list[GuildPlan] = []
    for index in range(guilds):
        guild = fake.add_guild(f"Study {index:04d}", CHANNELS)
        by_name = {c.name: c.id for c in guild.channels.values()}
        senders = tuple(
            fake.add_member(guild, f"g{index}m{j}", dispatch=False).user.id
            for j in range(min(FAKE_MEMBERS_PER_GUILD, members))
        )
        live = max(1, round(members * DM_OPT_IN * REMINDER_SHARE * LIVE_STREAK_SHARE))
        recipients = tuple(fake.add_user(f"g{index}r{j}").id for j in range(live))
        plans.append(
            GuildPlan(
                index=index,
                guild_id=guild.id,
                zone=ZONES[index % len(ZONES)],
                daily_channel_id=by_name["daily"],
                interview_channel_id=by_name["interview"],
                daily_time=f"{rng.randrange(6, 22):02d}:{rng.randrange(0, 60, 5):02d}",
                qotd_time=f"{rng.randrange(8, 20):02d}:{rng.randrange(0, 60, 5):02d}",
                senders=senders,
                recipients=recipients,
            )
        )
    return World(fake, plans, members)


def _fingerprint() -> str:
    from bot.core.store.engine import MIGRATIONS_DIR

    digest = hashlib.sha256()
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def database_name(guilds: int, members: int) -> str:
    key = hashlib.sha256(
        json.dumps([GENERATOR_VERSION, SEED, guilds, members, _fingerprint()]).encode()
    ).hexdigest()[:10]
    return f"many_v{GENERATOR_VERSION}_g{guilds}_m{members}_{key}"


def with_database(url: str, name: str) -> str:
    """`url` (SQLAlchemy or libpq form) pointing at database `name`."""
    base, _, _ = url.rpartition("/")
    return f"{base}/{name}"


def libpq(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _admin(url: str) -> Any:
    import asyncpg

    return await asyncpg.connect(libpq(with_database(url, "postgres")))


async def ensure_dataset(url: str, world: World) -> Loaded:
    """The cached dataset database for `world` (generated on first use)."""
    name = database_name(len(world.guilds), world.members)
    admin = await _admin(url)
    try:
        if await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            return Loaded(name, 0.0, cached=True)
        building = f"many_tmp_{os.getpid()}_{int(time.time())}"
        await admin.execute(f'CREATE DATABASE "{building}"')
    finally:
        await admin.close()
    began = time.perf_counter()
    rows = await _generate(with_database(url, building), world)
    admin = await _admin(url)
    try:
        await admin.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
    finally:
        await admin.close()
    return Loaded(name, time.perf_counter() - began, cached=False, rows=rows)


async def copy_database(url: str, template: str, name: str) -> str:
    """A fresh copy of the dataset for one run (the day writes to it); its URL."""
    admin = await _admin(url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        # A file-level copy, not the whole database through the WAL (`pgdata.FILE_COPY`).
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" {FILE_COPY}')
    finally:
        await admin.close()
    return with_database(url, name)


async def drop_database(url: str, name: str) -> None:
    admin = await _admin(url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def _generate(url: str, world: World) -> dict[str, int]:
    import asyncpg

    from bot.core.store import Store

    store = Store(url)
    try:
        await store.migrate()
    finally:
        await store.close()
    conn = await asyncpg.connect(libpq(url))
    counts: dict[str, int] = {}
    try:
        for table, columns, records in _tables(world):
            batch: list[tuple[Any, ...]] = []
            for record in records:
                batch.append(record)
                if len(batch) >= 50_000:
                    await conn.copy_records_to_table(table, records=batch, columns=columns)
                    counts[table] = counts.get(table, 0) + len(batch)
                    batch = []
            if batch:
                await conn.copy_records_to_table(table, records=batch, columns=columns)
                counts[table] = counts.get(table, 0) + len(batch)
        # The serial ids were written explicitly: move the sequence past them.
        await conn.execute(
            "SELECT setval(pg_get_serial_sequence('activity', 'id'), "
            "(SELECT COALESCE(MAX(id), 0) + 1 FROM activity), false)"
        )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return counts


Rows = Iterator[tuple[Any, ...]]


def _tables(world: World) -> Iterator[tuple[str, list[str], Rows]]:
    now = DAY_START.replace(tzinfo=None) - timedelta(minutes=1)  # naive UTC, as stored
    guilds = world.guilds
    yield (
        "guild_config",
        [
            *("guild_id", "timezone", "daily_channel_id", "interview_channel_id", "broken"),
            *("created_at", "updated_at"),
        ],
        (
            (g.guild_id, g.zone, g.daily_channel_id, g.interview_channel_id, "{}", now, now)
            for g in guilds
        ),
    )
    for table, attribute in (("daily_schedule", "daily_time"), ("interview_qotd", "qotd_time")):
        yield (
            table,
            ["guild_id", "post_time", "updated_at"],
            ((g.guild_id, getattr(g, attribute), now) for g in guilds),
        )
    yield (
        "deliveries",
        ["key", "guild_id", "kind", "status", "created_at", "sent_at", "attempts", "owner"],
        _yesterdays_posts(guilds, now),
    )
    plans = [_members(g, world.members) for g in guilds]
    yield (
        "members",
        ["guild_id", "user_id", "timezone", "dm_opt_in", "created_at", "updated_at"],
        ((m.guild_id, m.user_id, None, m.opted_in, now, now) for members in plans for m in members),
    )
    yield (
        "member_reminders",
        ["guild_id", "user_id", "streak", "streak_hours_before", "updated_at"],
        (
            (m.guild_id, m.user_id, True, HOURS_BEFORE, now)
            for members in plans
            for m in members
            if m.reminded
        ),
    )
    yield (
        "due_reminders",
        ["guild_id", "user_id", "kind", "due_at_utc", "payload"],
        _due_reminders(guilds, plans),
    )
    yield (
        "activity",
        ["id", "guild_id", "user_id", "occurred_at", "local_date", "kind", "minutes", "source"],
        _activity(guilds, plans),
    )


@dataclass(frozen=True)
class _Member:
    guild_id: int
    user_id: int
    opted_in: bool
    reminded: bool
    live_streak: bool
    history: int  # activity rows


def _members(guild: GuildPlan, count: int) -> list[_Member]:
    rng = random.Random(f"{SEED}:{guild.index}")
    reminded_target = max(len(guild.recipients), round(count * DM_OPT_IN * REMINDER_SHARE))
    out: list[_Member] = []
    for j in range(count):
        if j < len(guild.senders):
            user_id = guild.senders[j]
        elif j - len(guild.senders) < len(guild.recipients):
            user_id = guild.recipients[j - len(guild.senders)]
        else:
            user_id = DB_ONLY_ID_BASE + guild.index * 1_000_000 + j
        live = len(guild.senders) <= j < len(guild.senders) + len(guild.recipients)
        # Recipients first among the reminded, then more reminded without a live streak.
        reminded = live or len(guild.senders) <= j < len(guild.senders) + reminded_target
        opted_in = reminded or rng.random() < DM_OPT_IN * (1 - REMINDER_SHARE)
        out.append(_Member(guild.guild_id, user_id, opted_in, reminded, live, rng.randrange(5)))
    return out


def _yesterdays_posts(guilds: list[GuildPlan], now: datetime) -> Rows:
    """The ledger rows of each guild's last post before the day: the bot ran yesterday, so
    its start-up catch-up finds nothing to post (or to mark skipped)."""
    from bot.core.time import latest_fire

    aware = now.replace(tzinfo=UTC)
    for g in guilds:
        zone = ZoneInfo(g.zone)
        for kind, at, weekdays in (
            ("daily", g.daily_time, range(7)),
            ("qotd", g.qotd_time, range(5)),
        ):
            fired = latest_fire(aware, clock_time.fromisoformat(at), zone, weekdays)
            day = fired.astimezone(zone).date()
            sent = fired.replace(tzinfo=None)
            yield (f"{kind}:{g.guild_id}:{day}", g.guild_id, kind, "sent", sent, sent, 1, "y")


def _reminder_due(guild: GuildPlan) -> datetime:
    """When the guild's streak reminders fall due: its next 20:00 (within the day in every
    zone: Honolulu's is 06:00 UTC, Auckland's 07:00 UTC)."""
    from bot.daily.rules.window import next_streak_check

    zone = ZoneInfo(guild.zone)
    return next_streak_check(DAY_START, DAY_START.astimezone(zone).date(), zone, HOURS_BEFORE)


def _due_reminders(guilds: list[GuildPlan], plans: list[list[_Member]]) -> Rows:
    for g, members in zip(guilds, plans, strict=True):
        due = _reminder_due(g).replace(tzinfo=None)
        for m in members:
            if m.reminded:
                yield (m.guild_id, m.user_id, "streak", due, "{}")


def _activity(guilds: list[GuildPlan], plans: list[list[_Member]]) -> Rows:
    serial = 0
    for g, members in zip(guilds, plans, strict=True):
        rng = random.Random(f"{SEED}:activity:{g.index}")
        zone = ZoneInfo(g.zone)
        today = DAY_START.astimezone(zone).date()
        reminded_on = _reminder_due(g).astimezone(zone).date()
        for m in members:
            days: list[tuple[date, int, str]]
            if m.live_streak:  # three study days up to the day before: it ends that night
                days = [
                    (reminded_on - timedelta(days=d), STUDY_MINUTES, "coding") for d in (1, 2, 3)
                ]
            else:
                days = [
                    (today - timedelta(days=rng.randrange(1, 15)), rng.choice((15, 30, 45)), k)
                    for k in rng.choices(KINDS, k=m.history)
                ]
            for day, minutes, kind in days:
                serial += 1
                local_noon = datetime.combine(day, clock_time(12), zone)
                occurred = local_noon.astimezone(UTC).replace(tzinfo=None)
                yield (
                    serial,
                    m.guild_id,
                    m.user_id,
                    occurred,
                    day.isoformat(),
                    kind,
                    minutes,
                    "log",
                )
