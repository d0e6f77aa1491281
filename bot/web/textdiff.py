"""Text views of packs: two versions side by side, and a refused file with each problem beside
its line. Pure (difflib over lines)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import field

from bot.catalog import PackIssue
from bot.core.records import frozen

#: Unchanged lines kept around each change; longer unchanged runs fold into one gap row.
CONTEXT = 3


@frozen
class DiffRow:
    """One row of a side-by-side diff: `kind` is same, changed, removed, added or gap."""

    kind: str
    left_no: int | None = None
    left: str = ""
    right_no: int | None = None
    right: str = ""


def side_by_side(old: Sequence[str], new: Sequence[str], context: int = CONTEXT) -> list[DiffRow]:
    """The rows of a side-by-side diff of two texts' lines (unchanged runs folded)."""
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        if rows:
            rows.append(DiffRow("gap"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows.extend(
                    DiffRow("same", i + 1, old[i], j + 1, new[j])
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                )
                continue
            left = list(range(i1, i2)) if tag in ("replace", "delete") else []
            right = list(range(j1, j2)) if tag in ("replace", "insert") else []
            for k in range(max(len(left), len(right))):
                i = left[k] if k < len(left) else None
                j = right[k] if k < len(right) else None
                kind = (
                    "changed"
                    if i is not None and j is not None
                    else ("removed" if i is not None else "added")
                )
                rows.append(
                    DiffRow(
                        kind,
                        i + 1 if i is not None else None,
                        old[i] if i is not None else "",
                        j + 1 if j is not None else None,
                        new[j] if j is not None else "",
                    )
                )
    return rows


@frozen
class SourceLine:
    """A line of a refused file and the problems found on it."""

    number: int
    text: str
    problems: tuple[str, ...] = field(default=())


def problem_text(issue: PackIssue) -> str:
    """An issue without its file and line (shown beside the line already)."""
    return f"{issue.path}: {issue.message}" if issue.path else issue.message


def annotate(text: str, issues: Iterable[PackIssue]) -> tuple[list[SourceLine], list[str]]:
    """The file's lines with their problems, and the problems that have no line."""
    lines = text.splitlines() or [""]
    by_line: dict[int, list[str]] = {}
    placeless: list[str] = []
    for issue in issues:
        if issue.line is None or not 1 <= issue.line <= len(lines):
            placeless.append(problem_text(issue))
        else:
            by_line.setdefault(issue.line, []).append(problem_text(issue))
    return (
        [
            SourceLine(number, line, tuple(by_line.get(number, ())))
            for number, line in enumerate(lines, start=1)
        ],
        placeless,
    )
