"""Store tests for projects: the history, the weekly roster and the facts other features read."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.core.store import Store
from bot.projects import store as rows
from bot.projects.rules import DEFAULT_MILESTONES, PortfolioSummary

GUILD = 1
OTHER_GUILD = 2
ALICE, BOB, KAI = 10, 20, 30
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


async def _start(
    store: Store,
    user_id: int,
    title: str,
    *,
    at: datetime = T0,
    guild_id: int = GUILD,
    domain: str = "nlp",
) -> int:
    async with store.begin() as conn:
        return await rows.create(
            conn,
            guild_id=guild_id,
            user_id=user_id,
            title=title,
            domain=domain,
            goal="ship it",
            target_date=date(2026, 5, 1),
            link=None,
            idea_id=None,
            milestones=DEFAULT_MILESTONES,
            now=at,
        )


async def test_history_keeps_every_event_in_order(store: Store) -> None:
    project = await _start(store, ALICE, "Sentiment")
    async with store.begin() as conn:
        for day, progress in ((1, 10), (3, 25)):
            await rows.add_event(
                conn,
                GUILD,
                project,
                ALICE,
                "checkin",
                T0 + timedelta(days=day),
                progress=progress,
                did=f"day {day}",
            )
        assert await rows.tick_milestone(conn, GUILD, project, 0, T0 + timedelta(days=4))
        assert not await rows.tick_milestone(conn, GUILD, project, 0, T0 + timedelta(days=5))
        await rows.add_event(
            conn, GUILD, project, ALICE, "milestone", T0 + timedelta(days=4), milestone=0
        )
        await rows.add_event(
            conn, GUILD, project, ALICE, "drop", T0 + timedelta(days=6), note="new job"
        )
    async with store.connect() as conn:
        history = await rows.events(conn, GUILD, project)
        milestones = await rows.milestones(conn, GUILD, project)
    assert [e.kind for e in history] == ["start", "checkin", "checkin", "milestone", "drop"]
    assert [e.progress for e in history[1:3]] == [10, 25]
    assert history[-1].note == "new job"
    assert history[1].occurred_at == T0 + timedelta(days=1)  # aware UTC back
    assert [m["title"] for m in milestones] == list(DEFAULT_MILESTONES)
    assert milestones[0]["done_at"] == T0 + timedelta(days=4)
    assert all(m["done_at"] is None for m in milestones[1:])


async def test_events_limit_keeps_the_latest(store: Store) -> None:
    project = await _start(store, ALICE, "Sentiment")
    async with store.begin() as conn:
        for i in range(5):
            await rows.add_event(
                conn, GUILD, project, ALICE, "checkin", T0 + timedelta(hours=i + 1), progress=i
            )
        history = await rows.events(conn, GUILD, project, limit=3)
    assert [e.progress for e in history] == [2, 3, 4]


async def test_member_projects_active_first_and_counted(store: Store) -> None:
    first = await _start(store, ALICE, "First")
    second = await _start(store, ALICE, "Second", at=T0 + timedelta(days=1))
    await _start(store, ALICE, "Elsewhere", guild_id=OTHER_GUILD)
    async with store.begin() as conn:
        await rows.update_project(conn, GUILD, second, T0, status="done")
        listed = await rows.for_member(conn, GUILD, ALICE)
        assert await rows.active_count(conn, GUILD, ALICE) == 1
        assert [p["id"] for p in listed] == [first, second]
        only_active = await rows.for_member(conn, GUILD, ALICE, ["active"])
    assert [p["title"] for p in only_active] == ["First"]


async def test_public_checkins_default_true_and_saved(store: Store) -> None:
    async with store.begin() as conn:
        assert await rows.public_checkins(conn, GUILD, ALICE)
        await rows.set_public_checkins(conn, GUILD, ALICE, False, T0)
        assert not await rows.public_checkins(conn, GUILD, ALICE)
        await rows.set_public_checkins(conn, GUILD, ALICE, True, T0)
        assert await rows.public_checkins(conn, GUILD, ALICE)


async def test_weekly_roster_lists_public_members_with_active_projects(store: Store) -> None:
    a1 = await _start(store, ALICE, "A1")
    await _start(store, ALICE, "A2")
    b1 = await _start(store, BOB, "B1")
    k1 = await _start(store, KAI, "K1")
    async with store.begin() as conn:
        await rows.update_project(conn, GUILD, a1, T0, last_checkin_at=T0 + timedelta(days=2))
        await rows.set_public_checkins(conn, GUILD, BOB, False, T0)
        await rows.update_project(conn, GUILD, k1, T0, status="dropped")
        roster = await rows.weekly_roster(conn, GUILD)
    assert [r["user_id"] for r in roster] == [ALICE]
    assert roster[0]["projects"] == 2
    assert roster[0]["last_checkin_at"] == T0 + timedelta(days=2)
    assert b1  # Bob is private, Kai dropped theirs


async def test_portfolio_summary_counts_active_and_shipped(store: Store) -> None:
    a1 = await _start(store, ALICE, "A1", domain="cv")
    a2 = await _start(store, ALICE, "A2", domain="llm")
    await _start(store, ALICE, "A3", domain="llm")
    async with store.begin() as conn:
        await rows.update_project(
            conn, GUILD, a1, T0, shipped_at=T0 + timedelta(days=3), status="done"
        )
        await rows.update_project(
            conn, GUILD, a2, T0, shipped_at=T0, last_checkin_at=T0 + timedelta(days=1)
        )
        summary = await rows.portfolio(conn, GUILD, ALICE)
        empty = await rows.portfolio(conn, GUILD, BOB)
    assert summary == PortfolioSummary(
        active=2,
        shipped=2,
        shipped_domains=frozenset({"cv", "llm"}),
        last_checkin_at=T0 + timedelta(days=1),
    )
    assert empty == PortfolioSummary(0, 0, frozenset(), None)


async def test_shipped_counts_per_member_since(store: Store) -> None:
    a1 = await _start(store, ALICE, "A1")
    a2 = await _start(store, ALICE, "A2")
    b1 = await _start(store, BOB, "B1")
    await _start(store, KAI, "K1")
    async with store.begin() as conn:
        await rows.update_project(conn, GUILD, a1, T0, shipped_at=T0 + timedelta(days=1))
        await rows.update_project(conn, GUILD, a2, T0, shipped_at=T0 + timedelta(days=10))
        await rows.update_project(conn, GUILD, b1, T0, shipped_at=T0 + timedelta(days=2))
        everything = await rows.shipped_counts(conn, GUILD, None)
        recent = await rows.shipped_counts(conn, GUILD, T0 + timedelta(days=5))
        other = await rows.shipped_counts(conn, OTHER_GUILD, None)
    assert everything == {ALICE: 2, BOB: 1}
    assert recent == {ALICE: 1}
    assert other == {}


async def test_perfectionism_facts_pick_the_most_stuck_project(store: Store) -> None:
    now = T0 + timedelta(days=30)
    fresh = await _start(store, ALICE, "Fresh")
    stuck = await _start(store, ALICE, "Stuck")
    b1 = await _start(store, BOB, "Bob's", at=T0 + timedelta(days=20))
    done = await _start(store, BOB, "Old and shipped")
    await _start(store, KAI, "Elsewhere", guild_id=OTHER_GUILD)
    async with store.begin() as conn:
        await rows.update_project(
            conn,
            GUILD,
            fresh,
            now,
            last_progress_at=now - timedelta(days=1),
            last_checkin_at=now - timedelta(days=1),
        )
        await rows.update_project(
            conn,
            GUILD,
            stuck,
            now,
            last_progress_at=T0 + timedelta(days=2),
            last_checkin_at=now - timedelta(days=3),
            target_moves=2,
        )
        await rows.update_project(conn, GUILD, done, now, status="done", shipped_at=T0)
        facts = await rows.perfectionism_facts(conn, GUILD, now)
    assert set(facts) == {ALICE, BOB}
    alice = facts[ALICE]
    assert alice.project_title == "Stuck"
    assert alice.project_age_days == 30
    assert alice.days_since_progress == 28
    assert alice.target_moves == 2
    assert not alice.shipped_anything
    assert not alice.stale  # checked in 3 days ago, even without progress
    bob = facts[BOB]
    assert bob.project_title == "Bob's"
    assert bob.shipped_anything
    assert bob.days_since_progress == 10
    assert not bob.stale
    assert b1


async def test_perfectionism_facts_break_a_tie_by_the_older_project(store: Store) -> None:
    """Two equally stuck projects: the older one is named, on every backend. (Without an
    ORDER BY the rows come in storage order, and PostgreSQL moves an updated row to the end.)"""
    now = T0 + timedelta(days=30)
    first = await _start(store, ALICE, "First")
    second = await _start(store, ALICE, "Second")
    async with store.begin() as conn:
        for project in (second, first):  # the same check-in on both, the older one last
            await rows.update_project(conn, GUILD, project, now, last_checkin_at=now)
        facts = await rows.perfectionism_facts(conn, GUILD, now)
    assert facts[ALICE].project_title == "First"


async def test_perfectionism_facts_stale_from_silence_or_mark(store: Store) -> None:
    now = T0 + timedelta(days=15)
    silent = await _start(store, ALICE, "Silent")
    marked = await _start(store, BOB, "Marked", at=T0 + timedelta(days=10))
    async with store.begin() as conn:
        await rows.mark_stale(conn, GUILD, [marked], now)
        facts = await rows.perfectionism_facts(conn, GUILD, now)
        assert await rows.perfectionism_facts(conn, OTHER_GUILD, now) == {}
    assert facts[ALICE].stale and facts[BOB].stale
    assert silent


@pytest.mark.parametrize("week", ["2026-W10"])
async def test_week_post_recorded_once(store: Store, week: str) -> None:
    async with store.begin() as conn:
        assert await rows.week_post(conn, GUILD, week) is None
        await rows.save_week_post(
            conn, guild_id=GUILD, week=week, channel_id=5, message_id=6, thread_id=7, now=T0
        )
        saved = await rows.week_post(conn, GUILD, week)
    assert saved is not None and saved["thread_id"] == 7 and saved["posted_at"] == T0
