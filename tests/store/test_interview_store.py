"""Interview store: cards and due order, ratings recorded once, counts, mocks, the queue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.store import Store
from bot.interview import store as rows
from bot.interview.rules import review

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
GUILD, OTHER_GUILD = 10, 20


async def _rated(store: Store, guild: int, user: int, question: str, at: datetime) -> int:
    async with store.begin() as conn:
        attempt_id = await rows.add_attempt(
            conn,
            guild_id=guild,
            user_id=user,
            question_id=question,
            category="coding",
            source="practice",
            now=at,
        )
        assert await rows.rate_attempt(
            conn, attempt_id, rating="good", now=at, seconds=60, next_due_at=None
        )
    return attempt_id


async def test_cards_persist_fsrs_state_and_report_due_order(store: Store) -> None:
    async with store.begin() as conn:
        for qid, rating in (("q-easy", "easy"), ("q-again", "again"), ("q-good", "good")):
            outcome = review(None, rating, NOW)
            await rows.save_card(
                conn,
                GUILD,
                1,
                qid,
                category="coding",
                card_json=outcome.card_json,
                due_at=outcome.due_at,
                rating=rating,
                now=NOW,
            )
    async with store.connect() as conn:
        due = await rows.due_map(conn, GUILD, 1)
        assert sorted(due, key=due.__getitem__) == ["q-again", "q-good", "q-easy"]
        assert await rows.count_due(conn, GUILD, 1, NOW) == 0
        assert await rows.count_due(conn, GUILD, 1, NOW + timedelta(days=3)) == 2
        saved = await rows.card(conn, GUILD, 1, "q-good")
    assert saved is not None and saved["reviews"] == 1
    # A second review continues from the stored state.
    later = NOW + timedelta(days=3)
    second = review(saved["card"], "good", later)
    async with store.begin() as conn:
        await rows.save_card(
            conn,
            GUILD,
            1,
            "q-good",
            category="coding",
            card_json=second.card_json,
            due_at=second.due_at,
            rating="good",
            now=later,
        )
        again = await rows.card(conn, GUILD, 1, "q-good")
    assert again is not None and again["reviews"] == 2 and again["due_at"] == second.due_at


async def test_a_rating_is_recorded_once_and_hints_never_go_down(store: Store) -> None:
    async with store.begin() as conn:
        attempt_id = await rows.add_attempt(
            conn,
            guild_id=GUILD,
            user_id=1,
            question_id="q",
            category="math",
            source="practice",
            now=NOW,
        )
        await rows.reveal_hints(conn, attempt_id, 2)
        await rows.reveal_hints(conn, attempt_id, 1)
        assert await rows.rate_attempt(
            conn, attempt_id, rating="hard", now=NOW, seconds=5, next_due_at=NOW
        )
        assert not await rows.rate_attempt(
            conn, attempt_id, rating="easy", now=NOW, seconds=9, next_due_at=NOW
        )
        row = await rows.attempt(conn, attempt_id)
    assert row is not None and row["hints_used"] == 2 and row["rating"] == "hard"


async def test_review_counts_per_member_since(store: Store) -> None:
    await _rated(store, GUILD, 1, "a", NOW - timedelta(days=10))
    await _rated(store, GUILD, 1, "b", NOW)
    await _rated(store, GUILD, 2, "a", NOW)
    await _rated(store, OTHER_GUILD, 1, "a", NOW)
    async with store.begin() as conn:  # an unrated attempt does not count
        await rows.add_attempt(
            conn,
            guild_id=GUILD,
            user_id=3,
            question_id="a",
            category="coding",
            source="practice",
            now=NOW,
        )
    async with store.connect() as conn:
        assert await rows.review_counts(conn, GUILD, None) == {1: 2, 2: 1}
        assert await rows.review_counts(conn, GUILD, NOW - timedelta(days=1)) == {1: 1, 2: 1}
        assert await rows.review_counts(conn, 99, None) == {}


async def test_mock_advances_once_and_closes_once(store: Store) -> None:
    async with store.begin() as conn:
        mock_id = await rows.create_mock(
            conn,
            guild_id=GUILD,
            user_id=1,
            question_ids=["a", "b", "c"],
            focus=None,
            now=NOW,
            deadline=NOW + timedelta(hours=1),
        )
        assert await rows.advance_mock(conn, mock_id, 0)
        assert not await rows.advance_mock(conn, mock_id, 0)  # double click
        active = await rows.active_mock(conn, GUILD, 1)
        assert active is not None and active["position"] == 1
        assert active["question_ids"] == ["a", "b", "c"]
        assert await rows.close_mock(conn, mock_id, "ended", NOW)
        assert not await rows.close_mock(conn, mock_id, "expired", NOW)
        assert await rows.active_mock(conn, GUILD, 1) is None


async def test_queue_join_leave_and_expiry(store: Store) -> None:
    async with store.begin() as conn:
        for user in (1, 2):
            await rows.join_queue(
                conn,
                guild_id=GUILD,
                user_id=user,
                category=None,
                utc_offset=60,
                now=NOW,
                expires_at=NOW + timedelta(hours=2),
            )
        # Joining again refreshes the entry instead of failing.
        await rows.join_queue(
            conn,
            guild_id=GUILD,
            user_id=1,
            category="math",
            utc_offset=60,
            now=NOW + timedelta(minutes=5),
            expires_at=NOW + timedelta(hours=3),
        )
        assert [r["user_id"] for r in await rows.queue(conn, GUILD)] == [2, 1]
        assert not await rows.expire_entry(conn, GUILD, 2, NOW + timedelta(hours=1))
        assert await rows.expire_entry(conn, GUILD, 2, NOW + timedelta(hours=2))
        assert await rows.leave_queue(conn, GUILD, [1, 2]) == 1
        assert await rows.queue(conn, GUILD) == []
