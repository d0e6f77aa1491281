"""The folded reads and writes that keep `/log` and `/interview practice` to few round trips
return exactly what the separate statements they replace return."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.activity import store as activity_rows
from bot.core.clock import FakeClock
from bot.core.store import Store
from bot.daily import store as daily_rows
from bot.interview import store as interview_rows
from bot.members import guild_store as guild_rows
from bot.members import store as member_rows
from bot.members.api import MemberService
from bot.progress import store as progress_rows
from tests.fixtures.activity import log_activity

GUILD, OTHER = 1, 2
DAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


async def _log(
    store: Store, user: int, day: date, kind: str, minutes: int, *, guild: int = GUILD
) -> None:
    await log_activity(store, guild, user, day, kind, minutes)


async def _separately(store: Store, user: int) -> tuple[list[date], dict[date, int], int]:
    async with store.connect() as conn:
        return (
            await daily_rows.completion_days(conn, GUILD, user),
            await daily_rows.minutes_by_day(conn, GUILD, user),
            await daily_rows.study_minutes(conn, GUILD),
        )


async def test_study_facts_match_the_three_reads_it_replaces(store: Store) -> None:
    async with store.connect() as conn:  # nothing stored: the default threshold
        assert await daily_rows.study_facts(conn, GUILD, 1) == ([], {}, 15)
    async with store.begin() as conn:
        await daily_rows.save_study_minutes(conn, GUILD, NOW, 20)
        await daily_rows.save_study_minutes(conn, OTHER, NOW, 45)
        for offset in (0, 0, 2):  # one prompt twice, two on one local day
            await daily_rows.add_completion(conn, GUILD, 1, DAY + timedelta(days=offset), DAY, NOW)
        earlier = DAY - timedelta(days=3)
        await daily_rows.add_completion(conn, GUILD, 1, earlier, earlier, NOW)
        await daily_rows.add_completion(conn, OTHER, 1, DAY, DAY + timedelta(days=5), NOW)
    await _log(store, 1, DAY, "coding", 10)
    await _log(store, 1, DAY, "course", 15)  # summed per day
    await _log(store, 1, DAY + timedelta(days=1), "coding", 0)  # a day with rows, 0 minutes
    await _log(store, 2, DAY, "coding", 60)  # another member
    await _log(store, 1, DAY, "coding", 90, guild=OTHER)  # another guild
    async with store.connect() as conn:
        folded = await daily_rows.study_facts(conn, GUILD, 1)
    assert folded == await _separately(store, 1)
    assert folded == (
        [DAY - timedelta(days=3), DAY],
        {DAY: 25, DAY + timedelta(days=1): 0},
        20,
    )


async def test_open_attempt_returns_the_row_as_stored(store: Store) -> None:
    async with store.begin() as conn:
        opened = await interview_rows.open_attempt(
            conn,
            now=NOW,
            guild_id=GUILD,
            user_id=1,
            question_id="q-1",
            category="coding",
            source="practice",
            filter_category="coding",
            filter_difficulty=2,
        )
        stored = await interview_rows.attempt(conn, opened["id"])
    assert opened == stored
    assert (opened["hints_used"], opened["key_points_shown"], opened["rated_at"]) == (
        0,
        False,
        None,
    )
    assert opened["started_at"] == NOW


async def test_context_says_whether_the_member_row_is_stored(
    store: Store, clock: FakeClock
) -> None:
    members = MemberService(store, clock)
    assert not (await members.context(GUILD, 1)).stored
    await members.set_timezone(GUILD, 1, "Europe/Berlin")
    assert (await members.context(GUILD, 1)).stored
    assert not (await members.context(OTHER, 1)).stored
    async with store.begin() as conn:  # on the caller's connection: the same context
        for guild in (GUILD, OTHER):
            assert await members.context_in(conn, guild, 1) == await members.context(guild, 1)


async def test_activity_with_a_stored_member_skips_the_member_row(store: Store) -> None:
    async with store.begin() as conn:
        await member_rows.ensure(conn, GUILD, 1, NOW)
        before = await member_rows.get(conn, GUILD, 1)
        await activity_rows.add(
            conn,
            member_stored=True,
            guild_id=GUILD,
            user_id=1,
            occurred_at=NOW + timedelta(hours=1),
            local_day=DAY,
            kind="coding",
            minutes=30,
            source="log",
        )
        assert await member_rows.get(conn, GUILD, 1) == before
        assert await daily_rows.minutes_by_day(conn, GUILD, 1) == {DAY: 30}
    await _log(store, 2, DAY, "coding", 5)  # not known to be stored: the row is made
    async with store.connect() as conn:
        assert await member_rows.get(conn, GUILD, 2) is not None


async def test_minutes_and_goal_match_the_two_reads_they_replace(
    store: Store, clock: FakeClock
) -> None:
    async with store.connect() as conn:  # no prefs row, no activity
        assert await progress_rows.minutes_and_goal(conn, GUILD, 1, DAY) == ([], None)
    await _log(store, 1, DAY - timedelta(days=1), "coding", 40)  # before `since`
    await _log(store, 1, DAY, "coding", 10)
    await _log(store, 1, DAY, "coding", 5)
    await _log(store, 1, DAY, "course", 20)
    await _log(store, 1, DAY + timedelta(days=2), "reading", 0)
    await _log(store, 2, DAY, "coding", 60)
    expected = [(DAY, "coding", 15), (DAY, "course", 20), (DAY + timedelta(days=2), "reading", 0)]
    for saved in ({"digest": True}, {"goal_minutes": 300}):  # a row without a goal, then one
        async with store.begin() as conn:
            await progress_rows.save_prefs(conn, GUILD, 1, clock.now(), **saved)
            day_rows, goal = await progress_rows.minutes_and_goal(conn, GUILD, 1, DAY)
            assert sorted(day_rows) == sorted(
                await progress_rows.minutes_by_day_kind(conn, GUILD, 1, DAY)
            )
            assert sorted(day_rows) == expected
            assert goal == (await progress_rows.prefs(conn, GUILD, 1))["goal_minutes"]
    assert goal == 300


async def test_member_with_guild_matches_the_two_reads_it_replaces(store: Store) -> None:
    async def both(conn: AsyncConnection, user: int) -> None:
        separately = (
            await member_rows.get(conn, GUILD, user),
            await guild_rows.get(conn, GUILD),
        )
        assert await member_rows.with_guild(conn, GUILD, user) == separately

    async with store.begin() as conn:
        await both(conn, 1)  # neither stored
        assert await member_rows.with_guild(conn, GUILD, 1) == (None, None)
        await member_rows.update_fields(conn, GUILD, 1, NOW, timezone="Asia/Tokyo")
        await both(conn, 1)  # the member only
        await guild_rows.ensure(conn, GUILD, NOW)
        await guild_rows.ensure(conn, OTHER, NOW)
        await member_rows.ensure(conn, OTHER, 2, NOW)
        await both(conn, 1)  # both
        await both(conn, 2)  # the guild only (the member is stored in another guild)
        member, guild = await member_rows.with_guild(conn, GUILD, 1)
    assert member is not None and member["timezone"] == "Asia/Tokyo"
    assert guild is not None and guild["broken"] == {}
