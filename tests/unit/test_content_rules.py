"""Content-pack rules: semver order, upload checks, refusals that fit one message."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.catalog import MAX_PACK_BYTES, Pack, PackError, PackIssue, parse_pack
from bot.content.rules import (
    MESSAGE_LIMIT,
    PREVIEW_TTL,
    check_new_version,
    check_upload,
    check_uploaded_pack,
    checksum_changes,
    export_filename,
    pack_counts,
    preview_expired,
    refusal,
    rollback_target,
    semver_key,
    shown_filename,
    stored_label,
    with_pack,
    without_pack,
)
from bot.core.errors import UserFacingError

PACK = """\
pack:
  id: {id}
  name: "A pack"
  version: {version}

questions:
  - id: q-{id}
    category: ml_fundamentals
    difficulty: 2
    prompt: "Why does a validation set leak when you tune on it for weeks?"
    hints:
      - "Think about how often you looked."
    key_points:
      - "Every look at the validation score is a little training."
    time_limit_minutes: 15
    skills: [kaggle-validation]
"""


def _pack(pack_id: str, version: str = "1.0.0") -> Pack:
    return parse_pack(PACK.format(id=pack_id, version=version).encode(), f"{pack_id}.yaml")


def test_semver_orders_releases_after_their_pre_releases() -> None:
    ordered = ["0.9.0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta.2"]
    ordered += ["1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.2.0", "10.0.0"]
    assert sorted(reversed(ordered), key=semver_key) == ordered
    assert semver_key("1.0.0+build.5") == semver_key("1.0.0")
    assert semver_key("not a version") < semver_key("0.0.1")


@given(st.tuples(st.integers(0, 999), st.integers(0, 999), st.integers(0, 999)))
def test_semver_matches_numeric_order_of_releases(parts: tuple[int, int, int]) -> None:
    version = ".".join(map(str, parts))
    assert semver_key(version)[:3] == parts


def test_upload_checks_name_and_size_before_downloading() -> None:
    check_upload("pack.YAML", 10)
    check_upload("pack.yml", MAX_PACK_BYTES)
    with pytest.raises(UserFacingError, match="yaml"):
        check_upload("pack.json", 10)
    with pytest.raises(UserFacingError, match="at most"):
        check_upload("pack.yaml", MAX_PACK_BYTES + 1)
    with pytest.raises(UserFacingError, match="empty"):
        check_upload("pack.yaml", 0)


def test_shown_filename_cannot_break_code_quotes_or_lines() -> None:
    assert shown_filename("../dir/my `pack`\n.yaml") == "my_pack_.yaml"
    assert len(shown_filename("x" * 500 + ".yaml")) == 100


def test_an_upload_may_not_take_a_built_in_id_or_a_huge_version() -> None:
    check_uploaded_pack(_pack("club"), ["prompts-math"])
    with pytest.raises(UserFacingError, match="built-in pack"):
        check_uploaded_pack(_pack("prompts-math"), ["prompts-math"])
    with pytest.raises(UserFacingError, match="too long"):
        check_uploaded_pack(_pack("club", "1.0.0-" + "a" * 64), [])


def test_a_new_upload_needs_a_version_above_every_stored_one() -> None:
    check_new_version("club", "1.0.0", [])
    check_new_version("club", "1.2.0", ["1.0.0", "1.1.0"])
    with pytest.raises(UserFacingError, match="already stored"):
        check_new_version("club", "1.1.0", ["1.0.0", "1.1.0"])
    with pytest.raises(UserFacingError, match=r"already has version 1\.1\.0"):
        check_new_version("club", "1.0.5", ["1.0.0", "1.1.0"])


def test_rollback_goes_to_the_previous_version_or_the_named_one() -> None:
    stored = ["1.0.0", "1.1.0", "2.0.0-rc.1", "2.0.0"]
    assert rollback_target("club", "2.0.0", stored, None) == "2.0.0-rc.1"
    assert rollback_target("club", "1.0.0", stored, " 2.0.0 ") == "2.0.0"
    with pytest.raises(UserFacingError, match=r"no version before 1\.0\.0"):
        rollback_target("club", "1.0.0", stored, None)
    with pytest.raises(UserFacingError, match="already the current one"):
        rollback_target("club", "2.0.0", stored, "2.0.0")
    with pytest.raises(UserFacingError, match=re.escape("Stored: 1.0.0, 1.1.0, 2.0.0-rc.1, 2.0.0")):
        rollback_target("club", "2.0.0", stored, "3.0.0")


def test_refusal_lists_issues_and_fits_one_message() -> None:
    issues = [
        PackIssue("big.yaml", n, 1, f"questions[{n}].prompt", "x" * 300) for n in range(1, 40)
    ]
    error = refusal("`big.yaml` was refused", PackError(issues))
    assert error.message.startswith("`big.yaml` was refused (39 problems):\n- big.yaml:1:1")
    assert len(error.message) <= MESSAGE_LIMIT
    assert "more" in error.message
    one = refusal("Refused", PackError([PackIssue("a.yaml", 3, None, "", "bad")]))
    assert one.message == "Refused (1 problem):\n- a.yaml:3: bad"


def test_previews_expire_after_their_ttl() -> None:
    made = datetime(2025, 1, 1, tzinfo=UTC)
    assert not preview_expired(made, made + PREVIEW_TTL)
    assert preview_expired(made, made + PREVIEW_TTL + timedelta(seconds=1))


def test_pack_lists_replace_by_id_and_drop_by_id() -> None:
    a, b, b2 = _pack("pack-a"), _pack("pack-b"), _pack("pack-b", "2.0.0")
    assert [p.version for p in with_pack([a, b], b2)] == ["1.0.0", "2.0.0"]
    assert [p.id for p in with_pack([a], b)] == ["pack-a", "pack-b"]
    assert [p.id for p in without_pack([a, b], "pack-a")] == ["pack-b"]
    assert pack_counts(a) == {
        "tracks": 0,
        "skills": 0,
        "prompts": 0,
        "questions": 1,
        "nudges": 0,
        "project_ideas": 0,
    }


def test_labels_names_and_checksum_changes() -> None:
    assert stored_label("club", "1.2.0") == "club@1.2.0"
    assert export_filename("club", "1.2.0") == "club-1.2.0.yaml"
    assert len(export_filename("c" * 300, "1.0.0")) == 200
    before = {"a": "1", "b": "2", "c": "3"}
    after = {"b": "2", "c": "9", "d": "4"}
    assert checksum_changes(before, after) == (("d",), ("c",), ("a",))
