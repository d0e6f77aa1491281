"""Interview practice through the fake Discord: practice, mock sessions, pairing, QOTD."""

from __future__ import annotations

import asyncio
import itertools
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from bot.activity.tables import activity
from bot.catalog.prose import is_structural_line
from bot.core.clock import FakeClock
from bot.core.errors import UserFacingError
from bot.core.settings import DEFAULT_CONTENT_DIR
from bot.interview import store as interview_rows
from bot.interview.rules import MOCK_EXPIRY_GRACE, PAIR_QUEUE_TTL
from bot.sandbox import Sandbox
from bot.sandbox.driver import MessageView, Reply, walk_components
from bot.sandbox.models import FakeMember
from tests.e2e.conftest import bot_of


async def set_interview_channel(sb: Sandbox) -> None:
    mod = sb.member("morgan", moderator=True)
    await sb.slash(mod, "setup timezone", zone="Europe/Berlin")
    await sb.slash(mod, "setup channels", interview="interview")


async def click_as(sb: Sandbox, member: FakeMember, target: MessageView, label: str) -> Reply:
    """Press a button on a message `member` cannot see (e.g. someone's ephemeral message).

    Discord would let a forwarded custom id through as well; the bot must refuse it on its own.
    """
    assert target.message is not None
    comp = target.find_component(label, (2,))
    data = {"custom_id": comp["custom_id"], "component_type": 2}
    channel = sb.fake.channels[target.message.channel_id]
    rec = await sb._dispatch_interaction(member, 3, data, channel, message=target.message)
    return await sb._answer(rec, f"a click on {label!r} by {member.name}")


async def activity_of(sb: Sandbox, member: FakeMember) -> list[dict[str, Any]]:
    services = bot_of(sb).services
    async with services.core.store.connect() as conn:
        rows = await conn.execute(
            select(activity).where(
                activity.c.guild_id == sb.guild.id, activity.c.user_id == member.id
            )
        )
        return [dict(r._mapping) for r in rows]


# --- practice -------------------------------------------------------------------------


async def test_an_ephemeral_reply_with_persistent_buttons_leaves_nothing_listening(
    sb: Sandbox,
) -> None:
    # discord.py keeps an ephemeral reply's view for 15 minutes (a timeout task) unless the
    # view has finished; persistent buttons are routed by custom id and need no view kept.
    alice = sb.member("alice")
    reply = await sb.slash(alice, "interview practice", category="coding", difficulty=1)
    assert reply.ephemeral and "Hint" in reply.buttons
    waiting = [
        task
        for task in asyncio.all_tasks()
        if "timeout_task_impl" in getattr(task.get_coro(), "__qualname__", "")
    ]
    assert waiting == []
    hinted = await sb.click(alice, reply, "Hint")
    assert "Hint 1" in hinted.text


async def test_practice_with_hints_key_points_and_a_rating(sb: Sandbox) -> None:
    alice = sb.member("alice")
    reply = await sb.slash(alice, "interview practice", category="coding", difficulty=1)
    assert reply.ephemeral
    assert "new question" in reply.text and "Time limit" in reply.text
    assert reply.buttons == ["Hint", "Key points", "Again", "Hard", "Good", "Easy"]
    services = bot_of(sb).services
    question_id = next(
        q.id
        for q in services.catalog.for_guild(sb.guild.id).questions_in("coding", 1)
        if q.prompt.split("\n")[0] in reply.text
    )
    question = services.catalog.for_guild(sb.guild.id).questions[question_id]

    hinted = await sb.click(alice, reply, "Hint")
    assert hinted.response_type == 7 and hinted.message_id == reply.message_id
    assert "Hint 1" in hinted.text and question.hints[0][:40] in hinted.text
    if len(question.hints) > 1:
        again = await sb.click(alice, hinted, "Hint")
        assert "Hint 2" in again.text
    keys = await sb.click(alice, reply, "Key points")
    assert "Key points" in keys.text and question.key_points[0][:40] in keys.text

    rated = await sb.click(alice, reply, "Good")
    assert rated.response_type == 7 and rated.message_id == reply.message_id
    assert "Rated Good" in rated.text and "Next review" in rated.text
    assert "<t:" in rated.text  # a Discord timestamp for the next due date
    assert rated.buttons == ["Next question", "Key points"]

    async with services.core.store.connect() as conn:
        card = await interview_rows.card(conn, sb.guild.id, alice.id, question_id)
        attempts = await interview_rows.rated_attempts(conn, sb.guild.id, alice.id)
    assert card is not None and card["last_rating"] == "good"
    assert card["due_at"] - services.core.clock.now() >= timedelta(days=1)
    assert attempts[0]["rating"] == "good" and attempts[0]["source"] == "practice"
    logged = await activity_of(sb, alice)
    assert [(a["kind"], a["source"]) for a in logged] == [("interview", "practice")]
    assert 1 <= logged[0]["minutes"] <= question.time_limit_minutes
    assert await services.interview.due_count(sb.guild.id, alice.id) == 0
    assert set(await services.interview.strength_by_category(sb.guild.id, alice.id)) == {"coding"}

    # Rating twice is refused; Next question starts the next round in place.
    nxt = await sb.click(alice, rated, "Next question")
    assert "Interview practice" in nxt.text and "Hint" in nxt.buttons


async def test_the_rating_reply_is_compact_and_the_key_points_open_from_a_button(
    sb: Sandbox,
) -> None:
    alice, bob = sb.member("alice"), sb.member("bob")
    services = bot_of(sb).services
    reply = await sb.slash(alice, "interview practice", category="coding", difficulty=1)
    question = next(
        q
        for q in services.catalog.for_guild(sb.guild.id).questions_in("coding", 1)
        if q.title and q.title in reply.text
    )
    assert reply.embeds[0]["title"] == question.title  # the question's own short title
    rated = await sb.click(alice, reply, "Good")
    # The verdict and the next review, once; not the question and key points again.
    assert rated.embeds[0]["title"] == f"Rated Good · {question.title}"
    assert rated.text.count("<t:") == 2 and "in about" not in rated.text
    assert question.prompt[:60] not in rated.text
    assert question.key_points[0][:40] not in rated.text
    assert rated.buttons == ["Next question", "Key points"]

    someone_else = await click_as(sb, bob, rated, "Key points")
    assert someone_else.ephemeral and "another member" in someone_else.text
    keys = await sb.click(alice, rated, "Key points")
    assert keys.ephemeral and keys.message_id != rated.message_id
    assert question.key_points[0][:40] in keys.text and question.title in keys.text

    # Before the rating the key points open in the question itself, not from this part.
    fresh = await sb.slash(alice, "interview practice", category="coding", difficulty=1)
    (attempt_id,) = {
        int(c["custom_id"].split(":")[2])
        for c in walk_components(fresh.components)
        if str(c.get("custom_id", "")).startswith("studybot:iv-hint:")
    }
    with pytest.raises(UserFacingError, match="Rate yourself first"):
        await services.interview.rounds.answer_part(sb.guild.id, alice.id, attempt_id, "keys")


async def test_questions_reach_members_as_paragraphs_with_lists_and_schemas_intact(
    sb: Sandbox,
) -> None:
    """The YAML wraps prompts at ~88 columns; members get whole paragraphs (issue 17)."""
    alice = sb.member("alice")
    catalog = bot_of(sb).services.catalog.for_guild(sb.guild.id)
    by_title = {q.display_title: q for q in catalog.questions.values()}

    coding = (await sb.slash(alice, "interview practice", category="coding")).embeds[0]
    raw = _raw_prompts("questions-coding.yaml")[by_title[coding["title"]].id]
    assert "\n" in raw.split("\n\n")[0]  # wrapped in the file …
    lines = coding["description"].split("\n")
    for before, after in itertools.pairwise(lines):  # … whole paragraphs on screen
        if before and after and not is_structural_line(after):
            assert before.rstrip()[-1] in ".?!:)`]\"'", (before, after)
    assert [line.split(":")[0] for line in lines if line.startswith("- ")] == [
        "- Input",
        "- Output",
        "- Constraints",
    ]

    sql = (await sb.slash(alice, "interview practice", category="sql")).embeds[0]
    raw = _raw_prompts("questions-sql.yaml")[by_title[sql["title"]].id]
    (schema,) = re.findall(r"^```.*?^```", raw, re.MULTILINE | re.DOTALL)
    assert schema in sql["description"]  # the fenced schema exactly as written


def _raw_prompts(file: str) -> dict[str, str]:
    """The prompts of a built-in pack as its YAML holds them (before the loader reflows)."""
    data = yaml.safe_load((DEFAULT_CONTENT_DIR / file).read_text(encoding="utf-8"))
    return {q["id"]: q["prompt"] for q in data["questions"]}


async def test_again_comes_back_first_and_buttons_survive_a_restart(sb: Sandbox) -> None:
    alice = sb.member("alice")
    services = bot_of(sb).services
    first = await sb.slash(alice, "interview practice", category="math")
    asked = first.embeds[0]["description"]
    await sb.click(alice, first, "Again")
    second = await sb.slash(alice, "interview practice", category="math")
    assert "new question" in second.text  # the Again card is due in 10 minutes, not yet
    await sb.restart_bot()
    services = bot_of(sb).services
    # The ephemeral message from before the restart still works.
    hinted = await sb.click(alice, second, "Hint")
    assert "Hint 1" in hinted.text
    await sb.click(alice, second, "Easy")
    services.core.scheduler.jump_to(services.core.clock.now() + timedelta(minutes=11))
    due_now = await sb.slash(alice, "interview practice", category="math")
    assert "review due" in due_now.text
    assert due_now.embeds[0]["description"] == asked


async def test_another_member_cannot_press_the_practice_buttons(sb: Sandbox) -> None:
    alice, bob = sb.member("alice"), sb.member("bob")
    reply = await sb.slash(alice, "interview practice")
    for label in ("Hint", "Key points", "Easy"):
        refused = await click_as(sb, bob, reply, label)
        assert refused.ephemeral and "another member" in refused.text
    assert "Hint 1" not in reply.text and "Rated" not in reply.text
    rated = await sb.click(alice, reply, "Hard")
    assert "Rated Hard" in rated.text


async def test_no_questions_left_for_a_filter(sb: Sandbox) -> None:
    alice = sb.member("alice")
    services = bot_of(sb).services
    catalog = services.catalog.for_guild(sb.guild.id)
    pool = catalog.questions_in("ml_system_design", 3)
    assert pool
    # One command, then "Next question" in place (slash commands have a per-member cooldown).
    reply = await sb.slash(alice, "interview practice", category="ml_system_design", difficulty=3)
    for i in range(len(pool)):
        rated = await sb.click(alice, reply, "Easy")
        if i + 1 < len(pool):
            reply = await sb.click(alice, rated, "Next question")
            assert "new question" in reply.text
    last = await sb.click(alice, rated, "Next question")
    assert "Nothing left for ML system design" in last.text
    refused = await sb.slash(alice, "interview practice", category="ml_system_design", difficulty=3)
    assert refused.ephemeral and "Nothing left for ML system design" in refused.text
    assert "<t:" in refused.text


async def test_stats_for_self_and_public_private_members(sb: Sandbox) -> None:
    alice, bob = sb.member("alice"), sb.member("bob")
    reply = await sb.slash(alice, "interview practice", category="coding")
    await sb.click(alice, reply, "Hard")
    reply = await sb.slash(alice, "interview practice", category="math")
    await sb.click(alice, reply, "Again")
    own = await sb.slash(alice, "interview stats")
    assert own.ephemeral and "Answers rated: 2" in own.text
    assert "Coding (DS&A)" in own.text and "Applied math" in own.text
    # one 0–100 % scale with the sample size, and "new" explained (issue 17)
    assert "**Coding (DS&A)** — 33% · 1 answer · new" in own.text
    assert "**Applied math** — 0% · 1 answer · new" in own.text
    assert "new: fewer than 4 answers" in own.text and "/4" not in own.text
    assert "Weakest skills" in own.text
    weakest = own.text.split("Weakest skills", 1)[1]
    assert "% · 1 answer" in weakest  # each skill with its sample size too
    private = await sb.slash(bob, "interview stats", member=alice)
    assert "keeps their progress private" in private.text
    await sb.slash(alice, "settings profile", public=True)
    public = await sb.slash(bob, "interview stats", member=alice)
    assert "alice" in public.text.lower() and "Coding (DS&A)" in public.text


async def test_review_reminder_once_a_day_when_reviews_are_due(sb: Sandbox) -> None:
    alice = sb.member("alice")
    services = bot_of(sb).services
    await sb.slash(alice, "settings timezone", zone="Europe/Berlin")
    await sb.slash(alice, "settings dms", enabled=True)
    saved = await sb.slash(alice, "settings reminders", reviews=True, review_time="18:00")
    assert "on, at 18:00" in saved.text
    reply = await sb.slash(alice, "interview practice")
    await sb.click(alice, reply, "Again")
    # 18:00 Berlin = 17:00 UTC: the dispatcher serves the row.
    services.core.scheduler.jump_to(datetime(2026, 3, 2, 17, 0, 30, tzinfo=UTC))
    assert await services.core.dispatcher.tick() == 1
    await sb.wait_idle()
    dms = [m for m in sb.dms(alice) if "Interview reviews due" in m.text]
    assert len(dms) == 1 and "1 interview review is due" in dms[0].text
    assert await services.core.dispatcher.tick() == 0  # moved on to tomorrow
    off = await sb.slash(alice, "settings reminders", reviews=False)
    assert "Interview reviews due: off" in off.text


# --- mock sessions --------------------------------------------------------------------


async def test_mock_session_interrupted_by_a_restart_and_finished_with_resume(
    sb: Sandbox,
) -> None:
    alice = sb.member("alice")
    start = await sb.slash(alice, "interview mock", questions=3)
    assert start.ephemeral and "question 1 of 3" in start.text
    assert "Session deadline" in start.text and "<t:" in start.text and ":R>" in start.text
    hinted = await sb.click(alice, start, "Hint")
    assert "Hint 1" in hinted.text
    second = await sb.click(alice, start, "Good")
    assert second.response_type == 7
    assert "Rated Good" in second.text and "question 2 of 3" in second.text

    await sb.restart_bot()

    resumed = await sb.slash(alice, "interview resume")
    assert "question 2 of 3" in resumed.text
    hard_title = resumed.embeds[0]["title"]  # the question's short title
    third = await sb.click(alice, resumed, "Hard")
    assert "question 3 of 3" in third.text
    done = await sb.click(alice, third, "Easy")
    assert "Mock interview complete" in done.text
    assert "Per category" in done.text and "What to review" in done.text
    assert "Reviews due" in done.text
    # Listed by title, whole (never a prompt cut mid-sentence); one % scale with its sample.
    summary = done.embeds[-1]
    review = next(f["value"] for f in summary["fields"] if f["name"] == "What to review")
    assert review == f"• {hard_title}"
    assert "You answered 3 of 3 questions · overall 67%" in summary["description"]
    assert "**Coding (DS&A)** — 67% · 1 answer" in done.text
    assert done.buttons == []
    # The session is over: resume says so, and a new one may start.
    assert "no mock session running" in (await sb.slash(alice, "interview resume")).text
    assert "question 1 of 3" in (await sb.slash(alice, "interview mock")).text
    logged = await activity_of(sb, alice)
    assert [a["source"] for a in logged] == ["mock", "mock", "mock"]


async def test_two_active_mocks_are_refused_and_end_stops_one(sb: Sandbox) -> None:
    alice = sb.member("alice")
    start = await sb.slash(alice, "interview mock", questions=4, focus="coding")
    assert "question 1 of 4" in start.text and "Coding (DS&A)" in start.text
    again = await sb.slash(alice, "interview mock")
    assert again.ephemeral and "already have a mock session running" in again.text
    assert "/interview resume" in again.text
    ended = await sb.slash(alice, "interview end")
    assert "Mock interview ended" in ended.text and "0 of 4" in ended.text
    stale = await sb.click(alice, start, "Good")
    assert "mock session is over" in stale.text
    assert "no mock session running" in (await sb.slash(alice, "interview end")).text


async def test_abandoned_mock_closes_itself_past_its_deadline(sb: Sandbox) -> None:
    alice = sb.member("alice")
    services = bot_of(sb).services
    start = await sb.slash(alice, "interview mock")
    async with services.core.store.connect() as conn:
        session = await interview_rows.active_mock(conn, sb.guild.id, alice.id)
    assert session is not None
    services.core.scheduler.jump_to(
        session["deadline_at"] + MOCK_EXPIRY_GRACE + timedelta(seconds=1)
    )
    assert await services.core.dispatcher.tick() == 1
    await sb.wait_idle()
    async with services.core.store.connect() as conn:
        assert await interview_rows.active_mock(conn, sb.guild.id, alice.id) is None
        closed = await interview_rows.mock(conn, session["id"])
    assert closed is not None and closed["status"] == "expired"
    late = await sb.click(alice, start, "Good")
    assert "mock session is over" in late.text
    # The note waited in her inbox and comes with her next command.
    reply = await sb.slash(alice, "interview stats")
    assert "closed (past its deadline)" in reply.all_text


# --- pairing --------------------------------------------------------------------------


async def test_two_members_paired_into_a_thread_with_the_right_roles(sb: Sandbox) -> None:
    await set_interview_channel(sb)
    alice, bob, kai = sb.member("alice"), sb.member("bob"), sb.member("kai")
    waiting = await sb.slash(alice, "interview pair", category="coding")
    assert "in the pairing queue" in waiting.all_text and "<t:" in waiting.all_text
    paired = await sb.slash(bob, "interview pair")
    assert "You have a partner" in paired.all_text and "interviewer" in paired.all_text

    threads = sb.channel("interview").threads
    assert len(threads) == 1
    intro = threads[0].messages[0]
    # Alice waited longer: she is the candidate; bob interviews. Both are pinged on purpose.
    assert f"<@{bob.id}> interviews <@{alice.id}>" in intro.content
    assert intro.allowed_mentions is not None
    assert sorted(map(int, intro.allowed_mentions.get("users", []))) == sorted([alice.id, bob.id])
    assert "Peer mock interview" in intro.text and "Candidate" in intro.text
    assert intro.buttons == ["Key points", "Done"]
    services = bot_of(sb).services
    titles = {q.display_title for q in services.catalog.for_guild(sb.guild.id).questions.values()}
    assert intro.embeds[0]["title"] in titles  # the question is named by its title

    refused = await sb.click(alice, intro, "Key points")
    assert refused.ephemeral and "Only the interviewer" in refused.text
    assert "Only the interviewer" in (await sb.click(kai, intro, "Key points")).text
    keys = await sb.click(bob, intro, "Key points")
    assert keys.ephemeral and "Key points (interviewer only)" in keys.text
    assert intro.embeds[0]["title"] in keys.text

    assert "Only the two members" in (await sb.click(kai, intro, "Done")).text
    done = await sb.click(alice, intro, "Done")
    assert not done.ephemeral and "Interview done" in done.text
    assert done.buttons == ["1", "2", "3", "4", "5"]
    assert "already marked done" in (await sb.click(bob, intro, "Done")).text
    by_bob = await sb.click(bob, done, "4")
    assert f"<@{alice.id}>'s session 4/5" in by_bob.text
    assert "already rated" in (await sb.click(bob, done, "5")).text
    by_alice = await sb.click(alice, done, "5")
    assert "both rated" in by_alice.text
    assert "Only the two members" in (await sb.click(kai, done, "3")).text

    for member in (alice, bob):
        logged = await activity_of(sb, member)
        assert [(a["kind"], a["source"]) for a in logged] == [("community", "pair")]
    services = bot_of(sb).services
    async with services.core.store.connect() as conn:
        attempts = await interview_rows.rated_attempts(conn, sb.guild.id, alice.id)
        counts = await interview_rows.review_counts(conn, sb.guild.id, None)
    assert attempts[0]["source"] == "pair" and attempts[0]["rating"] == "good"
    assert counts == {alice.id: 1}


async def test_pairing_without_an_interview_channel_is_refused(sb: Sandbox) -> None:
    alice = sb.member("alice")
    refused = await sb.slash(alice, "interview pair")
    assert "no interview channel" in refused.all_text
    assert "/setup channels interview:" in refused.all_text


async def test_a_queue_entry_expires_with_a_note(sb: Sandbox) -> None:
    await set_interview_channel(sb)
    alice = sb.member("alice")
    services = bot_of(sb).services
    await sb.slash(alice, "settings dms", enabled=True)
    await sb.slash(alice, "interview pair")
    left = await sb.slash(sb.member("bob"), "interview pair-leave")
    assert "were not in the pairing queue" in left.text
    services.core.scheduler.jump_to(
        services.core.clock.now() + PAIR_QUEUE_TTL + timedelta(seconds=5)
    )
    assert await services.core.dispatcher.tick() == 1
    await sb.wait_idle()
    notes = [m for m in sb.dms(alice) if "No interview partner" in m.text]
    assert len(notes) == 1
    async with services.core.store.connect() as conn:
        assert await interview_rows.queue(conn, sb.guild.id) == []
    # Bob joining now waits instead of pairing with the expired entry.
    assert "in the pairing queue" in (await sb.slash(sb.member("bob"), "interview pair")).all_text
    assert sb.channel("interview").threads == []
    assert (
        "left the pairing queue" in (await sb.slash(sb.member("bob"), "interview pair-leave")).text
    )


# --- question of the day --------------------------------------------------------------


def qotd_posts(sb: Sandbox) -> list[MessageView]:
    return [m for m in sb.channel("interview").messages if "question of the day" in m.text]


async def test_question_of_the_day_posted_once_across_a_restart(sb: Sandbox) -> None:
    await set_interview_channel(sb)
    mod = sb.member("morgan")
    assert "Only moderators" in (await sb.slash(sb.member("bob"), "setup interview")).text
    saved = await sb.slash(mod, "setup interview", time="09:00", days="daily")
    assert "Question of the day saved" in saved.text and "09:00 on daily" in saved.text
    shown = await sb.slash(mod, "setup show")
    assert "Question of the day" in shown.text
    services = bot_of(sb).services
    # Monday 07:00 UTC -> 08:00 UTC is 09:00 in Berlin.
    await services.core.scheduler.advance(timedelta(hours=1, minutes=5))
    await sb.wait_idle()
    assert len(qotd_posts(sb)) == 1
    await sb.restart_bot()  # catch-up at start finds the ledger key: nothing twice
    await sb.wait_idle()
    assert len(qotd_posts(sb)) == 1

    post = qotd_posts(sb)[0]
    assert post.buttons == ["Practice this"]
    # The post is titled with the question's short title, the day above it.
    catalog = bot_of(sb).services.catalog.for_guild(sb.guild.id)
    shown = post.embeds[0]["description"]
    posted = next(q for q in catalog.questions.values() if q.prompt == shown)
    assert post.embeds[0]["title"] == posted.display_title
    assert post.embeds[0]["author"]["name"].startswith("Interview question of the day · ")
    alice = sb.member("alice")
    practice = await sb.click(alice, post, "Practice this")
    assert practice.ephemeral and "Question of the day — practice" in practice.text
    assert post.embeds[0]["description"] == practice.embeds[0]["description"]
    rated = await sb.click(alice, practice, "Good")
    assert "Rated Good" in rated.text
    assert [a["source"] for a in await activity_of(sb, alice)] == ["qotd"]

    # The next day's question is a different one, posted once.
    services = bot_of(sb).services
    await services.core.scheduler.advance(timedelta(days=1))
    await sb.wait_idle()
    posts = qotd_posts(sb)
    assert (
        len(posts) == 2 and posts[0].embeds[0]["description"] != posts[1].embeds[0]["description"]
    )


async def test_question_of_the_day_missed_while_down_is_caught_up_once(
    sb: Sandbox, e2e_clock: FakeClock
) -> None:
    await set_interview_channel(sb)
    await sb.slash(sb.member("morgan"), "setup interview", time="07:30", days="mon-fri")
    bot_of(sb).services.core.scheduler.jump_to(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))
    assert qotd_posts(sb) == []
    e2e_clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))  # 09:00 Berlin, posting time 07:30
    await sb.restart_bot()
    await sb.wait_idle()
    assert len(qotd_posts(sb)) == 1
    await sb.restart_bot()
    await sb.wait_idle()
    assert len(qotd_posts(sb)) == 1
    paused = await sb.slash(sb.member("morgan"), "setup interview", enabled=False)
    assert "paused" in paused.text


async def test_a_failed_thread_undoes_the_match_and_keeps_the_waiting_member(
    sb: Sandbox,
) -> None:
    await set_interview_channel(sb)
    alice, bob = sb.member("alice"), sb.member("bob")
    await sb.slash(alice, "interview pair")
    sb.fail_next("POST /channels/*/threads", status=403, code=50013)
    refused = await sb.slash(bob, "interview pair")
    assert "could not open a thread" in refused.all_text
    services = bot_of(sb).services
    async with services.core.store.connect() as conn:
        waiting = await interview_rows.queue(conn, sb.guild.id)
    assert [w["user_id"] for w in waiting] == [alice.id]
    # Once the channel works again, the next try pairs them.
    paired = await sb.slash(bob, "interview pair")
    assert "You have a partner" in paired.all_text
    assert len(sb.channel("interview").threads) == 1
