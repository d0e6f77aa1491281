"""The sweep's set-based pass over `activity`: one range of members at a time.

A guild's members are cut into ranges of about `SWEEP_CHUNK` ids (`member_edges`, one query
on the member key), and each range is read with a handful of short queries:

- ONE aggregate over `activity` with a conditional sum per rule input, so every window is
  read in the same pass (served by `ix_activity_pitfall_members`: the range is one slice of
  the index, already in GROUP BY order, and every column read is in it);
- the progress feature's community counters, the member rows (who is new, who left) and the
  projects feature's active projects (undecoded: the facts are built where the rules run,
  in the bot's worker process), each for the same range.

The ranges together cover every id (`MemberRange.split`), including activity of ids without
a member row, so the chunks add up to the whole guild. Each query is short and returns at
most a chunk's rows, so neither the database nor the event loop is held for long; the rules
take a chunk's `MemberSignals` a slice of members at a time (`bot.pitfalls.assess`).
`member_signals_reference` (`bot.pitfalls.store.reference`) is the one-member oracle the
tests compare against.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, String, bindparam, case, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from bot.activity.api import PRACTICE_KINDS, THEORY_KINDS, activity
from bot.core.records import frozen
from bot.core.store.ranges import MemberRange
from bot.core.store.schema import members
from bot.pitfalls.rules import MemberSignals, ProjectFactsLike
from bot.pitfalls.store.batching import SWEEP_CHUNK
from bot.pitfalls.store.facts import community_days, member_facts
from bot.pitfalls.thresholds import PitfallThresholds
from bot.projects.api import RawProjectRow, most_stuck_of, perfectionism_rows, projects_by_member

#: One member's row of the single pass: user id, course minutes, project minutes, project
#: rows, study days, community rows, theory minutes, practice minutes.
Totals = tuple[int, int, int, int, int, int, int, int]
_TOTALS_FIELDS = 8


#: The single pass's rows column by column (`Totals`' fields), each as its integers in one
#: comma-separated text, aligned (the nth number of each is the same member's).
Columns = tuple[str, ...]


class int_list(FunctionElement[str]):  # lower case: used like a SQL function
    """An aggregate: the group's values of an integer column as one comma-separated text
    (NULL for no rows). A range's 5,000 rows of eight numbers come back as eight strings:
    nothing per row or per number on the event loop (SQLAlchemy's rows and Python ints were
    ~0.25 s of its CPU per 100k-member sweep), and they cross to the worker process as they
    are, where numpy parses each in one call (`bot.pitfalls.vectorised.parse_columns`)."""

    type = String()
    name = "int_list"
    inherit_cache = True


@compiles(int_list)
def _int_list(element: int_list, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite (and MySQL): every aggregate of a query sees the rows in the same order.
    return f"group_concat({compiler.process(element.clauses, **kw)}, ',')"


@compiles(int_list, "postgresql")
def _int_list_postgresql(element: int_list, compiler: SQLCompiler, **kw: Any) -> str:
    # The aggregates of one query are fed the same rows in the same order: aligned lists.
    return f"string_agg(CAST({compiler.process(element.clauses, **kw)} AS TEXT), ',')"


def totals_columns(rows: Iterable[Sequence[int]]) -> Columns:
    """`rows` (the single pass's, one per member) as `Columns`, as `read_chunk` reads them."""
    transposed = list(zip(*rows, strict=True)) or [()] * _TOTALS_FIELDS
    return tuple(",".join(map(str, column)) for column in transposed)


@frozen
class SweepChunk:
    """What the sweep read for one range of members: the rules' whole input for them.

    Kept as texts, tuples and dicts of numbers (which the garbage collector does not track)
    and evaluated as arrays (`bot.pitfalls.assess.evaluate_whole_chunk`) or turned into
    `MemberSignals` one member at a time (`members`): a chunk alive while the next is read
    does not fill the collector's oldest generation.
    """

    users: MemberRange
    #: The single pass's rows (members with activity in any rule's window), as columns.
    columns: Columns
    #: Members -> days with community activity (the progress feature's counters).
    community: dict[int, int]
    #: Members first known inside the longest window -> whole days known.
    history: dict[int, int]
    #: The range's active projects as the projects feature read them (undecoded: the facts
    #: of each member's most stuck one are built by `members`, where the rules run).
    projects: list[RawProjectRow]
    #: Members of the range who shipped a project.
    shipped: frozenset[int]
    #: Members of the range who left the guild: never evaluated.
    departed: frozenset[int]
    #: The sweep's instant (the projects' ages are counted to it).
    now: datetime

    @property
    def totals(self) -> list[Totals]:
        """The single pass's rows, in id order."""
        numbers = [[int(n) for n in text.split(",")] if text else [] for text in self.columns]
        return sorted(zip(*numbers, strict=True))

    def signal(self, row: Totals) -> MemberSignals:
        """One member's numbers from their row of the single pass."""
        user_id, course, project, events, days, social, theory, practice = row
        # Positional (in `MemberSignals`' field order): built 100k times a sweep.
        return MemberSignals(
            course,  # course_minutes
            project,  # project_minutes
            events,  # project_events
            days,  # study_days
            # community_events: either source is enough to say "not isolated"; the larger
            # is the better count.
            max(social, self.community.get(user_id, 0)),
            theory,  # theory_minutes
            practice,  # practice_minutes
            self.history.get(user_id),  # history_days
        )

    def signals(self) -> dict[int, MemberSignals]:
        """Every member with activity in any rule's window -> their numbers."""
        return {row[0]: self.signal(row) for row in self.totals}

    def members(self) -> Iterator[tuple[int, MemberSignals, ProjectFactsLike | None]]:
        """The rules' input, member by member in id order: everyone with numbers or an active
        project, except the departed (a member with a project only has all-zero numbers)."""
        rows = {row[0]: row for row in self.totals}
        projects = projects_by_member(self.projects)
        nothing = MemberSignals()
        for user_id in sorted((rows.keys() | projects.keys()) - self.departed):
            row = rows.get(user_id)
            signals = nothing if row is None else self.signal(row)
            theirs = projects.get(user_id)
            if theirs is None:
                yield user_id, signals, None
            else:
                yield user_id, signals, most_stuck_of(theirs, user_id in self.shipped, self.now)


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


#: Bounds that stand for an open end of a range (member ids are 64-bit integers).
_LOWEST, _HIGHEST = -(2**63), 2**63 - 1


def _range_bounds(users: MemberRange) -> dict[str, int]:
    """`users` as the parameters of `_listed_single_pass`."""
    return {
        "after": _LOWEST if users.after is None else users.after,
        "upto": _HIGHEST if users.upto is None else users.upto,
    }


@lru_cache(maxsize=8)
def _listed_single_pass(guild_id: int, now: datetime, t: PitfallThresholds) -> Select[Any]:
    """The single pass of one range as `int_list` texts, the range's bounds its parameters
    (`_range_bounds`): built once per sweep, not per range, since building it and its cache
    key (a CASE per column) cost the event loop ~3 ms a time."""
    single = _single_pass(guild_id, now, t).subquery()
    return select(*(int_list(column) for column in single.c))


def _single_pass(guild_id: int, now: datetime, t: PitfallThresholds) -> Select[Any]:
    """One row per member of the range (parameters `after`, `upto`) with activity in the
    longest window: every rule's input at once."""
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

    totals = [
        a.user_id,
        minutes(t.tutorial_days, a.kind == "course"),
        minutes(t.tutorial_days, a.kind == "project"),
        rows(t.tutorial_days, a.kind == "project"),
        func.count(distinct(case((within(t.isolation_days, a.kind != "community"), a.local_date)))),
        rows(t.isolation_days, a.kind == "community"),
        minutes(t.gap_days, a.kind.in_(sorted(THEORY_KINDS))),
        minutes(t.gap_days, a.kind.in_(sorted(PRACTICE_KINDS))),
    ]
    return (
        select(*(column.label(f"total_{i}") for i, column in enumerate(totals)))
        .where(
            a.guild_id == guild_id,
            a.user_id > bindparam("after"),
            a.user_id <= bindparam("upto"),
            a.occurred_at > now - timedelta(days=longest),
            a.occurred_at <= now,
        )
        .group_by(a.user_id)
    )


async def read_chunk(
    conn: AsyncConnection, guild_id: int, now: datetime, t: PitfallThresholds, users: MemberRange
) -> SweepChunk:
    """Everything the rules need for the members of `users` (a few short queries)."""
    single_pass = _listed_single_pass(guild_id, now, t)
    listed = (await conn.execute(single_pass, _range_bounds(users))).one()
    columns: Columns = tuple(text or "" for text in listed)
    community = await community_days(conn, guild_id, now, t.isolation_days, users=users)
    history, departed = await member_facts(conn, guild_id, now, t.longest_window(), users)
    projects, shipped = await perfectionism_rows(conn, guild_id, users)
    return SweepChunk(
        users, columns, community, history, projects, shipped, frozenset(departed), now
    )


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
        signals.update(chunk.signals())
    return signals
