"""validate/schema commands and the shipped JSON Schema."""

from __future__ import annotations

import io
import json
from pathlib import Path

from conftest import CONTENT_DIR, MALFORMED_DIR, PACKS_DIR

from bot.catalog import pack_json_schema
from bot.catalog.cli import main, schema_command, validate_command
from bot.catalog.schema import pack_json_schema_text

SCHEMA_FILE = CONTENT_DIR / "pack.schema.json"


def test_validate_success_prints_counts() -> None:
    out = io.StringIO()
    assert validate_command([PACKS_DIR], out) == 0
    text = out.getvalue()
    assert "OK: 2 packs valid together" in text
    assert "prompts: 2" in text
    assert "project_ideas: 1" in text


def test_validate_checks_files_and_folders_together() -> None:
    out = io.StringIO()
    # valid alone, refused next to the fixture packs
    assert validate_command([PACKS_DIR, MALFORMED_DIR / "skill-not-in-track.yaml"], out) == 1
    assert "skill-not-in-track.yaml:8:5: prompts[0].skill: skill `dsa-hashing`" in out.getvalue()
    out = io.StringIO()
    assert validate_command([MALFORMED_DIR / "skill-not-in-track.yaml"], out) == 1  # no roadmap


def test_validate_prints_every_issue_with_location() -> None:
    out = io.StringIO()
    files = [MALFORMED_DIR / "bad-slug.yaml", MALFORMED_DIR / "hints-count.yaml"]
    assert validate_command([PACKS_DIR, *files], out) == 1
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("bad-slug.yaml:6:5: prompts[0].id:")
    assert lines[1].startswith("hints-count.yaml:10:5: questions[0].hints:")
    assert lines[-1] == "2 problems found; nothing was loaded"


def test_validate_missing_path(tmp_path: Path) -> None:
    out = io.StringIO()
    assert validate_command([tmp_path / "nope.yaml"], out) == 1
    assert "no such file or folder" in out.getvalue()
    assert validate_command([], io.StringIO()) == 1


def test_schema_command_prints_the_schema() -> None:
    out = io.StringIO()
    assert schema_command(out) == 0
    schema = json.loads(out.getvalue())
    assert schema == pack_json_schema()
    assert schema["required"] == ["pack"]
    assert schema["additionalProperties"] is False
    prompt = schema["$defs"]["Prompt"]["properties"]
    assert prompt["est_minutes"]["minimum"] == 20 and prompt["est_minutes"]["maximum"] == 90
    assert schema["$defs"]["Question"]["properties"]["category"]["enum"][0] == "coding"


def test_shipped_schema_is_up_to_date() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == pack_json_schema_text(), (
        "content/pack.schema.json is out of date; regenerate it with:\n"
        "    studybot content schema > content/pack.schema.json\n"
        "or, without the studybot entry point:\n"
        "    .venv/bin/python -m bot.catalog schema > content/pack.schema.json"
    )


def test_main_entry_point(capsys: object) -> None:
    assert main(["validate", str(PACKS_DIR)]) == 0
    assert main(["schema"]) == 0
