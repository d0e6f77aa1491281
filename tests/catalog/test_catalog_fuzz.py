"""Whatever bytes arrive, the loader answers with a pack or a PackError, never a crash."""

from __future__ import annotations

from conftest import PACKS_DIR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.catalog import Pack, PackError, parse_pack
from bot.catalog.placeholders import template_problems

YAMLISH = st.lists(
    st.sampled_from([*"pack:id name version 1.0-[]{}&*!|>'\"#\n\t\\,?\x00\xe9", "  ", "\n  "]),
    max_size=120,
).map("".join)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.one_of(st.binary(max_size=300), YAMLISH.map(str.encode)))
def test_parse_pack_never_crashes(data: bytes) -> None:
    try:
        pack = parse_pack(data, "fuzz.yaml")
    except PackError as exc:
        assert exc.issues
        assert all(i.source == "fuzz.yaml" for i in exc.issues)
        assert all(i.line is None or i.line >= 1 for i in exc.issues)
    else:
        assert isinstance(pack, Pack)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_template_check_never_crashes(text: str) -> None:
    problems = template_problems(text, {"days"})
    assert isinstance(problems, list)


STARTER = (PACKS_DIR / "starter.yaml").read_bytes()


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, len(STARTER)),
    st.integers(0, 40),
    st.binary(max_size=8),
)
def test_mutated_valid_pack_never_crashes(start: int, length: int, insert: bytes) -> None:
    data = STARTER[:start] + insert + STARTER[start + length :]
    try:
        parse_pack(data, "mutant.yaml")
    except PackError as exc:
        assert exc.issues
        # Lines as YAML counts them: a lone "\r" (or U+2028 ...) is a line break too.
        lines = len(data.decode("utf-8", "replace").splitlines())
        assert all(i.line is None or 1 <= i.line <= lines + 2 for i in exc.issues)
