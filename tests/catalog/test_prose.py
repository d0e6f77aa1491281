"""Prose written in literal (`|`) blocks is reflowed at load time; code never is."""

from __future__ import annotations

import textwrap

import pytest

from bot.catalog import PackError, parse_pack
from bot.catalog.prose import is_structural_line, reflow

#: The demo's first coding question as its YAML wrapped it (issue 17: `…smoothed curve you`
#: / `want the` / `mean of every…` on a phone).
WRAPPED = (
    "A training loop logs one loss value per step. To plot a smoothed curve you want the\n"
    "mean of every full window of `w` consecutive losses, in order.\n"
    "\n"
    "Example: losses = [4, 2, 6, 8, 0], w = 2 -> [3.0, 4.0, 7.0, 4.0]\n"
    "(the windows are [4, 2], [2, 6], [6, 8] and [8, 0])."
)


def test_wrapped_lines_of_a_paragraph_are_joined_and_paragraphs_stay() -> None:
    assert reflow(WRAPPED) == (
        "A training loop logs one loss value per step. To plot a smoothed curve you want the "
        "mean of every full window of `w` consecutive losses, in order.\n"
        "\n"
        "Example: losses = [4, 2, 6, 8, 0], w = 2 -> [3.0, 4.0, 7.0, 4.0] "
        "(the windows are [4, 2], [2, 6], [6, 8] and [8, 0])."
    )


@pytest.mark.parametrize("marker", ["- ", "* ", "• ", "1. ", "2) ", "10. "])
def test_list_items_keep_their_line_and_their_wrapped_tail_joins_them(marker: str) -> None:
    text = f"Answer these:\n{marker}first item that wraps\nonto a second line\n{marker}second"
    assert reflow(text) == (
        f"Answer these:\n{marker}first item that wraps onto a second line\n{marker}second"
    )


def test_a_paragraph_after_a_blank_line_does_not_join_the_list() -> None:
    text = "1. What is x?\n2. Why is it\nso?\n\nThen explain\nthe result."
    assert reflow(text) == "1. What is x?\n2. Why is it so?\n\nThen explain the result."


def test_fenced_code_is_kept_exactly_even_with_wrapped_lines_inside() -> None:
    text = (
        "List the users who have never\nplaced an order.\n\n"
        "```\n"
        "orders(order_id INTEGER PRIMARY KEY, customer_id INTEGER, amount REAL,\n"
        "       status TEXT)   -- 'completed' or 'refunded'\n"
        "```\n"
        "Return `user_id`,\nordered by `user_id`."
    )
    assert reflow(text) == (
        "List the users who have never placed an order.\n\n"
        "```\n"
        "orders(order_id INTEGER PRIMARY KEY, customer_id INTEGER, amount REAL,\n"
        "       status TEXT)   -- 'completed' or 'refunded'\n"
        "```\n"
        "Return `user_id`, ordered by `user_id`."
    )


def test_an_unclosed_fence_keeps_the_rest_as_written() -> None:
    text = "Query:\n~~~sql\nSELECT 1\nFROM t\n"
    assert reflow(text) == text


def test_indented_code_and_table_rows_keep_their_breaks() -> None:
    text = (
        'Example: grid = [".....",\n'
        '                 "####."] -> 16\n'
        "| n | time |\n"
        "| 1 | 2 ms |\n"
        "model      latency     cost\n"
        "small      4 ms        low\n"
        "and some prose\nafter it."
    )
    assert reflow(text) == (
        'Example: grid = [".....",\n'
        '                 "####."] -> 16\n'
        "| n | time |\n"
        "| 1 | 2 ms |\n"
        "model      latency     cost\n"
        "small      4 ms        low\n"
        "and some prose after it."
    )


def test_reflow_is_idempotent() -> None:
    once = reflow(WRAPPED)
    assert reflow(once) == once


def test_conditional_probability_bars_are_prose_not_tables() -> None:
    assert not is_structural_line("the ELBO term E_q[log p(x | z)] and p(z | x) | x")
    assert reflow("rewards codes p(x | z) and\np(z | x) too") == (
        "rewards codes p(x | z) and p(z | x) too"
    )


PACK = textwrap.dedent(
    """\
    pack:
      id: prose-check
      name: Prose check
      version: 1.0.0
    questions:
      - id: q-wrapped
        category: ml_coding
        difficulty: 1
        prompt: |
          Implement `f(x)` in numpy. It returns the
          mean of x.

          - Input: an array
            of floats.
          - Output: a float.
        hints:
          - |
            Sum and
            divide.
        key_points: ["A", "B", "C"]
        follow_ups:
          - >-
            Folded text is
            already one line.

            This is its second paragraph.
        time_limit_minutes: 10
        skills: [numpy]
        reference:
          language: python
          code: |
            def f(x):
                return (x.sum()
                        / len(x))
          check: |
            assert f(__import__("numpy").ones(3)) ==\\
                1.0
    """
)


def test_the_loader_reflows_literal_prose_and_never_touches_the_reference() -> None:
    question = parse_pack(PACK.encode(), "prose.yaml").questions[0]
    assert question.prompt == (
        "Implement `f(x)` in numpy. It returns the mean of x.\n\n"
        "- Input: an array of floats.\n"
        "- Output: a float."
    )
    assert question.hints == ("Sum and divide.",)
    assert question.follow_ups == (
        "Folded text is already one line.\nThis is its second paragraph.",
    )
    assert question.reference is not None
    assert question.reference.code == "def f(x):\n    return (x.sum()\n            / len(x))"
    assert question.reference.check is not None and "==\\\n    1.0" in question.reference.check


def test_errors_still_name_the_line_after_reflowing() -> None:
    broken = PACK.replace("time_limit_minutes: 10", "time_limit_minutes: 500")
    with pytest.raises(PackError) as caught:
        parse_pack(broken.encode(), "prose.yaml")
    (issue,) = caught.value.issues
    assert issue.line == PACK.splitlines().index("    time_limit_minutes: 10") + 1
