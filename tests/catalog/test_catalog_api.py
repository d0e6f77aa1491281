"""Catalog lookups, pack metadata, diff_packs and render_nudge on the fixture packs."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest
from conftest import PACKS_DIR

from bot.catalog import (
    NUDGE_PLACEHOLDERS,
    PITFALLS,
    PROJECT_DOMAINS,
    QUESTION_CATEGORIES,
    Catalog,
    Nudge,
    Pack,
    PackError,
    PackIssue,
    diff_packs,
    load_pack_file,
    parse_pack,
    render_nudge,
)
from bot.catalog.errors import format_path


def _by_id(packs: list[Pack], pack_id: str) -> Pack:
    return next(p for p in packs if p.id == pack_id)


def test_constants_match_the_format() -> None:
    assert QUESTION_CATEGORIES == (
        "coding",
        "ml_system_design",
        "project_deep_dive",
        "math",
        "ml_fundamentals",
        "ml_coding",
        "llm",
        "sql",
        "behavioral",
    )
    assert set(NUDGE_PLACEHOLDERS) == set(PITFALLS)
    assert all("days" in names for names in NUDGE_PLACEHOLDERS.values())
    assert NUDGE_PLACEHOLDERS["perfectionism"] == {
        "days",
        "project_title",
        "project_age_days",
        "days_since_progress",
        "target_moves",
    }
    assert len(PROJECT_DOMAINS) == 8


def test_pack_metadata(fixture_packs: list[Pack]) -> None:
    assert [p.id for p in fixture_packs] == ["test-roadmap", "test-starter"]
    starter = _by_id(fixture_packs, "test-starter")
    raw = (PACKS_DIR / "starter.yaml").read_bytes()
    assert starter.source == "starter.yaml"
    assert starter.checksum == hashlib.sha256(raw).hexdigest()
    assert starter.version == "0.3.1"
    assert starter.header.authors == ()
    assert starter.roadmap is None
    # line index: where items and fields start (1-based)
    assert starter.locate(("prompts", 1)) == (18, 5)
    assert starter.locate(("questions", 0, "hints")) == (32, 5)
    assert starter.locate(("questions", 0, "hints", 1)) == (34, 9)
    assert starter.locate(("pack", "id")) == (3, 3)
    assert starter.locate(("nowhere", 3)) == (2, 1)  # unknown paths: where the YAML starts
    assert Pack.model_validate(starter.model_dump(by_alias=True)).locate(("pack",)) == (None, None)


def test_packs_are_immutable(fixture_packs: list[Pack]) -> None:
    starter = _by_id(fixture_packs, "test-starter")
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen error
        starter.prompts[0].title = "changed"  # type: ignore[misc]
    assert isinstance(starter.prompts, tuple)


def test_block_text_is_stripped() -> None:
    data = b"""pack:
  id: strip
  name: "  Strip  "
  version: 1.0.0
  description: |
    Two lines
    of text.
nudges:
  - id: n-1
    pitfall: isolation
    title: T
    body: |
      {study_days} days.
    suggested_action: A
"""
    pack = parse_pack(data, "strip.yaml")
    assert pack.header.name == "Strip"
    # A literal block's wrapped prose is one paragraph once loaded (issue 17: reflowed).
    assert pack.header.description == "Two lines of text."
    assert pack.nudges[0].body == "{study_days} days."


def test_catalog_lookups(fixture_catalog: Catalog) -> None:
    c = fixture_catalog
    assert [t.id for t in c.tracks] == ["math", "interviews"]
    assert list(c.skills) == [
        "linear-algebra",
        "probability",
        "dsa-hashing",
        "ml-system-design",
        "computer-vision",
    ]
    assert c.track_of_skill("probability").id == "math"
    assert c.track_of_skill("computer-vision").id == "interviews"
    with pytest.raises(KeyError):
        c.track_of_skill("nope")
    assert [s.id for s in c.skills_of("math")] == ["linear-algebra", "probability"]
    assert c.prompts["math-lin-001"].est_minutes == 30
    assert [p.id for p in c.prompts_for(track="interviews")] == ["int-hash-001"]
    assert [p.id for p in c.prompts_for(skill="linear-algebra")] == ["math-lin-001"]
    assert [q.id for q in c.questions_in()] == ["coding-two-sum", "design-feed-ranking"]
    assert [q.id for q in c.questions_in("coding")] == ["coding-two-sum"]
    assert [q.id for q in c.questions_in(difficulty=3)] == ["design-feed-ranking"]
    assert c.questions_in("coding", difficulty=3) == []
    assert [n.id for n in c.nudges_for("tutorial_hell")] == ["tutorial-hell-01"]
    assert c.nudges_for("isolation") == []
    assert [i.id for i in c.ideas_in("cv")] == ["cv-plant-disease"]
    assert [i.id for i in c.ideas_in()] == ["cv-plant-disease"]
    assert c.ideas_in("nlp") == []
    assert c.counts() == {
        "tracks": 2,
        "skills": 5,
        "prompts": 2,
        "questions": 2,
        "nudges": 2,
        "project_ideas": 1,
    }
    assert c.pack_of("questions", "coding-two-sum") == "test-starter"
    assert c.pack_of("question", "coding-two-sum") == "test-starter"
    assert c.pack_of("skills", "probability") == "test-roadmap"
    assert c.pack_of("track", "math") == "test-roadmap"
    with pytest.raises(KeyError):
        c.pack_of("prompts", "nope")
    with pytest.raises(KeyError):
        c.pack_of("widgets", "coding-two-sum")


def test_catalog_is_immutable(fixture_catalog: Catalog) -> None:
    with pytest.raises(AttributeError):
        fixture_catalog.prompts = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        fixture_catalog.prompts["x"] = fixture_catalog.prompts["math-lin-001"]  # type: ignore[index]
    assert "test-starter" in repr(fixture_catalog)


def test_catalog_order_follows_pack_order(fixture_packs: list[Pack]) -> None:
    extra = parse_pack(
        b"""pack: {id: extra, name: Extra, version: 1.0.0}
questions:
  - id: aa-first-alphabetically
    category: coding
    difficulty: 1
    prompt: p
    hints: [h]
    key_points: [k]
    time_limit_minutes: 10
    skills: [dsa-hashing]
""",
        "extra.yaml",
    )
    c = Catalog.build([*fixture_packs, extra])
    assert [q.id for q in c.questions_in("coding")] == ["coding-two-sum", "aa-first-alphabetically"]
    assert c.pack_of("questions", "aa-first-alphabetically") == "extra"


def test_empty_catalog() -> None:
    c = Catalog.empty()
    assert c.counts() == dict.fromkeys(
        ["tracks", "skills", "prompts", "questions", "nudges", "project_ideas"], 0
    )
    assert c.questions_in() == []


def test_items_without_a_roadmap_are_refused(fixture_packs: list[Pack]) -> None:
    starter = _by_id(fixture_packs, "test-starter")
    with pytest.raises(PackError) as info:
        Catalog.build([starter])
    # every reference of the starter pack is reported, each at its own line
    assert len(info.value.issues) >= 6
    assert all(i.source == "starter.yaml" and i.line for i in info.value.issues)


def test_pack_issue_formatting() -> None:
    assert str(PackIssue("a.yaml", 14, 5, "prompts[2].est_minutes", "bad")) == (
        "a.yaml:14:5: prompts[2].est_minutes: bad"
    )
    assert str(PackIssue("a.yaml", None, None, "", "unreadable")) == "a.yaml: unreadable"
    assert str(PackIssue("a.yaml", 3, None, "pack", "x")) == "a.yaml:3: pack: x"
    assert format_path(("questions", 0, "skills", 1)) == "questions[0].skills[1]"
    error = PackError([PackIssue("b", 2, 1, "", "two"), PackIssue("b", 1, 1, "", "one")])
    assert [i.message for i in error.issues] == ["one", "two"]
    assert error.format(limit=1) == "b:1:1: one\n... and 1 more problem"


# --- diff_packs ------------------------------------------------------------------------


def test_diff_of_a_new_pack_adds_everything(fixture_packs: list[Pack]) -> None:
    starter = _by_id(fixture_packs, "test-starter")
    diff = diff_packs(None, starter)
    assert diff["prompts"].added == ("int-hash-001", "math-lin-001")
    assert diff.added["project_ideas"] == ("cv-plant-disease",)
    assert not diff.removed and not diff.changed
    assert diff.old_version is None and diff.new_version == "0.3.1"
    assert "new pack" in diff.summary()


def test_diff_between_versions() -> None:
    old = load_pack_file(PACKS_DIR / "starter.yaml")
    text = (PACKS_DIR / "starter.yaml").read_text(encoding="utf-8")
    text = text.replace("version: 0.3.1", "version: 0.4.0")
    text = text.replace("est_minutes: 20", "est_minutes: 25")  # int-hash-001 changes
    text = text.replace("  - id: streak-01", "  - id: streak-02")  # one removed, one added
    new = parse_pack(text.encode(), "starter.yaml")
    diff = diff_packs(old, new)
    assert diff["prompts"].changed == ("int-hash-001",)
    assert diff["nudges"].added == ("streak-02",)
    assert diff["nudges"].removed == ("streak-01",)
    assert not diff["questions"]
    assert diff.header_changed
    assert not diff.is_empty
    assert "0.3.1 -> 0.4.0" in diff.summary()
    assert "prompts: +0 added, ~1 changed, -0 removed" in diff.summary()
    same = diff_packs(old, old)
    assert same.is_empty and not same.header_changed
    assert "no item changed" in same.summary()


def test_diff_tracks_and_skills() -> None:
    old = load_pack_file(PACKS_DIR / "roadmap.yaml")
    text = (PACKS_DIR / "roadmap.yaml").read_text(encoding="utf-8")
    new_text = text.replace('evidence_hint: "Ten solved', 'evidence_hint: "Twelve solved')
    diff = diff_packs(old, parse_pack(new_text.encode(), "roadmap.yaml"))
    assert diff["skills"].changed == ("dsa-hashing",)
    assert not diff["tracks"]  # the track's own text and skill order did not change


# --- render_nudge ----------------------------------------------------------------------


def _nudge(pitfall: str, body: str, action: str = "Do it.") -> Nudge:
    return Nudge(id="n-1", pitfall=pitfall, title="T", body=body, suggested_action=action)  # type: ignore[arg-type]


def test_render_nudge_fills_placeholders(fixture_catalog: Catalog) -> None:
    nudge = fixture_catalog.nudges["tutorial-hell-01"]
    body, action = render_nudge(
        nudge, {"days": 14, "course_minutes": 450, "project_minutes": 1234, "unused": "x"}
    )
    assert body == (
        "In the last 14 days: 7.5 h of courses and 1,234 min building. Literal {braces}."
    )
    assert action.startswith("Spend your next 1,234 minutes")


def test_render_nudge_escapes_member_text() -> None:
    nudge = _nudge("perfectionism", "**{project_title}** is {project_age_days} days old.")
    body, _ = render_nudge(nudge, {"project_title": "my_*cool*_model", "project_age_days": 3.0})
    assert body == "**my\\_\\*cool\\*\\_model** is 3 days old."


def test_render_nudge_never_formats_objects() -> None:
    class Sneaky:
        secret = "leaked"

        def __str__(self) -> str:
            return "sneaky"

    nudge = _nudge("isolation", "{study_days} days")
    body, _ = render_nudge(nudge, {"study_days": Sneaky()})
    assert body == "sneaky days"
    with pytest.raises(Exception):  # noqa: B017 - the model refuses attribute access
        _nudge("isolation", "{study_days.secret}")


def test_render_nudge_missing_value_names_it() -> None:
    nudge = _nudge("streak_at_risk", "{streak} days, {hours_left} h left")
    with pytest.raises(KeyError, match="hours_left"):
        render_nudge(nudge, {"streak": 5})


def test_nudge_placeholders_property(fixture_catalog: Catalog) -> None:
    assert fixture_catalog.nudges["streak-01"].placeholders == {"streak", "hours_left"}


def test_import_has_no_side_effects() -> None:
    code = (
        "import sys, bot.catalog, bot.catalog.cli; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('discord', 'sqlalchemy', 'aiohttp')];"
        "print(bad); raise SystemExit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
