"""Study log, dashboard, goals, leaderboards, community counting and the weekly digest
through the fake Discord."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from PIL import Image

from bot.core.clock import FakeClock
from bot.core.errors import UserFacingError
from bot.progress import charts, rules
from bot.progress import store as progress_rows
from bot.progress.service.dashboard import CHART_WEEKS
from bot.sandbox import OptionRefused, Reply, Sandbox
from tests.e2e.conftest import bot_of
from tests.unit.test_chart import REFERENCES, THEMES, composite, looks_the_same

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# --- /log and Undo ------------------------------------------------------------------------


async def test_log_confirms_escaped_and_undo_removes_the_entry(sb: Sandbox) -> None:
    alice = sb.member("alice")
    reply = await sb.slash(
        alice,
        "log",
        minutes=45,
        kind="course",
        topic="linear-algebra",
        note="3Blue1Brown *essence* @everyone",
    )
    assert reply.ephemeral
    assert "45 min" in reply.text and "Linear algebra" in reply.text
    assert "\\*essence\\*" in reply.text  # markdown escaped
    assert "@everyone" not in reply.text.replace("@\u200beveryone", "")  # mention defused
    assert "Undo" in reply.buttons
    undone = await sb.click(alice, reply, "Undo")
    assert "Removed" in undone.text
    history = await sb.slash(alice, "history")
    assert "Nothing logged yet" in history.text


async def test_undo_survives_a_restart_but_expires_after_24_hours(
    sb: Sandbox, e2e_clock: FakeClock
) -> None:
    alice = sb.member("alice")
    first = await sb.slash(alice, "log", minutes=30, kind="reading")
    await sb.restart_bot()
    undone = await sb.click(alice, first, "Undo")  # a DynamicItem: works after the restart
    assert "Removed" in undone.text
    late = await sb.slash(alice, "log", minutes=20, kind="math")
    e2e_clock.advance(timedelta(hours=25))
    refused = await sb.click(alice, late, "Undo")
    assert "24 hours" in refused.text
    assert "20 min" in (await sb.slash(alice, "history")).text


async def test_undo_is_only_for_the_owner(sb: Sandbox) -> None:
    alice, bob = sb.member("alice"), sb.member("bob")
    reply = await sb.slash(alice, "log", minutes=30, kind="coding")
    # Bob cannot see alice's ephemeral reply; a forged click on her button is refused.
    message = reply.message
    assert message is not None
    message.flags = 0  # pretend it were public
    refused = await sb.click(bob, reply, "Undo")
    assert "Only the member who logged" in refused.text
    assert "30 min" in (await sb.slash(alice, "history")).text


async def test_log_rejects_bad_values(sb: Sandbox) -> None:
    alice = sb.member("alice")
    # The options declare their bounds, so Discord refuses these before the bot sees them
    # (the service still checks them for any other caller).
    with pytest.raises(OptionRefused, match="between 1 and 600"):
        await sb.slash(alice, "log", minutes=601, kind="course")
    with pytest.raises(OptionRefused, match="between 1 and 600"):
        await sb.slash(alice, "log", minutes=0, kind="course")
    with pytest.raises(OptionRefused, match="at most 64 characters"):
        await sb.slash(alice, "log", minutes=10, kind="course", topic="x" * 90)
    with pytest.raises(UserFacingError, match="between 1 and 600"):
        await bot_of(sb).services.progress.log.add(
            sb.guild.id, alice.id, minutes=601, kind="course", topic=None, note=None
        )
    assert "Nothing logged yet" in (await sb.slash(alice, "history")).text


async def test_log_topic_autocompletes_roadmap_skills(sb: Sandbox) -> None:
    alice = sb.member("alice")
    choices = await sb.autocomplete(alice, "log", "topic", "linear", minutes=10, kind="math")
    assert {"name": "Linear algebra", "value": "linear-algebra"} in [
        {"name": c["name"], "value": c["value"]} for c in choices
    ]
    free = await sb.slash(alice, "log", minutes=15, kind="reading", topic="Attention paper")
    assert "Attention paper" in free.text


# --- /history -----------------------------------------------------------------------------


async def test_history_deletes_only_log_entries(sb: Sandbox) -> None:
    alice = sb.member("alice")
    services = bot_of(sb).services
    await sb.slash(alice, "log", minutes=40, kind="project", note="feature store")
    await services.activity.record(sb.guild.id, alice.id, kind="course", minutes=25, source="daily")
    history = await sb.slash(alice, "history")
    assert "40 min" in history.text and "25 min" in history.text
    assert "daily prompt" in history.text
    assert "Only entries you added with /log can be deleted" in history.text
    select = history.find_component("Delete an entry", (3,))
    assert len(select["options"]) == 1  # the daily entry is not offered
    after = await sb.select(alice, history, "Delete an entry", [select["options"][0]["value"]])
    assert "Deleted" in after.text
    assert not after.selects  # nothing left that /log added
    left = await sb.slash(alice, "history")
    assert "40 min" not in left.text and "25 min" in left.text


# --- /progress ----------------------------------------------------------------------------


async def test_progress_returns_an_embed_and_a_png_chart(sb: Sandbox) -> None:
    alice = sb.member("alice")
    await sb.slash(alice, "log", minutes=120, kind="course")
    await sb.slash(alice, "log", minutes=30, kind="coding")
    await sb.slash(alice, "roadmap check", skill="linear-algebra")
    reply = await sb.slash(alice, "progress")
    assert reply.ephemeral
    text = reply.all_text
    assert "Your progress" in text
    assert "Job readiness" in text
    assert "Courses: 2 h" in text and "Coding: 30 min" in text
    assert "4.0 : 1" in text  # theory : practice
    assert "1/" in text  # roadmap coverage
    files = reply.files or [f for m in reply.followups for f in m.files]
    assert files and files[0][0] == "progress.png"
    assert files[0][1].startswith(PNG_MAGIC)
    assert reply.embeds[0]["image"]["url"] == "attachment://progress.png"


def _chart_of(reply: Reply) -> bytes:
    files = reply.files or [f for m in reply.followups for f in m.files]
    assert files and files[0][0] == "progress.png"
    return files[0][1]


def _on_dark(png: bytes) -> Image.Image:
    return composite(png, THEMES["dark"])


async def test_a_new_members_chart_is_the_first_steps_card(sb: Sandbox) -> None:
    """Nothing logged: the encouraging card (the committed reference), not empty weeks."""
    chart = _chart_of(await sb.slash(sb.member("newbie"), "progress"))
    assert Image.open(io.BytesIO(chart)).size == (1600, 1000)  # 2x the ~800 px shown at most
    reference = Image.open(REFERENCES / "new-member-dark.png").convert("RGB")
    assert looks_the_same(_on_dark(chart), reference)


async def test_the_chart_draws_the_members_weekly_goal(sb: Sandbox) -> None:
    alice = sb.member("alice")
    await sb.slash(alice, "log", minutes=90, kind="project")
    without_goal = _chart_of(await sb.slash(alice, "progress"))
    await sb.slash(alice, "goal", hours_per_week=5)
    with_goal = _chart_of(await sb.slash(alice, "progress"))
    today = date(2026, 3, 2)
    weeks = rules.minutes_by_week([(today, "project", 90)], today, CHART_WEEKS)
    for chart, goal in ((without_goal, None), (with_goal, 300)):
        expected = _on_dark(charts.weekly_chart_png(weeks, goal_minutes=goal))
        assert looks_the_same(_on_dark(chart), expected), goal
    assert not looks_the_same(_on_dark(without_goal), _on_dark(with_goal))


async def test_a_private_profile_cannot_be_viewed_by_another_member(sb: Sandbox) -> None:
    alice, bob = sb.member("alice"), sb.member("bob")
    await sb.slash(alice, "log", minutes=60, kind="math")
    refused = await sb.slash(bob, "progress", member=alice)
    assert "keeps their progress private" in refused.all_text
    assert not refused.files
    await sb.slash(alice, "settings profile", public=True)
    shown = await sb.slash(bob, "progress", member=alice)
    assert "alice — progress" in shown.all_text
    assert "Math: 1 h" in shown.all_text


async def test_progress_shows_goal_and_projects_and_interview_lines(sb: Sandbox) -> None:
    alice = sb.member("alice")
    await sb.slash(alice, "goal", hours_per_week=5)
    await sb.slash(alice, "log", minutes=90, kind="project")
    text = (await sb.slash(alice, "progress")).all_text
    assert "1 h 30 min of 5 h" in text
    assert "0 active · 0 shipped" in text
    assert "No interview practice yet" in text
    assert "Pitfall flags" in text


# --- /goal --------------------------------------------------------------------------------


async def test_goal_sets_and_shows(sb: Sandbox) -> None:
    alice = sb.member("alice")
    empty = await sb.slash(alice, "goal")
    assert "No weekly goal yet" in empty.text
    saved = await sb.slash(alice, "goal", hours_per_week=4)
    assert "Weekly goal saved" in saved.text and "4 h" in saved.text
    await sb.slash(alice, "log", minutes=240, kind="coding")
    shown = await sb.slash(alice, "goal")
    assert "Goal met" in shown.text
    with pytest.raises(OptionRefused, match="between 1 and 80"):  # Discord refuses it
        await sb.slash(alice, "goal", hours_per_week=200)


# --- /leaderboard -------------------------------------------------------------------------


async def test_leaderboards_show_only_opted_in_members(sb: Sandbox) -> None:
    alice, bob, kai = sb.member("alice"), sb.member("bob"), sb.member("kai")
    await sb.slash(alice, "settings leaderboard", enabled=True)
    await sb.slash(kai, "settings leaderboard", enabled=True)
    await sb.slash(alice, "log", minutes=60, kind="coding")
    await sb.slash(kai, "log", minutes=60, kind="course")
    await sb.slash(bob, "log", minutes=300, kind="course")  # most, but not opted in
    board = await sb.slash(bob, "leaderboard", board="minutes", period="week")
    assert f"<@{alice.id}>" in board.text and f"<@{kai.id}>" in board.text
    assert f"<@{bob.id}>" not in board.text
    assert "You are not on the leaderboards" in board.text
    assert board.text.count("**1.**") == 2  # a tie shares first place
    mine = await sb.slash(alice, "leaderboard", board="minutes", period="all")
    assert "#1 of 2" in mine.text


async def test_streak_shipped_and_reviews_boards_render(sb: Sandbox) -> None:
    alice = sb.member("alice")
    await sb.slash(alice, "settings leaderboard", enabled=True)
    mod = sb.member("morgan", moderator=True)
    await sb.slash(mod, "setup channels", daily="daily")
    await sb.slash(alice, "daily today")
    done = await sb.click(alice, await sb.slash(alice, "daily today"), "Done")
    assert "Streak" in done.text
    streak = await sb.slash(alice, "leaderboard", board="streak")
    assert f"<@{alice.id}> — 1 day" in streak.text
    for board in ("shipped", "reviews"):
        reply = await sb.slash(alice, "leaderboard", board=board, period="month")
        assert "Leaderboard" in reply.text
        assert "Something went wrong" not in reply.text


# --- community messages -------------------------------------------------------------------


async def test_community_messages_are_counted_per_day_capped_and_opt_out(sb: Sandbox) -> None:
    alice, bob = sb.member("alice"), sb.member("bob")
    services = bot_of(sb).services
    off = await sb.slash(bob, "settings tracking", enabled=False)
    assert "tracking off" in off.text
    for _ in range(23):
        await sb.post_message(alice, "general")
    await sb.post_message(bob, "general")
    async with services.core.store.connect() as conn:
        days = await progress_rows.community_days(conn, sb.guild.id, date(2026, 3, 1))
    assert days == {alice.id: 1}
    async with services.core.store.connect() as conn:
        from sqlalchemy import select

        from bot.progress.tables import community_days

        count = (await conn.execute(select(community_days.c.messages))).scalar()
    assert count == 20  # capped
    on = await sb.slash(bob, "settings tracking", enabled=True)
    assert "tracking on" in on.text
    await sb.post_message(bob, "general")
    await sb.slash(alice, "log", minutes=30, kind="community")
    bot_of(sb).services.core.clock.advance(timedelta(days=1))  # type: ignore[attr-defined]
    await sb.slash(alice, "log", minutes=30, kind="community")
    async with services.core.store.connect() as conn:
        days = await progress_rows.community_days(conn, sb.guild.id, date(2026, 3, 1))
    assert days == {alice.id: 2, bob.id: 1}


# --- weekly digest ------------------------------------------------------------------------


async def test_weekly_digest_arrives_monday_morning_by_dm(
    sb: Sandbox, e2e_clock: FakeClock
) -> None:
    alice = sb.member("alice")
    services = bot_of(sb).services
    await sb.slash(alice, "settings timezone", zone="Europe/Berlin")
    await sb.slash(alice, "settings dms", enabled=True)
    saved = await sb.slash(alice, "settings digest", enabled=True)
    assert "Weekly digest on" in saved.text
    await sb.slash(alice, "goal", hours_per_week=2)
    await sb.slash(alice, "log", minutes=90, kind="course")
    # Monday 9 March, 08:00 Berlin = 07:00 UTC.
    await services.core.scheduler.advance_to(datetime(2026, 3, 9, 7, 1, tzinfo=UTC))
    await services.core.dispatcher.tick()
    await sb.wait_idle()
    dms = sb.dms(alice)
    assert len(dms) == 1
    text = dms[0].text
    assert "Week of 02 March" in text
    assert "1 h 30 min of your 2 h goal" in text
    assert "Focus this week" in text
    # Not twice the same week, and the next one is queued for the next Monday.
    await services.core.dispatcher.tick()
    await sb.wait_idle()
    assert len(sb.dms(alice)) == 1
    await services.core.scheduler.advance_to(datetime(2026, 3, 16, 7, 1, tzinfo=UTC))
    await services.core.dispatcher.tick()
    await sb.wait_idle()
    assert len(sb.dms(alice)) == 2


async def test_digest_without_dms_waits_for_the_next_reply_and_can_be_turned_off(
    sb: Sandbox,
) -> None:
    alice, bob = sb.member("alice"), sb.member("bob")
    services = bot_of(sb).services
    await sb.slash(alice, "settings digest", enabled=True)
    await sb.slash(bob, "settings digest", enabled=True)
    off = await sb.slash(bob, "settings digest", enabled=False)
    assert "Weekly digest off" in off.text
    await services.core.scheduler.advance_to(datetime(2026, 3, 9, 9, 0, tzinfo=UTC))
    await services.core.dispatcher.tick()
    await sb.wait_idle()
    assert not sb.dms(alice) and not sb.dms(bob)
    reply = await sb.slash(alice, "goal")
    assert "Your week in review" in reply.all_text
    assert "Your week in review" not in (await sb.slash(bob, "goal")).all_text


async def test_dashboard_reads_projects_interviews_and_flags_flags_only_for_the_owner(
    sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob = sb.member("alice"), sb.member("bob")
    services = bot_of(sb).services
    detected = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)

    async def portfolio_summary(guild_id: int, user_id: int) -> SimpleNamespace:
        return SimpleNamespace(
            active=1, shipped=2, shipped_domains=frozenset({"cv", "nlp"}), last_checkin_at=None
        )

    async def strengths(guild_id: int, user_id: int) -> dict[str, SimpleNamespace]:
        return {
            "coding": SimpleNamespace(value=0.8, answers=12),
            "math": SimpleNamespace(value=0.4, answers=1),
        }

    async def flags_for(guild_id: int, user_id: int) -> list[SimpleNamespace]:
        return [
            SimpleNamespace(
                pitfall="tutorial_hell",
                evidence={"course_minutes": 360, "project_minutes": 0},
                detected_at=detected,
            )
        ]

    monkeypatch.setattr(services.projects, "portfolio_summary", portfolio_summary)
    monkeypatch.setattr(services.interview, "strengths", strengths)
    monkeypatch.setattr(services.pitfalls, "flags_for", flags_for)
    own = (await sb.slash(alice, "progress")).all_text
    # domains by their labels, strengths on the one % scale with their sample size (issue 17)
    assert "1 active · 2 shipped (Computer vision, NLP)" in own
    assert "Coding: 80% · 12 answers" in own and "Math: 40% · 1 answer" in own
    assert "Tutorial hell" in own and "course minutes 360" in own
    # portfolio 2/3 of 25 = 16.7 -> 17; interviews over all nine question categories:
    # (0.8 + 0.4) / 9 * 25 = 3.3 -> 3
    assert "portfolio 17/25" in own and "interviews 3/25" in own
    await sb.slash(alice, "settings profile", public=True)
    theirs = (await sb.slash(bob, "progress", member=alice)).all_text
    assert "1 active · 2 shipped" in theirs
    assert "Tutorial hell" not in theirs and "Pitfall flags" not in theirs
