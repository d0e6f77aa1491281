"""The sweep's set-based pass over `activity`: one range of members at a time.

A guild's members are cut into ranges of about `SWEEP_CHUNK` ids (`member_edges`, one query
on the member key), and each range is read with a handful of short queries:

- ONE aggregate over `activity` with a conditional sum per rule input, so every window is
  read in the same pass (served by `ix_activity_pitfall_members`: the range is one slice of
  the index, already in GROUP BY order, and every column read is in it);
- the progress feature's community counters, the member rows (who is new, who left) and the
  projects feature's perfectionism facts, each for the same range.

The ranges together cover every id (`MemberRange.split`), including activity of ids without
a member row, so the chunks add up to the whole guild. Each query is short and returns at
most a chunk's rows, so neither the database nor the event loop is held for long; turning
rows into `MemberSignals` happens in a worker thread. `member_signals_reference`
(`bot.pitfalls.store.reference`) is the one-member oracle the tests compare against.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, Select, case, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.activity.api import PRACTICE_KINDS, THEORY_KINDS, activity
from bot.core.store.ranges import MemberRange
from bot.core.store.schema import members
from bot.pitfalls.rules import MemberSignals, PitfallThresholds, ProjectFactsLike
from bot.pitfalls.store.batching import SWEEP_CHUNK
from bot.pitfalls.store.facts import community_days, member_facts, project_facts


@dataclass(frozen=True)
class SweepChunk:
    """What the sweep read for one range of members: the rules' whole input for them."""

    users: MemberRange
    #: Members with activity in any rule's window -> their numbers.
    signals: dict[int, MemberSignals]
    #: Members with an active project -> their most stuck one.
    projects: dict[int, ProjectFactsLike]
    #: Members of the range who left the guild: never evaluated.
    departed: frozenset[int]


async def member_edges(conn: AsyncConnection, guild_id: int, size: int) -> list[int]:
    """Every `size`-th member id of the guild, ascending: where one range ends and the next
    begins. The database numbers the rows; only the edges come back."""
    numbered = (
        select(
            members.c.user_id,
            func.row_number().over(order_by=members.c.user_id).label("position"),
        )
        .where(members.c.guild_id == guild_id)
        .subquery()
    )
    query: Select[Any] = (
        select(numbered.c.user_id)
        .where(numbered.c.position % size == 0)
        .order_by(numbered.c.user_id)
    )
    return [int(user_id) for (user_id,) in await conn.execute(query)]


def _single_pass(
    guild_id: int, now: datetime, t: PitfallThresholds, users: MemberRange
) -> Select[Any]:
    """One row per member with activity in the longest window: every rule's input at once."""
    a = activity.c
    longest = t.longest_window()

    def within(days: int, condition: Any) -> Any:
        # The WHERE clause already keeps the longest window: no second test per row for it.
        if days >= longest:
            return condition
        return (a.occurred_at > now - timedelta(days=days)) & condition

    def minutes(days: int, condition: Any) -> Any:
        return func.sum(case((within(days, condition), a.minutes), else_=0))

    def rows(days: int, condition: Any) -> Any:
        return func.sum(case((within(days, condition), 1), else_=0))

    return (
        select(
            a.user_id,
            minutes(t.tutorial_days, a.kind == "course"),
            minutes(t.tutorial_days, a.kind == "project"),
            rows(t.tutorial_days, a.kind == "project"),
            func.count(
                distinct(case((within(t.isolation_days, a.kind != "community"), a.local_date)))
            ),
            rows(t.isolation_days, a.kind == "community"),
            minutes(t.gap_days, a.kind.in_(sorted(THEORY_KINDS))),
            minutes(t.gap_days, a.kind.in_(sorted(PRACTICE_KINDS))),
        )
        .where(
            a.guild_id == guild_id,
            users.where(a.user_id),
            a.occurred_at > now - timedelta(days=longest),
            a.occurred_at <= now,
        )
        .group_by(a.user_id)
    )


def chunk_signals(
    totals: Sequence[Row[Any]], community: dict[int, int], history: dict[int, int]
) -> dict[int, MemberSignals]:
    """The single pass's rows as `MemberSignals` (run in a worker thread: pure Python)."""
    out: dict[int, MemberSignals] = {}
    for user_id, course, project, events, days, social, theory, practice in totals:
        member = int(user_id)
        out[member] = MemberSignals(
            course_minutes=int(course),
            project_minutes=int(project),
            project_events=int(events),
            study_days=int(days),
            # Either source is enough to say "not isolated"; the larger is the better count.
            community_events=max(int(social), community.get(member, 0)),
            theory_minutes=int(theory),
            practice_minutes=int(practice),
            history_days=history.get(member),
        )
    return out


async def read_chunk(
    conn: AsyncConnection, guild_id: int, now: datetime, t: PitfallThresholds, users: MemberRange
) -> SweepChunk:
    """Everything the rules need for the members of `users` (a few short queries)."""
    totals = (await conn.execute(_single_pass(guild_id, now, t, users))).all()
    community = await community_days(conn, guild_id, now, t.isolation_days, users=users)
    history, departed = await member_facts(conn, guild_id, now, t.longest_window(), users)
    projects = await project_facts(conn, guild_id, now, users)
    signals = await asyncio.to_thread(chunk_signals, totals, community, history)
    return SweepChunk(users, signals, projects, frozenset(departed))


async def sweep_chunks(
    conn: AsyncConnection,
    guild_id: int,
    now: datetime,
    t: PitfallThresholds,
    size: int = SWEEP_CHUNK,
) -> AsyncIterator[SweepChunk]:
    """The guild's members a range of about `size` at a time, in ascending id order."""
    for users in MemberRange.split(await member_edges(conn, guild_id, size)):
        yield await read_chunk(conn, guild_id, now, t, users)


async def sweep_guild(
    conn: AsyncConnection,
    guild_id: int,
    now: datetime,
    t: PitfallThresholds,
    size: int = SWEEP_CHUNK,
) -> dict[int, MemberSignals]:
    """Every member with activity in any rule's window -> their numbers (all chunks)."""
    signals: dict[int, MemberSignals] = {}
    async for chunk in sweep_chunks(conn, guild_id, now, t, size):
        signals.update(chunk.signals)
    return signals
