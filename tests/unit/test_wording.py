"""Counts with the right plural and text cut with an ellipsis (bot.core.wording)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.text import escape
from bot.core.wording import first_sentence, noun, plural, shorten


def test_plural() -> None:
    assert plural(1, "day") == "1 day"
    assert plural(0, "day") == "0 days"
    assert plural(2, "day") == "2 days"
    assert plural(3, "entry", "entries") == "3 entries"
    assert plural(1, "entry", "entries") == "1 entry"
    assert plural(12_345, "answer") == "12,345 answers"
    assert noun(1, "review") == "review" and noun(4, "review") == "reviews"


def test_shorten_keeps_short_text_and_cuts_long_text_at_a_word() -> None:
    assert shorten("Leaf photo triage", 45) == "Leaf photo triage"
    cut = shorten("Check in: Leaf photo triage for plant diseases", 45)
    assert cut == "Check in: Leaf photo triage for plant…"
    assert shorten("a" * 60, 10) == "aaaaaaaaa…"  # one long word is cut inside it
    assert shorten("one, two, three", 10) == "one, two…"  # no dangling comma
    assert shorten("anything", 1) == "…" and shorten("anything", 0) == ""


@given(st.text(), st.integers(min_value=1, max_value=200))
def test_shorten_never_exceeds_the_limit_and_marks_every_cut(text: str, limit: int) -> None:
    shown = shorten(text, limit)
    assert len(shown) <= limit
    assert shown == text or shown.endswith("…")


def test_first_sentence() -> None:
    assert first_sentence("What is 2 + 2? Explain.", 80) == "What is 2 + 2?"
    assert first_sentence("Line one\nstill one. Two.", 80) == "Line one still one."
    assert first_sentence("No full stop at all", 8) == "No full…"


def test_escape_cuts_with_an_ellipsis() -> None:
    assert escape("**bold** title that is long", 20) == "\\*\\*bold\\*\\* title…"
    # never a dangling backslash that would escape the ellipsis
    assert escape("**bold** title that is long", 12) == "\\*\\*bold\\*…"
