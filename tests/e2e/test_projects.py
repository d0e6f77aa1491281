"""Project accountability through the fake Discord: start, check in, milestones, ship, the
weekly thread (once, across a restart), reminders after 7 silent days, refusals, escaping."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.core.clock import FakeClock
from bot.sandbox import OptionRefused, Sandbox
from bot.sandbox.driver import MessageView
from bot.sandbox.models import FakeMember
from tests.e2e.conftest import bot_of

START_FIELDS = {
    "title": "Title",
    "domain": "Domain",
    "goal": "Goal / definition of done",
    "target": "Target date (YYYY-MM-DD)",
    "link": "Repository or demo URL (optional, https)",
}
PROGRESS = "Progress, 0-100 (%)"
DID = "What I did"
BLOCKERS = "Blockers (optional)"
NEXT = "Next step (optional)"


async def setup_server(sb: Sandbox, zone: str = "Europe/Berlin") -> FakeMember:
    mod = sb.member("morgan", moderator=True)
    await sb.slash(mod, "setup timezone", zone=zone)
    await sb.slash(mod, "setup channels", accountability="accountability")
    return mod


async def start_project(
    sb: Sandbox,
    member: FakeMember,
    title: str = "Review sentiment",
    *,
    domain: str = "nlp",
    target: str = "2026-04-30",
    link: str = "",
) -> int:
    opened = await sb.slash(member, "project start")
    assert opened.modal is not None and opened.modal["title"] == "Start a project"
    reply = await sb.submit_modal(
        member,
        opened,
        {
            START_FIELDS["title"]: title,
            START_FIELDS["domain"]: domain,
            START_FIELDS["goal"]: "A deployed model and a write-up",
            START_FIELDS["target"]: target,
            START_FIELDS["link"]: link,
        },
    )
    assert reply.ephemeral and "Project started" in reply.text, reply.text
    projects = await bot_of(sb).services.projects.projects_of(sb.guild.id, member.id)
    return max(p.id for p in projects)


async def check_in(sb: Sandbox, member: FakeMember, progress: str, did: str, **options: Any) -> str:
    opened = await sb.slash(member, "project checkin", **options)
    assert opened.modal is not None, opened.text
    reply = await sb.submit_modal(member, opened, {PROGRESS: progress, DID: did})
    return reply.all_text


def posts(sb: Sandbox, channel: str = "accountability") -> list[MessageView]:
    return [m for m in sb.channel(channel).messages if m.embeds]


# --- the whole arc ----------------------------------------------------------------------


async def test_start_from_an_idea_check_in_twice_tick_milestones_and_ship(
    sb: Sandbox, e2e_clock: FakeClock
) -> None:
    await setup_server(sb)
    alice = sb.member("alice")
    services = bot_of(sb).services

    ideas = await sb.slash(alice, "project ideas", domain="nlp")
    assert ideas.ephemeral and "Start this" in ideas.buttons
    catalog_ideas = services.catalog.for_guild(sb.guild.id).ideas_in("nlp")
    first = catalog_ideas[0]
    assert first.title in ideas.text and first.dataset in ideas.text
    assert first.milestones[0].title in ideas.text
    if len(catalog_ideas) > 1:
        paged = await sb.click(alice, ideas, "Next ›")
        assert catalog_ideas[1].title in paged.text
        ideas = await sb.click(alice, paged, "‹ Previous")
        assert first.title in ideas.text

    opened = await sb.click(alice, ideas, "Start this")
    assert opened.modal is not None
    started = await sb.submit_modal(alice, opened, {})  # everything pre-filled from the idea
    assert "Project started" in started.text
    for milestone in first.milestones:
        assert milestone.title in started.text
    (project,) = await services.projects.projects_of(sb.guild.id, alice.id)
    assert project.idea_id == first.id and project.domain == "nlp"
    assert [m.title for m in project.milestones] == [m.title for m in first.milestones]
    assert project.target_date == date(2026, 3, 2) + timedelta(weeks=6)

    # Two check-ins: with one active project the option may be left out.
    first_checkin = await check_in(sb, alice, "15", "Built the leak-free split", minutes=90)
    assert "Checked in" in first_checkin and "15%" in first_checkin
    await services.core.scheduler.advance(timedelta(days=2))
    second = await check_in(sb, alice, "40", "Baseline trained", project=str(project.id))
    assert "40%" in second

    # Tick milestones (by number and by title; autocomplete offers them).
    choices = await sb.autocomplete(
        alice, "project milestone", "milestone", "", project=str(project.id)
    )
    assert len(choices) == len(first.milestones)
    ticked = await sb.slash(alice, "project milestone", project=str(project.id), milestone="1")
    assert "Milestone done" in ticked.text and "1/" in ticked.text
    by_title = first.milestones[1].title
    ticked = await sb.slash(alice, "project milestone", project=str(project.id), milestone=by_title)
    assert "2/" in ticked.text
    again = await sb.slash(alice, "project milestone", project=str(project.id), milestone="1")
    assert "Already ticked" in again.text

    # Ship: a celebration embed in the accountability channel, pinging nobody.
    shipped = await sb.slash(
        alice,
        "project ship",
        project=str(project.id),
        link="https://huggingface.co/spaces/alice/demo",
        note="v1 is live",
    )
    assert shipped.ephemeral and "Celebrated" in shipped.all_text
    (celebration,) = [m for m in posts(sb) if "Shipped" in m.text]
    assert "Shipped" in celebration.text and project.title in celebration.text
    assert f"<@{alice.id}>" in celebration.text and "v1 is live" in celebration.text
    assert celebration.allowed_mentions is not None
    assert celebration.allowed_mentions.get("parse") == []

    shown = await sb.slash(alice, "project show", project=str(project.id))
    timeline = shown.text
    assert timeline.count("check-in") == 2
    assert "milestone:" in timeline and "shipped" in timeline and "started" in timeline

    summary = await services.projects.portfolio_summary(sb.guild.id, alice.id)
    assert (summary.active, summary.shipped, summary.shipped_domains) == (
        1,
        1,
        frozenset({"nlp"}),
    )
    assert summary.last_checkin_at == e2e_clock.now()

    # Check-ins logged `project` activity.
    from sqlalchemy import select

    from bot.activity.tables import activity

    async with services.core.store.connect() as conn:
        rows = (
            await conn.execute(
                select(activity.c.kind, activity.c.source, activity.c.minutes).where(
                    activity.c.user_id == alice.id
                )
            )
        ).all()
    assert ("project", "checkin", 90) in rows
    assert sum(1 for r in rows if r.source == "checkin") == 2

    done = await sb.slash(alice, "project done", project=str(project.id), note="Finished")
    assert "Done" in done.text
    listed = await sb.slash(alice, "project list")
    assert "done" in listed.text and "shipped ×1" in listed.text


# --- weekly thread ----------------------------------------------------------------------


async def test_weekly_thread_once_across_a_restart_and_check_in_button(
    sb: Sandbox, e2e_clock: FakeClock
) -> None:
    mod = await setup_server(sb)
    # 10:30: the fake scheduler runs only one of two jobs due at the same instant, and the
    # pitfall sweep is at 10:00.
    saved = await sb.slash(mod, "setup accountability", weekday="mon", time="10:30")
    assert "Mondays at 10:30" in saved.text and "Europe/Berlin" in saved.text
    shown = await sb.slash(mod, "setup show")
    assert "Weekly accountability" in shown.text

    alice, bob, kai, quiet = (
        sb.member("alice"),
        sb.member("bob"),
        sb.member("kai"),
        sb.member("quiet"),
    )
    await start_project(sb, alice, "Alice's sentiment")
    await start_project(sb, bob, "Bob one", domain="cv")
    await start_project(sb, bob, "Bob two", domain="llm")
    await start_project(sb, quiet, "Private work")
    opened = await sb.slash(quiet, "project checkin", public=False)
    await sb.submit_modal(quiet, opened, {PROGRESS: "5", DID: "setup"})

    services = bot_of(sb).services
    # 07:00 UTC -> 09:30 UTC = 10:30 in Berlin.
    await services.core.scheduler.advance(timedelta(hours=2, minutes=31))
    await sb.wait_idle()
    (weekly,) = posts(sb)
    assert "Week 10 accountability" in weekly.text
    assert f"<@{alice.id}>" in weekly.text and f"<@{bob.id}>" in weekly.text
    assert f"<@{quiet.id}>" not in weekly.text  # private check-ins: not listed
    assert f"<@{kai.id}>" not in weekly.text  # no project
    assert "2 projects" in weekly.text and "no check-in yet" in weekly.text
    assert weekly.allowed_mentions is not None and weekly.allowed_mentions.get("parse") == []
    assert weekly.thread is not None and weekly.thread.name == "Week 10 accountability"
    assert "Check in" in weekly.buttons

    # A restart later the same morning: catch-up finds the ledger entry, posts nothing.
    e2e_clock.set(datetime(2026, 3, 2, 9, 45, tzinfo=UTC))
    await sb.restart_bot()
    await sb.wait_idle()
    services = bot_of(sb).services
    await services.core.scheduler.advance(timedelta(hours=3))
    await sb.wait_idle()
    assert len(posts(sb)) == 1
    again = await services.projects.weekly.post(sb.guild.id)
    assert again.status == "duplicate"
    from bot.core.store import deliveries as ledger

    async with services.core.store.connect() as conn:
        entry = await ledger.get(conn, f"weekly:{sb.guild.id}:2026-W10")
    assert entry is not None and entry["status"] == "sent"

    # The button (after the restart) opens the clicker's own modal.
    opened = await sb.click(alice, weekly, "Check in")
    assert opened.modal is not None and "Alice's sentiment" in opened.modal["title"]
    done = await sb.submit_modal(alice, opened, {PROGRESS: "30", DID: "Cleaned **the** data"})
    assert "Shared in this week's accountability thread" in done.all_text
    thread_posts = [m for m in weekly.thread.messages if m.embeds]
    assert len(thread_posts) == 1
    assert f"<@{alice.id}>" in thread_posts[0].text and "30%" in thread_posts[0].text
    assert "\\*\\*the\\*\\*" in thread_posts[0].text  # markdown escaped

    # Bob has two projects: he picks one, then gets his modal.
    picker = await sb.click(bob, weekly, "Check in")
    assert picker.ephemeral and picker.selects
    opened = await sb.select(bob, picker, "Which project?", ["Bob two"])
    assert opened.modal is not None and "Bob two" in opened.modal["title"]
    await sb.submit_modal(bob, opened, {PROGRESS: "10", DID: "Prompt set"})
    (bob_two,) = [
        p for p in await services.projects.projects_of(sb.guild.id, bob.id) if p.title == "Bob two"
    ]
    assert bob_two.progress == 10

    # Kai has nothing to check in on.
    refused = await sb.click(kai, weekly, "Check in")
    assert refused.ephemeral and "no active project" in refused.text

    # A private member's check-in is not posted in the thread.
    before = len(weekly.thread.messages)
    private = await check_in(sb, quiet, "20", "Quiet progress")
    assert "Kept private" in private
    assert len(weekly.thread.messages) == before

    # Next Monday: week 11, once.
    await services.core.scheduler.advance(timedelta(days=7))
    await sb.wait_idle()
    weekly_posts = posts(sb)
    assert len(weekly_posts) == 2 and "Week 11 accountability" in weekly_posts[1].text
    assert "checked in today" in weekly_posts[1].text or "day" in weekly_posts[1].text


async def test_weekly_thread_paused_and_refused_for_members(sb: Sandbox) -> None:
    mod = await setup_server(sb)
    bob = sb.member("bob")
    refused = await sb.slash(bob, "setup accountability", enabled=False)
    assert "Only moderators" in refused.text
    paused = await sb.slash(mod, "setup accountability", enabled=False)
    assert "paused" in paused.text
    services = bot_of(sb).services
    assert not services.core.scheduler.has_job(f"accountability:{sb.guild.id}")
    await services.core.scheduler.advance(timedelta(days=8))
    await sb.wait_idle()
    assert posts(sb) == []
    bad = await sb.slash(mod, "setup accountability", time="25:00")
    assert bad.ephemeral and "HH:MM" in bad.text


async def test_check_in_without_a_weekly_thread_skips_quietly(sb: Sandbox) -> None:
    await setup_server(sb)
    alice = sb.member("alice")
    await start_project(sb, alice)
    text = await check_in(sb, alice, "10", "Started")
    assert "no weekly thread" in text
    assert posts(sb) == []


# --- reminders --------------------------------------------------------------------------


async def test_reminder_after_seven_silent_days_then_stale_at_fourteen(
    sb: Sandbox, e2e_clock: FakeClock
) -> None:
    await setup_server(sb)
    alice = sb.member("alice", dms_open=True)
    bob = sb.member("bob")
    await sb.slash(alice, "settings dms", enabled=True)
    alice_project = await start_project(sb, alice, "Alice's detector", domain="cv")
    bob_project = await start_project(sb, bob, "Bob's recommender", domain="recsys")
    services = bot_of(sb).services

    await services.core.scheduler.advance(timedelta(days=6, hours=23))
    await sb.wait_idle()
    assert not [m for m in sb.dms(alice) if "going?" in m.text]

    await services.core.scheduler.advance(timedelta(hours=2))
    await sb.wait_idle()
    reminders = [m for m in sb.dms(alice) if "Alice's detector" in m.text]
    assert len(reminders) == 1 and "a week without a check-in" in reminders[0].text
    # Bob did not allow DMs: the reminder waits for his next command reply.
    assert not sb.dms(bob)
    reply = await sb.slash(bob, "project list")
    assert "Bob's recommender going?" in reply.all_text

    # Another day: no second reminder for the same silence.
    await services.core.scheduler.advance(timedelta(days=1))
    await sb.wait_idle()
    assert len([m for m in sb.dms(alice) if "going?" in m.text]) == 1

    # Bob checks in; Alice stays silent and goes stale at 14 days.
    await check_in(sb, bob, "20", "Collected interactions", project=str(bob_project))
    await services.core.scheduler.advance(timedelta(days=6, hours=1))
    await sb.wait_idle()
    alice_now = await services.projects.detail(sb.guild.id, alice.id, str(alice_project))
    assert alice_now.project.stale
    assert any("marked stale" in m.text for m in sb.dms(alice))
    bob_now = await services.projects.detail(sb.guild.id, bob.id, str(bob_project))
    assert not bob_now.project.stale
    async with services.core.store.connect() as conn:
        from bot.projects import store as project_rows

        facts = await project_rows.perfectionism_facts(conn, sb.guild.id, e2e_clock.now())
    assert facts[alice.id].stale and not facts[bob.id].stale
    listed = await sb.slash(alice, "project list")
    assert "stale" in listed.text

    # A check-in revives it.
    await check_in(sb, alice, "5", "Back at it")
    revived = await services.projects.detail(sb.guild.id, alice.id, str(alice_project))
    assert not revived.project.stale


# --- refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("link", "http://github.com/alice/x", "must start with https://"),
        ("target", "2026-03-01", "must be in the future"),
        ("target", "2027-06-01", "within a year"),
        ("target", "01/05/2026", "YYYY-MM-DD"),
        ("title", "   ", "title cannot be empty"),
        ("domain", "biology", "not a project domain"),
    ],
)
async def test_bad_start_input_is_refused_with_the_reason_and_nothing_stored(
    sb: Sandbox, field: str, value: str, reason: str
) -> None:
    alice = sb.member("alice")
    opened = await sb.slash(alice, "project start")
    values = {
        START_FIELDS["title"]: "A project",
        START_FIELDS["domain"]: "nlp",
        START_FIELDS["goal"]: "Done when deployed",
        START_FIELDS["target"]: "2026-04-30",
    }
    values[START_FIELDS[field]] = value
    reply = await sb.submit_modal(alice, opened, values)
    assert reply.ephemeral and reason in reply.text, reply.text
    assert "Something went wrong" not in reply.text
    assert await bot_of(sb).services.projects.projects_of(sb.guild.id, alice.id) == []


async def test_a_refused_form_comes_back_pre_filled(sb: Sandbox) -> None:
    alice, bob = sb.member("alice"), sb.member("bob")
    opened = await sb.slash(alice, "project start", domain="edge")
    refused = await sb.submit_modal(
        alice,
        opened,
        {
            START_FIELDS["title"]: "Keyword spotting on a microcontroller",
            START_FIELDS["goal"]: "Runs on an ESP32 under 100 ms",
            START_FIELDS["link"]: "http://github.com/alice/kws",
        },
    )
    assert "https://" in refused.text and "Edit and resubmit" in refused.buttons
    with pytest.raises(LookupError):  # ephemeral: bob cannot even see it
        await sb.click(bob, refused, "Edit and resubmit")
    again = await sb.click(alice, refused, "Edit and resubmit")
    assert again.modal is not None
    typed = {
        c.get("label"): c.get("value")
        for row in again.modal["components"]
        for c in (row.get("components") or [row.get("component") or {}])
    }
    assert typed[START_FIELDS["title"]] == "Keyword spotting on a microcontroller"
    assert typed[START_FIELDS["domain"]] == "edge"
    started = await sb.submit_modal(
        alice, again, {START_FIELDS["link"]: "https://github.com/alice/kws"}
    )
    assert "Project started" in started.text
    (project,) = await bot_of(sb).services.projects.projects_of(sb.guild.id, alice.id)
    assert project.link == "https://github.com/alice/kws" and project.domain == "edge"

    opened = await sb.slash(alice, "project checkin")
    refused = await sb.submit_modal(alice, opened, {PROGRESS: "120", DID: "Quantised to int8"})
    retry = refused.followups[-1] if refused.followups else refused
    assert "between 0 and 100" in retry.text
    again = await sb.click(alice, retry, "Edit and resubmit")
    assert again.modal is not None
    done = await sb.submit_modal(alice, again, {PROGRESS: "60"})
    assert "60%" in done.all_text
    detail = await bot_of(sb).services.projects.detail(sb.guild.id, alice.id, str(project.id))
    checkins = [e for e in detail.events if e.kind == "checkin"]
    assert [(e.progress, e.did) for e in checkins] == [(60, "Quantised to int8")]


async def test_empty_title_is_refused_before_the_bot_sees_it(sb: Sandbox) -> None:
    alice = sb.member("alice")
    opened = await sb.slash(alice, "project start")
    assert opened.modal is not None
    title = next(
        c
        for row in opened.modal["components"]
        for c in (row.get("components") or [row.get("component") or {}])
        if c.get("label") == START_FIELDS["title"]
    )
    assert title.get("required", True) and title.get("max_length") == 100
    with pytest.raises(ValueError, match="required"):
        await sb.submit_modal(alice, opened, {START_FIELDS["title"]: ""})
    assert await bot_of(sb).services.projects.projects_of(sb.guild.id, alice.id) == []


async def test_bad_check_in_input_is_refused_and_nothing_stored(sb: Sandbox) -> None:
    alice = sb.member("alice")
    project_id = await start_project(sb, alice)
    opened = await sb.slash(alice, "project checkin")
    reply = await sb.submit_modal(alice, opened, {PROGRESS: "150", DID: "lots"})
    assert "between 0 and 100" in reply.all_text
    opened = await sb.slash(alice, "project checkin")
    reply = await sb.submit_modal(
        alice, opened, {PROGRESS: "10", DID: "x", "Link (optional, https)": "http://a.io"}
    )
    assert "https://" in reply.all_text
    bad_date = await sb.slash(alice, "project checkin", target_date="2020-01-01")
    assert bad_date.modal is None and "in the future" in bad_date.text
    detail = await bot_of(sb).services.projects.detail(sb.guild.id, alice.id, str(project_id))
    assert [e.kind for e in detail.events] == ["start"]


async def test_no_project_and_several_projects_need_a_choice(sb: Sandbox) -> None:
    alice = sb.member("alice")
    none = await sb.slash(alice, "project checkin")
    assert none.modal is None and "no active project" in none.text
    await start_project(sb, alice, "One")
    await start_project(sb, alice, "Two")
    several = await sb.slash(alice, "project checkin")
    assert several.modal is None and "pick one" in several.text
    choices = await sb.autocomplete(alice, "project checkin", "project", "tw")
    assert [c["name"] for c in choices] == ["Two"]
    by_title = await sb.slash(alice, "project checkin", project="one")
    assert by_title.modal is not None and "One" in by_title.modal["title"]
    other = sb.member("bob")
    theirs = await sb.slash(other, "project checkin", project=choices[0]["value"])
    assert theirs.modal is None and "could not find that project" in theirs.text


async def test_active_project_limit(sb: Sandbox) -> None:
    alice = sb.member("alice")
    limit = bot_of(sb).services.core.settings.max_active_projects
    for n in range(limit):
        await start_project(sb, alice, f"Project {n}")
    refused = await sb.slash(alice, "project start")
    assert refused.modal is None and f"limit here is {limit}" in refused.text
    ideas = await sb.slash(alice, "project ideas")
    from_idea = await sb.click(alice, ideas, "Start this")
    assert from_idea.modal is None and "limit" in from_idea.text


# --- escaping ---------------------------------------------------------------------------


async def test_everyone_and_markdown_in_a_title_are_escaped_and_ping_nobody(
    sb: Sandbox,
) -> None:
    await setup_server(sb)
    alice = sb.member("alice")
    nasty = "@everyone **huge** <@&123456789012345678> __news__"
    project_id = await start_project(sb, alice, nasty)
    await sb.slash(alice, "project ship", project=str(project_id), note="@here `code` ||spoiler||")
    (celebration,) = posts(sb)
    text = celebration.text
    assert "@everyone" not in text and "@\u200beveryone" in text
    assert "@here" not in text and "@\u200bhere" in text
    assert "\\*\\*huge\\*\\*" in text and "\\_\\_news\\_\\_" in text
    assert "<@&123456789012345678>" not in text
    mentions = celebration.allowed_mentions
    assert mentions is not None and mentions.get("parse") == []
    assert not mentions.get("users") and not mentions.get("roles")
    assert not mentions.get("replied_user")
    # The member's own views escape it too.
    shown = await sb.slash(alice, "project show", project=str(project_id))
    assert "@everyone" not in shown.text and "\\*\\*huge\\*\\*" in shown.text


# --- list, show, done, drop, target moves -----------------------------------------------


async def test_list_another_member_only_when_their_profile_is_public(sb: Sandbox) -> None:
    alice, bob = sb.member("alice"), sb.member("bob")
    project_id = await start_project(sb, alice, "Alice's pipeline", domain="pipeline")
    private = await sb.slash(bob, "project list", member="alice")
    assert "keeps their projects private" in private.text
    private_show = await sb.slash(bob, "project show", project=str(project_id))
    assert "private" in private_show.text
    await sb.slash(alice, "settings profile", public=True)
    public = await sb.slash(bob, "project list", member="alice")
    assert public.ephemeral and "Alice's pipeline" in public.text
    shown = await sb.slash(bob, "project show", project=str(project_id))
    assert "Alice's pipeline" in shown.text and "Timeline" in shown.text
    mine = await sb.slash(bob, "project list")
    assert "No projects yet" in mine.text


async def test_drop_asks_why_and_keeps_it_for_the_member_only(sb: Sandbox) -> None:
    alice, bob = sb.member("alice"), sb.member("bob")
    await sb.slash(alice, "settings profile", public=True)
    project_id = await start_project(sb, alice, "Too big")
    asked = await sb.slash(alice, "project drop", project=str(project_id))
    assert asked.modal is not None and "Drop" in asked.modal["title"]
    dropped = await sb.submit_modal(
        alice, asked, {"Why are you dropping it?": "Scope too large for now"}
    )
    assert "Dropped" in dropped.text and "Scope too large" in dropped.text
    own = await sb.slash(alice, "project show", project=str(project_id))
    assert "dropped — Scope too large for now" in own.text
    others = await sb.slash(bob, "project list", member="alice")
    assert "Too big" not in others.text
    hidden = await sb.slash(bob, "project show", project=str(project_id))
    assert "could not find" in hidden.text
    again = await sb.slash(alice, "project drop", project=str(project_id))
    assert again.modal is None and "not active" in again.text
    choices = await sb.autocomplete(alice, "project show", "project", "")
    assert choices and "(dropped)" in choices[0]["name"]


async def test_target_moves_are_counted(sb: Sandbox) -> None:
    alice = sb.member("alice")
    project_id = await start_project(sb, alice, "Slipping", target="2026-04-01")
    first = await check_in(sb, alice, "10", "Some", target_date="2026-04-15")
    assert "Target moved" in first and "moved 1×" in first
    await check_in(sb, alice, "10", "Same progress", target_date="2026-05-01")
    services = bot_of(sb).services
    detail = await services.projects.detail(sb.guild.id, alice.id, str(project_id))
    assert detail.project.target_moves == 2
    assert detail.project.target_date == date(2026, 5, 1)
    async with services.core.store.connect() as conn:
        from bot.projects import store as project_rows

        facts = await project_rows.perfectionism_facts(conn, sb.guild.id, services.core.clock.now())
    assert facts[alice.id].target_moves == 2
    shown = await sb.slash(alice, "project show", project=str(project_id))
    assert "target moved" in shown.text and "moved 2×" in shown.text


async def test_ship_without_a_channel_still_counts(sb: Sandbox) -> None:
    alice = sb.member("alice")
    project_id = await start_project(sb, alice, "Quiet ship")
    reply = await sb.slash(alice, "project ship", project=str(project_id))
    assert "No accountability channel" in reply.all_text
    bad = await sb.slash(alice, "project ship", project=str(project_id), link="ftp://x.y")
    assert "https://" in bad.all_text
    summary = await bot_of(sb).services.projects.portfolio_summary(sb.guild.id, alice.id)
    assert summary.shipped == 1


# --- hostile option values ------------------------------------------------------------------

HOSTILE = [
    "@everyone",
    "<@&123456789012345678>",
    "@everyone **bold** __under__ `code` ||spoiler||",
    "' OR 1=1; DROP TABLE projects; --",
    "http://insecure.example/x",
    "https://",
    "javascript:alert(1)",
    "\u200b\u200b",
    "{project_title}{0}",
    "x" * 5000,
    "",
    " ",
    "\n\n\n",
    "25:99",
    "2020-01-01",
    "99",
]


async def test_every_project_option_survives_hostile_values(sb: Sandbox) -> None:
    mod = await setup_server(sb)
    alice = sb.member("alice")
    project_id = str(await start_project(sb, alice, "Robust"))
    calls: list[tuple[FakeMember, str, dict[str, Any]]] = []
    for value in HOSTILE:
        calls += [
            (alice, "project checkin", {"project": value}),
            (alice, "project checkin", {"project": project_id, "target_date": value}),
            (alice, "project milestone", {"project": value, "milestone": "1"}),
            (alice, "project milestone", {"project": project_id, "milestone": value}),
            (alice, "project ship", {"project": project_id, "link": value}),
            (alice, "project ship", {"project": project_id, "note": value}),
            (alice, "project show", {"project": value}),
            (alice, "project drop", {"project": value}),
            (alice, "project done", {"project": value}),
            (mod, "setup accountability", {"time": value}),
        ]
    calls.append((alice, "project checkin", {"project": project_id, "minutes": -5}))
    reached: set[str] = set()
    for member, path, options in calls:
        try:
            reply = await sb.slash(member, path, **options)
        except OptionRefused:  # outside the option's declared bounds: Discord refuses it
            continue
        reached.add(path)
        text = reply.all_text
        assert "Something went wrong" not in text, (path, options, text)
        assert len(text) < 2000, (path, options)
        assert "@everyone" not in text and "<@&123456789012345678>" not in text, (path, text)
    assert reached == {path for _, path, _ in calls}  # most values do reach the bot
    assert not sb.errors


async def test_weekly_post_missed_while_down_is_caught_up_once_within_grace(
    sb: Sandbox, e2e_clock: FakeClock
) -> None:
    await setup_server(sb)  # default schedule: Mondays 10:30 Berlin (09:30 UTC)
    alice = sb.member("alice")
    await start_project(sb, alice)
    # "Down" across the post time: the clock moves without running jobs.
    bot_of(sb).services.core.scheduler.jump_to(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))
    await sb.restart_bot()
    await sb.wait_idle()
    assert len(posts(sb)) == 1 and "Week 10 accountability" in posts(sb)[0].text
    await sb.restart_bot()
    await sb.wait_idle()
    assert len(posts(sb)) == 1
    # Down for the whole grace window the next week: skipped, not posted late.
    bot_of(sb).services.core.scheduler.jump_to(datetime(2026, 3, 9, 20, 0, tzinfo=UTC))
    await sb.restart_bot()
    await sb.wait_idle()
    assert len(posts(sb)) == 1


async def test_weekly_post_to_a_channel_without_permission_is_flagged(
    sb: Sandbox, e2e_clock: FakeClock
) -> None:
    mod = await setup_server(sb)
    sb.fail_next("POST /channels/*/messages", status=403, code=50013)
    await bot_of(sb).services.core.scheduler.advance(timedelta(hours=3))
    await sb.wait_idle()
    assert posts(sb) == []
    shown = await sb.slash(mod, "setup show")
    assert "accountability" in shown.text and "permission" in shown.text
    assert not bot_of(sb).services.core.scheduler.has_job(f"accountability:{sb.guild.id}")
