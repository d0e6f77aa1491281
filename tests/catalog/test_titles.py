"""A question's short title: required of built-in packs (tests/catalog/test_catalog_content.py),
optional for moderators' packs, where lists fall back to the prompt's first sentence."""

from __future__ import annotations

import textwrap

import pytest

from bot.catalog import PackError, parse_pack

PACK = textwrap.dedent(
    """\
    pack:
      id: titles
      name: Titles
      version: 1.0.0
    questions:
      - id: q-one
        {title}
        category: math
        difficulty: 1
        prompt: {prompt}
        hints: ["h"]
        key_points: ["k"]
        time_limit_minutes: 10
        skills: [numpy]
    """
)


def _question(title: str = "", prompt: str = '"What is 2 + 2? Explain."') -> object:
    data = PACK.format(title=title or "tags: []", prompt=prompt).encode()
    return parse_pack(data, "titles.yaml").questions[0]


def test_a_given_title_is_what_lists_show() -> None:
    question = _question('title: "Adding two numbers"')
    assert question.title == "Adding two numbers"  # type: ignore[attr-defined]
    assert question.display_title == "Adding two numbers"  # type: ignore[attr-defined]


def test_without_a_title_lists_show_the_first_sentence() -> None:
    question = _question()
    assert question.title is None  # type: ignore[attr-defined]
    assert question.display_title == "What is 2 + 2?"  # type: ignore[attr-defined]


def test_a_long_first_sentence_is_cut_at_a_word_with_an_ellipsis() -> None:
    long = (
        '"Design the spam filter for an email provider with 50 million mailboxes and about two '
        'billion messages a day. Walk through it."'
    )
    shown = _question(prompt=long).display_title  # type: ignore[attr-defined]
    assert len(shown) <= 80 and shown.endswith("…")
    assert shown == "Design the spam filter for an email provider with 50 million mailboxes and…"


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ('title: "' + "x" * 81 + '"', "at most 80 allowed"),
        ('title: "two\\nlines"', "a question title is one line"),
        ('title: ""', "must not be empty"),
    ],
)
def test_bad_titles_are_refused_with_their_line(title: str, message: str) -> None:
    with pytest.raises(PackError) as caught:
        _question(title)
    (issue,) = caught.value.issues
    assert message in issue.message and issue.line == 7
