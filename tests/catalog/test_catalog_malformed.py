"""Every malformed pack is refused with its line and a plain-words message; nothing loads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import MALFORMED_DIR, PACKS_DIR

from bot.catalog import (
    Catalog,
    CatalogRegistry,
    Pack,
    PackError,
    load_pack_dir,
    load_pack_file,
    parse_pack,
)

EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load(
    (MALFORMED_DIR / "EXPECTED.yaml").read_text(encoding="utf-8")
)
MINIMAL = b'pack:\n  id: ok-pack\n  name: "OK"\n  version: 1.0.0\nroadmap:\n  tracks:\n'
MINIMAL += b"    - id: t1\n      name: T\n      description: d\n      skills:\n"
MINIMAL += b"        - {id: s1, name: S, description: d, evidence_hint: e}\n"


def test_corpus_is_large_enough_and_fully_described() -> None:
    files = {p.name for p in MALFORMED_DIR.iterdir() if p.name != "EXPECTED.yaml"}
    assert files == set(EXPECTED), "every malformed pack needs a row in EXPECTED.yaml"
    assert len(files) >= 25


def _matching(error: PackError, name: str, line: int, fragment: str) -> list[str]:
    return [
        str(i) for i in error.issues if i.source == name and i.line == line and fragment in str(i)
    ]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_pack_is_refused_with_line_and_message(
    name: str, fixture_packs: list[Pack]
) -> None:
    row = EXPECTED[name]
    path = MALFORMED_DIR / name
    if row.get("together"):
        pack = load_pack_file(path)  # valid on its own ...
        with pytest.raises(PackError) as info:  # ... refused next to the fixture packs
            Catalog.build([*fixture_packs, pack])
        # and a guild trying to enable it keeps its old catalog
        registry = CatalogRegistry(fixture_packs)
        before = registry.for_guild(1)
        with pytest.raises(PackError):
            registry.set_guild_packs(1, [pack])
        assert registry.for_guild(1) is before
        assert registry.guild_packs(1) == ()
    else:
        with pytest.raises(PackError) as info:
            load_pack_file(path)
    error = info.value
    assert _matching(error, name, row["line"], row["message"]), (
        f"expected {name}:{row['line']}: ...{row['message']}...; got:\n{error}"
    )
    for issue in error.issues:  # every issue is located, in words, with the file name
        assert issue.source.endswith(".yaml")
        assert issue.message
        assert "Traceback" not in issue.message
    assert str(error).count("\n") + 1 == len(error.issues)


def test_oversize_file_is_refused_before_parsing(tmp_path: Path) -> None:
    # Valid YAML (a comment padding it out), so only the size can be the problem.
    data = MINIMAL + b"#" + b"x" * (1024 * 1024) + b"\n"
    with pytest.raises(PackError) as info:
        parse_pack(data, "huge.yaml")
    assert "at most 1,048,576 bytes" in str(info.value)
    big = tmp_path / "huge.yaml"
    big.write_bytes(data)
    with pytest.raises(PackError) as info:
        load_pack_file(big)
    assert str(info.value).startswith("huge.yaml: the file is 1,048,")


def test_file_of_exactly_one_mib_is_accepted() -> None:
    padding = 1024 * 1024 - len(MINIMAL) - 2
    data = MINIMAL + b"#" + b"x" * padding + b"\n"
    assert len(data) == 1024 * 1024
    assert parse_pack(data, "max.yaml").id == "ok-pack"


def test_a_pack_with_three_errors_reports_all_three() -> None:
    data = b"""pack:
  id: Three_Errors
  name: "Three errors"
  version: 1.0.0
prompts:
  - id: math-lin-001
    track: math
    skill: linear-algebra
    title: "t"
    body: "b"
    action: "a"
    est_minutes: 500
    difficulty: 1
    tgas: [numpy]
"""
    with pytest.raises(PackError) as info:
        parse_pack(data, "three.yaml")
    lines = [(i.line, i.path) for i in info.value.issues]
    assert lines == [
        (2, "pack.id"),
        (12, "prompts[0].est_minutes"),
        (14, "prompts[0].tgas"),
    ]
    text = str(info.value)
    assert "three.yaml:2:3: pack.id: must be a lowercase id" in text
    assert "three.yaml:12:5: prompts[0].est_minutes: must be between 20 and 90 (got 500)" in text
    assert "three.yaml:14:5: prompts[0].tgas: unknown key `tgas` — did you mean `tags`?" in text


def test_errors_in_many_items_are_all_reported() -> None:
    items = "".join(
        f"""  - id: p-{n:03d}
    track: math
    skill: linear-algebra
    title: "t"
    body: "b"
    action: "a"
    est_minutes: {n}
    difficulty: 1
"""
        for n in range(10)
    )
    data = ('pack:\n  id: many\n  name: "Many"\n  version: 1.0.0\nprompts:\n' + items).encode()
    with pytest.raises(PackError) as info:
        parse_pack(data, "many.yaml")
    assert len(info.value.issues) == 10
    assert [i.line for i in info.value.issues] == [12 + 8 * n for n in range(10)]


def test_bad_file_in_a_directory_loads_nothing(tmp_path: Path) -> None:
    for good in PACKS_DIR.glob("*.yaml"):
        (tmp_path / good.name).write_bytes(good.read_bytes())
    (tmp_path / "zz-bad.yaml").write_bytes((MALFORMED_DIR / "bad-slug.yaml").read_bytes())
    (tmp_path / "aa-bad.yml").write_bytes((MALFORMED_DIR / "empty.yaml").read_bytes())
    (tmp_path / "notes.txt").write_text("not a pack")
    with pytest.raises(PackError) as info:
        load_pack_dir(tmp_path)
    assert {i.source for i in info.value.issues} == {"zz-bad.yaml", "aa-bad.yml"}


def test_alias_bomb_is_refused_without_expanding() -> None:
    data = (MALFORMED_DIR / "alias-bomb.yaml").read_bytes()
    with pytest.raises(PackError) as info:
        parse_pack(data, "lol.yaml")
    messages = [i.message for i in info.value.issues]
    assert any("aliases" in m for m in messages)
    assert any("anchors" in m for m in messages)


def test_python_tag_never_reaches_a_constructor(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    data = f'pack: !!python/object/apply:os.system ["touch {marker}"]\n'.encode()
    with pytest.raises(PackError):
        parse_pack(data, "evil.yaml")
    assert not marker.exists()


def test_utf8_bom_is_accepted(fixture_packs: list[Pack]) -> None:
    data = b"\xef\xbb\xbf" + (PACKS_DIR / "starter.yaml").read_bytes()
    assert parse_pack(data, "bom.yaml").id == "test-starter"


def test_missing_file_is_an_issue(tmp_path: Path) -> None:
    with pytest.raises(PackError) as info:
        load_pack_file(tmp_path / "nope.yaml")
    assert "cannot read the file" in str(info.value)


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        (
            "roadmap:\n  tracks:\n    - id: t1\n      name: T\n      description: d\n"
            "      skills:\n        - {id: s1, name: S, description: d, evidance_hint: e}\n",
            "unknown key `evidance_hint` — did you mean `evidence_hint`?",
        ),
        (
            "project_ideas:\n  - id: i-1\n    domain: cv\n    title: T\n    summary: S\n"
            "    dataset: D\n    skills: [s1]\n    milestones:\n"
            "      - {title: A, description: d}\n      - {title: B, description: d}\n"
            "      - {titel: C, description: d}\n",
            "unknown key `titel` — did you mean `title`?",
        ),
        ("header: {id: x}\n", "unknown key `header` (allowed: `pack`, `roadmap`"),
        ("nudges:\n  - id: n-1\n    pitfal: isolation\n", "did you mean `pitfall`?"),
        ("prompts:\n  - id: p-1\n    xyzzy: 1\n", "(allowed: `id`, `track`, `skill`"),
    ],
)
def test_unknown_keys_get_suggestions_at_every_level(snippet: str, expected: str) -> None:
    data = b'pack: {id: keys, name: "Keys", version: 1.0.0}\n' + snippet.encode()
    with pytest.raises(PackError) as info:
        parse_pack(data, "keys.yaml")
    assert expected in str(info.value)


def test_date_like_and_number_like_text() -> None:
    data = MINIMAL + b"nudges:\n  - {id: n-1, pitfall: isolation, title: 2024-01-01,"
    data += b" body: '{days}', suggested_action: '3'}\n"
    pack = parse_pack(data, "dates.yaml")
    assert pack.nudges[0].title == "2024-01-01"  # dates stay text
    with pytest.raises(PackError) as info:
        parse_pack(data.replace(b"suggested_action: '3'", b"suggested_action: 3"), "n.yaml")
    assert "must be text (got the number 3; put the text in quotes)" in str(info.value)


def test_hostile_sizes_are_cut_short() -> None:
    head = b"pack: {id: big, name: Big, version: 1.0.0}\nprompts:\n"
    many_values = head + b"  - tags: [" + b"1," * 150_000 + b"1]\n"
    with pytest.raises(PackError) as info:
        parse_pack(many_values, "values.yaml")
    assert "more than 100,000 values" in str(info.value)
    many_errors = head + b"".join(b"  - {id: p-%d, est_minutes: x}\n" % i for i in range(300))
    with pytest.raises(PackError) as info:
        parse_pack(many_errors, "errors.yaml")
    assert len(info.value.issues) == 1001
    assert "more than 1,000 problems; showing the first 1,000" in str(info.value)
