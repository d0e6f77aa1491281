"""Every runnable reference answer in the built-in packs runs, and its check passes.

A `reference` (content/FORMAT.md) is either numpy code or a SQL query over a small schema.
Its `check` compares it with an independent result: scikit-learn, scipy or a brute-force loop
for Python; a plain-Python computation over the same rows for SQL. Only the project's own
content is run here — the bot itself never runs pack code.

`test_a_planted_bug_is_caught` shows the checks can fail: one changed token in a reference
must make its check fail.
"""

from __future__ import annotations

import sqlite3
import warnings
from typing import Any

import pytest
from conftest import CONTENT_DIR

from bot.catalog import Catalog, Question, load_pack_dir
from bot.catalog.models import Reference

BUILTIN = Catalog.build(load_pack_dir(CONTENT_DIR))
WITH_REFERENCE = sorted(
    (q for q in BUILTIN.questions.values() if q.reference is not None), key=lambda q: q.id
)


def run_reference(reference: Reference) -> None:
    """Run `reference` and its check; raises (usually AssertionError) when the check fails."""
    assert reference.check is not None, "a built-in reference ships a check"
    if reference.language == "python":
        namespace: dict[str, Any] = {"__name__": "reference"}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # library warnings are not a verdict
            exec(compile(reference.code, "reference code", "exec"), namespace)
            exec(compile(reference.check, "reference check", "exec"), namespace)
        return
    assert reference.setup is not None
    with sqlite3.connect(":memory:") as conn:
        conn.executescript(reference.setup)
        result = conn.execute(reference.code).fetchall()
        tables = {}
        names = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        for (name,) in names:
            cursor = conn.execute(f'SELECT * FROM "{name}"')
            columns = [d[0] for d in cursor.description]
            tables[name] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    namespace = {"__name__": "reference", "result": result, "tables": tables}
    exec(compile(reference.check, "reference check", "exec"), namespace)


@pytest.mark.parametrize("question", WITH_REFERENCE, ids=lambda q: q.id)
def test_reference_passes_its_check(question: Question) -> None:
    assert question.reference is not None
    run_reference(question.reference)


def _planted(question_id: str, old: str, new: str) -> Reference:
    reference = BUILTIN.questions[question_id].reference
    assert reference is not None and reference.code.count(old) >= 1, (question_id, old)
    return reference.model_copy(update={"code": reference.code.replace(old, new, 1)})


#: One changed token per reference: each is a bug a member could plausibly write, and the
#: reference's check must catch it (so a check that cannot fail would fail this test).
PLANTED_BUGS = [
    ("q-mlc-gini-decision-stump", "[:-1]", "[1:]"),
    ("q-mlc-sgd-momentum-step", "w - lr * new_velocity", "w + lr * new_velocity"),
    ("q-mlc-roc-auc-with-ties", "(counts + 1)", "(counts - 1)"),
    ("q-sql-point-in-time-features", "e.event_time < l.label_time", "e.event_time <= l.label_time"),
    ("q-sql-top-two-per-category", "RANK()", "ROW_NUMBER()"),
]


@pytest.mark.parametrize(("question_id", "old", "new"), PLANTED_BUGS, ids=lambda v: str(v)[:40])
def test_a_planted_bug_is_caught(question_id: str, old: str, new: str) -> None:
    with pytest.raises(AssertionError):
        run_reference(_planted(question_id, old, new))
