"""What members read, in words (issue 17): every setting shown, counts with the right plural,
labels instead of slugs and stored values, an ellipsis wherever text is cut."""

from __future__ import annotations

from bot.sandbox import Sandbox
from tests.e2e.test_daily import configure_daily, daily_posts
from tests.e2e.test_projects import DID, PROGRESS, setup_server, start_project


async def test_settings_show_lists_every_setting_in_words(sb: Sandbox) -> None:
    alice = sb.member("alice")
    fresh = await sb.slash(alice, "settings show")
    assert fresh.ephemeral
    for shown in (
        "Nudges: with your next command reply",
        "Streak at risk: off",
        "Interview reviews due: off",
        "Weekly digest: off",
        "Weekly goal: not set (`/goal`)",
        "Focus tracks: not chosen (`/start`)",
        "Community tracking: on",
        "Profile: private",
        "Leaderboards: off",
    ):
        assert shown in fresh.text, shown

    await sb.slash(alice, "settings dms", enabled=True)
    await sb.slash(alice, "settings nudges", mode="dm")
    await sb.slash(alice, "settings reminders", streak=True, hours_before=3)
    await sb.slash(alice, "settings reminders", reviews=True, review_time="18:30")
    await sb.slash(alice, "settings digest", enabled=True)
    await sb.slash(alice, "settings tracking", enabled=False)
    await sb.slash(alice, "goal", hours_per_week=6)
    start = await sb.slash(alice, "start")
    await sb.select(alice, start, "Focus tracks", ["math", "portfolio"])
    shown = (await sb.slash(alice, "settings show")).text
    for expected in (
        "Direct messages: on",
        "Nudges: by DM",
        "Streak at risk: on, 3 h before your midnight",
        "Interview reviews due: on, at 18:30 your time",
        "Weekly digest: on",
        "Weekly goal: 6 h a week",
        "Focus tracks: Math foundations, Portfolio",
        "Community tracking: off",
    ):
        assert expected in shown, expected
    assert "inbox" not in shown and ": dm" not in shown  # never a stored value


async def test_history_hides_zero_minutes_and_names_project_domains(sb: Sandbox) -> None:
    await setup_server(sb)
    alice = sb.member("alice")
    project = await start_project(sb, alice, "Leaf triage", domain="cv")
    opened = await sb.slash(alice, "project checkin")  # no minutes: an event, not study time
    await sb.submit_modal(alice, opened, {PROGRESS: "20", DID: "Split the data"})
    await sb.slash(alice, "project milestone", project=str(project), milestone="1")
    history = (await sb.slash(alice, "history")).text
    assert "**0 min**" not in history and "0 min" not in history
    assert "projects · Computer vision (project check-in)" in history
    assert "projects · Computer vision — Data (milestone)" in history
    assert "· cv" not in history

    progress = (await sb.slash(alice, "progress")).all_text
    assert "Streak: 0 days (best 0)" in progress


async def test_one_day_of_streak_reads_as_one_day(sb: Sandbox) -> None:
    await configure_daily(sb, "UTC")
    alice = sb.member("alice")
    await sb.slash(sb.member("morgan"), "daily post-now")
    await sb.click(alice, daily_posts(sb)[0], "Done")
    progress = (await sb.slash(alice, "progress")).all_text
    assert "Streak: 1 day (best 1)" in progress and "1 days" not in progress


async def test_long_titles_in_form_headings_end_with_an_ellipsis(sb: Sandbox) -> None:
    await setup_server(sb)
    alice = sb.member("alice")
    title = "Leaf photo triage for plant diseases in home gardens"
    project = await start_project(sb, alice, title, domain="cv")
    opened = await sb.slash(alice, "project checkin")
    assert opened.modal is not None
    heading = opened.modal["title"]
    assert len(heading) <= 45 and heading.endswith("…")
    assert heading == "Check in: Leaf photo triage for plant…"
    dropping = await sb.slash(alice, "project drop", project=str(project))
    assert (
        dropping.modal is not None
        and dropping.modal["title"] == "Drop: Leaf photo triage for plant diseases…"
    )
