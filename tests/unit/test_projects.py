"""Project rules: validation, staleness, milestones, weekly numbering, the stuck project."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.errors import UserFacingError, quoted
from bot.projects.rules import (
    DEFAULT_MILESTONES,
    PROJECT_DOMAINS,
    REMIND_AFTER,
    STALE_AFTER,
    TITLE_MAX,
    ActiveProjectRow,
    SilenceInfo,
    check_capacity,
    clean_text,
    find_milestone,
    milestone_progress,
    milestones_for,
    most_stuck,
    next_look,
    parse_domain,
    parse_progress,
    parse_target_date,
    parse_weekday,
    plan_reminders,
    ref_matches,
    silence_text,
    staleness,
    suggested_target,
    thread_is_current,
    validate_checkin,
    validate_minutes,
    validate_start,
    validate_title,
    validate_url,
    week_bounds,
    week_key,
    week_thread_name,
)

TODAY = date(2026, 3, 2)
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _start(**overrides: str | None) -> dict[str, str | None]:
    values: dict[str, str | None] = {
        "title": "Sentiment for reviews",
        "domain": "nlp",
        "goal": "A deployed model with an evaluation report",
        "target": "2026-04-15",
        "link": "https://github.com/alice/sentiment",
    }
    values.update(overrides)
    return values


# --- validation --------------------------------------------------------------------------


def test_a_good_start_is_cleaned_and_parsed() -> None:
    draft = validate_start(**_start(title="  Sentiment  ", link=""), today=TODAY)
    assert draft.title == "Sentiment"
    assert draft.domain == "nlp"
    assert draft.target_date == date(2026, 4, 15)
    assert draft.link is None


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("title", "", "title cannot be empty"),
        ("title", "   ", "title cannot be empty"),
        ("title", "x" * (TITLE_MAX + 1), f"keep it to {TITLE_MAX}"),
        ("title", "two\nlines", "one line"),
        ("goal", "", "goal / definition of done cannot be empty"),
        ("goal", "g" * 1001, "keep it to 1000"),
        ("domain", "biology", "not a project domain"),
        ("domain", "", "Pick a domain"),
        ("target", "2026-03-02", "in the future"),
        ("target", "2025-12-31", "in the future"),
        ("target", "2027-03-03", "within a year"),
        ("target", "next friday", "YYYY-MM-DD"),
        ("target", "", "YYYY-MM-DD"),
        ("link", "http://github.com/alice", "https://"),
        ("link", "javascript:alert(1)", "https://"),
        ("link", "https://", "needs a host"),
        ("link", "https://exa mple.com", "without spaces"),
        ("link", "https://example.com/" + "a" * 300, "keep it to 300"),
    ],
)
def test_bad_start_input_is_refused_with_the_reason(field: str, value: str, reason: str) -> None:
    with pytest.raises(UserFacingError) as error:
        validate_start(**_start(**{field: value}), today=TODAY)
    assert reason in error.value.message


def test_target_date_bounds_are_inclusive_of_a_year() -> None:
    assert parse_target_date("2026-03-03", TODAY) == date(2026, 3, 3)
    assert parse_target_date("2027-03-02", TODAY) == date(2027, 3, 2)


@pytest.mark.parametrize(
    ("typed", "domain"),
    [
        ("NLP", "nlp"),
        ("responsible ai", "responsible_ai"),
        ("Responsible-AI", "responsible_ai"),
        ("Computer vision", "cv"),
        ("other", "other"),
        (" MLOps ", "mlops"),
    ],
)
def test_domains_accept_ids_and_labels(typed: str, domain: str) -> None:
    assert parse_domain(typed) == domain


def test_every_catalog_domain_is_a_project_domain() -> None:
    from bot.catalog import PROJECT_DOMAINS as CATALOG_DOMAINS

    assert set(CATALOG_DOMAINS) <= set(PROJECT_DOMAINS)


def test_https_urls_pass_untouched() -> None:
    url = "https://huggingface.co/spaces/alice/demo?x=1#top"
    assert validate_url(url) == url
    assert validate_url("  ") is None


@pytest.mark.parametrize("value", ["0", "100", "55%", " 7 ", 42])
def test_progress_accepts_0_to_100(value: str | int) -> None:
    assert 0 <= parse_progress(value) <= 100


@pytest.mark.parametrize("value", ["-1", "101", "half", "", "4.5"])
def test_progress_refuses_the_rest(value: str) -> None:
    with pytest.raises(UserFacingError, match=r"0 (and|to) 100"):
        parse_progress(value)


def test_checkin_needs_what_i_did_and_optional_rest() -> None:
    draft = validate_checkin(progress="30", did="trained", blockers="", next_step=None, link="")
    assert (draft.progress, draft.did, draft.blockers, draft.next_step, draft.link) == (
        30,
        "trained",
        None,
        None,
        None,
    )
    with pytest.raises(UserFacingError, match="cannot be empty"):
        validate_checkin(progress="30", did=" ", blockers=None, next_step=None, link=None)
    with pytest.raises(UserFacingError, match="https"):
        validate_checkin(progress="30", did="x", blockers=None, next_step=None, link="ftp://a.b")


def test_clean_text_folds_blank_runs() -> None:
    assert clean_text("  a\n\n\n\nb  \n") == "a\n\nb"
    assert clean_text(None) == ""


def test_suggested_target_is_six_weeks_out_and_accepted() -> None:
    assert suggested_target(TODAY) == date(2026, 4, 13)
    assert parse_target_date(suggested_target(TODAY).isoformat(), TODAY) == date(2026, 4, 13)
    with pytest.raises(UserFacingError, match=r"e\.g\. 2026-04-13"):
        parse_target_date("soon", TODAY)


def test_minutes_are_0_to_a_day_and_default_to_0() -> None:
    assert validate_minutes(None) == 0
    assert validate_minutes(0) == 0
    assert validate_minutes(1440) == 1440
    for bad in (-5, 1441):
        with pytest.raises(UserFacingError, match="between 0 and 1440"):
            validate_minutes(bad)


def test_a_project_is_named_by_its_number_or_its_title_in_any_case() -> None:
    assert ref_matches("12", 12, "Sentiment")
    assert ref_matches(" sentiment ", 12, "Sentiment")
    assert not ref_matches("1", 12, "Sentiment")
    assert not ref_matches("senti", 12, "Sentiment")


def test_capacity() -> None:
    check_capacity(2, 3)
    with pytest.raises(UserFacingError, match="limit here is 3"):
        check_capacity(3, 3)


@given(st.text(max_size=200))
def test_title_validation_never_crashes_and_bounds_length(text: str) -> None:
    try:
        title = validate_title(text)
    except UserFacingError:
        return
    assert 0 < len(title) <= TITLE_MAX and "\n" not in title


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_target_dates_accepted_only_within_the_next_year(target: date) -> None:
    try:
        parsed = parse_target_date(target.isoformat(), TODAY)
    except UserFacingError:
        assert target <= TODAY or target > TODAY + timedelta(days=365)
    else:
        assert TODAY < parsed <= TODAY + timedelta(days=365)


# --- staleness -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("silent", "state"),
    [
        (timedelta(0), "fresh"),
        (timedelta(days=6, hours=23), "fresh"),
        (timedelta(days=7), "remind"),
        (timedelta(days=13, hours=23), "remind"),
        (timedelta(days=14), "stale"),
        (timedelta(days=40), "stale"),
    ],
)
def test_staleness_thresholds(silent: timedelta, state: str) -> None:
    assert staleness(NOW - silent, NOW - timedelta(days=100), NOW).state == state


def test_staleness_counts_from_the_start_without_checkins() -> None:
    result = staleness(None, NOW - timedelta(days=8), NOW)
    assert result.state == "remind"
    assert result.remind_at == NOW - timedelta(days=1)


def test_plan_reminds_once_per_silence_and_marks_stale() -> None:
    quiet = SilenceInfo(1, NOW - timedelta(days=30), NOW - timedelta(days=8), stale=False)
    silent = SilenceInfo(2, NOW - timedelta(days=30), NOW - timedelta(days=15), stale=False)
    fresh = SilenceInfo(3, NOW - timedelta(days=30), NOW - timedelta(days=2), stale=False)
    already = SilenceInfo(4, NOW - timedelta(days=30), None, stale=True)
    plan = plan_reminders([quiet, silent, fresh, already], NOW)
    assert plan.remind == (1, 2)
    assert plan.mark_stale == (2,)
    assert plan.next_due == NOW  # due now: the handler acts, then plans again
    after = plan_reminders(
        [
            SilenceInfo(1, quiet.created_at, quiet.last_checkin_at, stale=False, reminded=True),
            SilenceInfo(2, silent.created_at, silent.last_checkin_at, stale=True, reminded=True),
            fresh,
            already,
        ],
        NOW,
    )
    assert after.remind == () and after.mark_stale == ()
    # Next look: when the fresh project reaches 7 days silent.
    assert after.next_due == NOW + timedelta(days=5)


def test_plan_without_projects_deletes_the_row() -> None:
    assert plan_reminders([], NOW).next_due is None


def test_plan_with_only_stale_projects_looks_again_weekly() -> None:
    stale = SilenceInfo(1, NOW - timedelta(days=60), None, stale=True)
    assert plan_reminders([stale], NOW).next_due == NOW + REMIND_AFTER


@given(
    st.lists(
        st.tuples(st.integers(0, 60 * 24 * 40), st.booleans()),
        min_size=1,
        max_size=5,
    )
)
def test_plan_next_due_is_always_in_the_future(items: list[tuple[int, bool]]) -> None:
    projects = [
        SilenceInfo(i, NOW - timedelta(days=50), NOW - timedelta(minutes=m), stale=s)
        for i, (m, s) in enumerate(items)
    ]
    plan = plan_reminders(projects, NOW)
    assert plan.next_due is not None and plan.next_due >= NOW
    if not plan.remind and not plan.mark_stale:
        assert plan.next_due > NOW
    assert set(plan.mark_stale) <= set(plan.remind)
    for project in projects:
        silent = NOW - project.anchor
        if silent >= STALE_AFTER and not project.stale:
            assert project.project_id in plan.mark_stale


def test_silence_text() -> None:
    assert silence_text(None, NOW) == "no check-in yet"
    assert silence_text(NOW - timedelta(hours=3), NOW) == "checked in today"
    assert silence_text(NOW - timedelta(days=1, hours=1), NOW) == "last check-in 1 day ago"
    assert silence_text(NOW - timedelta(days=9), NOW) == "last check-in 9 days ago"


# --- milestones ------------------------------------------------------------------------


def test_milestone_progress() -> None:
    progress = milestone_progress([True, True, False, False, False])
    assert (progress.done, progress.total, progress.percent) == (2, 5, 40)
    assert not progress.complete
    assert progress.bar(5) == "■■□□□"
    assert milestone_progress([]).percent == 0
    assert milestone_progress([True]).complete


@given(st.lists(st.booleans(), max_size=12))
def test_milestone_percent_is_bounded(flags: list[bool]) -> None:
    progress = milestone_progress(flags)
    assert 0 <= progress.percent <= 100
    assert len(progress.bar()) == 10


def test_default_arc_and_idea_milestones() -> None:
    assert DEFAULT_MILESTONES == ("Data", "Baseline", "Evaluation", "Deploy", "Write-up")
    assert milestones_for(None) == DEFAULT_MILESTONES
    assert milestones_for(["  ", ""]) == DEFAULT_MILESTONES
    assert milestones_for(["Split", "Model"]) == ("Split", "Model")
    assert len(milestones_for([f"m{i}" for i in range(20)])) == 10


def test_find_milestone_by_number_title_or_unique_fragment() -> None:
    titles = list(DEFAULT_MILESTONES)
    assert find_milestone(titles, "2") == 1
    assert find_milestone(titles, "evaluation") == 2
    assert find_milestone(titles, "write") == 4
    with pytest.raises(UserFacingError):
        find_milestone(titles, "e")  # ambiguous
    with pytest.raises(UserFacingError):
        find_milestone(titles, "9")


# --- weekly ----------------------------------------------------------------------------


def test_week_numbering_uses_iso_weeks() -> None:
    assert week_key(7, date(2026, 3, 2)) == "weekly:7:2026-W10"
    assert week_key(7, date(2026, 3, 8)) == "weekly:7:2026-W10"
    assert week_key(7, date(2026, 3, 9)) == "weekly:7:2026-W11"
    # The ISO year, not the calendar year, around New Year.
    assert week_key(7, date(2027, 1, 1)) == "weekly:7:2026-W53"
    assert week_key(7, date(2025, 12, 29)) == "weekly:7:2026-W01"
    assert week_thread_name(date(2026, 3, 4)) == "Week 10 accountability"
    assert week_bounds(date(2026, 3, 4)) == (date(2026, 3, 2), date(2026, 3, 8))


def test_one_weekday_by_name_or_prefix() -> None:
    assert parse_weekday("mon") == 0
    assert parse_weekday(" Sunday ") == 6
    assert parse_weekday("FRI") == 4
    for bad in ("", "someday", "weekdays"):
        with pytest.raises(UserFacingError, match="Pick a weekday"):
            parse_weekday(bad)


def test_a_weekly_thread_is_current_for_eight_days() -> None:
    assert thread_is_current(NOW, NOW)
    assert thread_is_current(NOW - timedelta(days=8), NOW)
    assert not thread_is_current(NOW - timedelta(days=8, seconds=1), NOW)


def test_the_reminder_row_never_spins_on_the_same_instant() -> None:
    later = NOW + timedelta(days=3)
    assert next_look(later, NOW) == later
    assert next_look(NOW, NOW) == NOW + REMIND_AFTER
    assert next_look(NOW - timedelta(hours=1), NOW) == NOW + REMIND_AFTER
    assert next_look(None, NOW) is None


# --- the stuck project -----------------------------------------------------------------


def _row(
    title: str, progress_days: int, *, moves: int = 0, stale: bool = False
) -> ActiveProjectRow:
    return ActiveProjectRow(
        title=title,
        created_at=NOW - timedelta(days=60),
        last_progress_at=NOW - timedelta(days=progress_days),
        last_checkin_at=NOW - timedelta(days=1),
        stale_at=NOW if stale else None,
        target_moves=moves,
    )


def test_most_stuck_prefers_longest_without_progress() -> None:
    facts = most_stuck([_row("a", 3), _row("b", 20), _row("c", 10, moves=4)], False, NOW)
    assert facts is not None
    assert (facts.project_title, facts.days_since_progress, facts.project_age_days) == ("b", 20, 60)
    assert not facts.stale and not facts.shipped_anything


def test_most_stuck_ties_break_on_stale_then_moves() -> None:
    facts = most_stuck([_row("a", 5, moves=1), _row("b", 5, stale=True)], True, NOW)
    assert facts is not None and facts.project_title == "b" and facts.stale
    facts = most_stuck([_row("a", 5, moves=1), _row("b", 5, moves=2)], True, NOW)
    assert facts is not None and facts.project_title == "b" and facts.shipped_anything
    assert most_stuck([], True, NOW) is None


def test_quote_cannot_ping_or_break_out() -> None:
    # The shared refusal quoting (bot.core.errors.quoted) that project validation uses.
    assert quoted("@everyone", 20) == "`@\u200beveryone`"
    assert quoted("a`b", 20) == "`aʼb`"
    assert quoted("x" * 50, 20) == "`" + "x" * 19 + "…`"
    assert quoted("", 20) == "` `"


def test_the_weekly_roster_is_cut_after_the_lines_that_fit() -> None:
    """A big guild's roster: the lines that fit, then "…and N more" for everyone else."""
    from datetime import UTC, date, datetime

    from bot.projects.service.models import RosterEntry, WeeklyPost
    from bot.projects.views import weekly

    now = datetime(2026, 3, 2, 9, tzinfo=UTC)

    def roster_text(count: int) -> str:
        entries = tuple(RosterEntry(10**17 + n, 1 + n % 3, None) for n in range(count))
        embed = weekly.weekly_embed(WeeklyPost(date(2026, 3, 2), entries, now))
        assert embed.description is not None
        return embed.description.split("**Building right now**\n", 1)[1]

    small = roster_text(3).splitlines()
    assert len(small) == 3 and all(line.startswith("<@") for line in small)
    big = roster_text(35_000)
    *shown, more = big.splitlines()
    assert len(big) <= weekly.ROSTER_SHOWN_MAX
    assert len("\n".join(shown)) <= weekly.ROSTER_CUT_AT < len("\n".join([*shown, shown[0]]))
    assert more == f"…and {35_000 - len(shown)} more"
    assert shown == roster_text(len(shown)).splitlines()  # the same lines, in roster order
