"""Reflowing prose written in literal (``|``) YAML blocks, so it wraps on any screen.

Authors wrap long lines in their editor (at ~88 characters); a ``|`` block keeps those
breaks, and Discord shows every one of them, so on a phone a sentence breaks in the middle
(``…smoothed curve you`` / ``want the`` / ``mean of every…``). The loader therefore joins
the lines of each paragraph of a literal prose block with a space. What the breaks mean
stays:

- a blank line (a paragraph break) stays;
- a list item (``- ``, ``* ``, ``• ``, ``1. ``, ``1) ``) starts a new line; its wrapped
  continuation lines join it;
- table-like lines (``| a | b |``, or columns aligned with runs of spaces) stay as written;
- fenced code (between ````` ``` ````` or ``~~~`` lines) and indented code (four spaces or a
  tab) stay exactly as written.

Only prose fields are reflowed (:data:`PROSE_KEYS`); a reference's ``code``, ``setup`` and
``check`` never are. Folded (``>``) and quoted scalars need nothing: YAML already joins their
lines, and a line break left in them is a paragraph break the author wrote.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Final

from .safeyaml import Path

__all__ = ["PROSE_KEYS", "is_structural_line", "reflow", "reflow_literal_prose"]

#: Keys whose text is prose members read: reflowed when written as a literal block.
PROSE_KEYS: Final = frozenset(
    {
        "description",
        "evidence_hint",
        "body",
        "action",
        "prompt",
        "hints",
        "key_points",
        "follow_ups",
        "model_answer",
        "working",
        "suggested_action",
        "summary",
        "dataset",
        "stretch_goals",
    }
)
#: Parts of an item that are code, never prose (a reference's `code`, `setup`, `check`).
_CODE_PARENTS: Final = frozenset({"reference"})

_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d{1,3}[.)])\s+\S")
_FENCE = re.compile(r"^\s*(```|~~~)")
_INDENTED_CODE = re.compile(r"^(?: {4}|\t)")
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
#: Aligned columns: text, a run of 2+ spaces, text, another run, text.
_ALIGNED = re.compile(r"\S\s{2,}\S.*\S\s{2,}\S")


def _fence_marker(line: str) -> str | None:
    match = _FENCE.match(line)
    return match.group(1) if match else None


def is_code_line(line: str) -> bool:
    """Indented code: four spaces or a tab before any text."""
    return bool(line.strip()) and _INDENTED_CODE.match(line) is not None


def is_table_line(line: str) -> bool:
    """A table row: ``| a | b |``, or columns aligned with runs of spaces."""
    stripped = line.strip()
    return bool(_PIPE_ROW.match(stripped) or _ALIGNED.search(stripped))


def is_list_item(line: str) -> bool:
    """``- x``, ``* x``, ``• x``, ``1. x`` or ``1) x``."""
    return _LIST_ITEM.match(line) is not None


def is_structural_line(line: str) -> bool:
    """A line that keeps its own line break: list item, table row, code or a fence."""
    return (
        is_list_item(line)
        or is_table_line(line)
        or is_code_line(line)
        or _fence_marker(line) is not None
    )


def reflow(text: str) -> str:
    """Join the wrapped lines of each paragraph of ``text`` (see the module docstring)."""
    out: list[str] = []
    fence: str | None = None  # the marker of the fenced block we are in
    joinable = False  # the last output line is prose (or a list item) a line may join
    for line in text.split("\n"):
        if fence is not None:
            out.append(line)
            if line.strip().startswith(fence):
                fence = None
            continue
        marker = _fence_marker(line)
        if marker is not None:
            out.append(line)
            # A fence opened and closed on one line (```x```) is not a block.
            if line.strip().count(marker) == 1:
                fence = marker
            joinable = False
            continue
        stripped = line.strip()
        if not stripped:
            out.append("")
            joinable = False
        elif is_code_line(line) or is_table_line(line):
            out.append(line.rstrip())
            joinable = False
        elif is_list_item(line):
            out.append(line.rstrip())
            joinable = True
        elif joinable:
            out[-1] = f"{out[-1].rstrip()} {stripped}"
        else:
            out.append(stripped)
            joinable = True
    return "\n".join(out)


def _is_prose_path(path: Path) -> bool:
    keys = [part for part in path if isinstance(part, str)]
    return bool(keys) and keys[-1] in PROSE_KEYS and not _CODE_PARENTS.intersection(keys)


def reflow_literal_prose(value: Any, literal_paths: Iterable[Path]) -> None:
    """Reflow, in place, every literal-block prose string of a parsed pack."""
    for path in sorted(literal_paths, key=len):
        if not path or not _is_prose_path(path):
            continue
        parent = value
        try:
            for part in path[:-1]:
                parent = parent[part]
            text = parent[path[-1]]
        except (KeyError, IndexError, TypeError):  # a dropped duplicate or a reshaped tree
            continue
        if isinstance(text, str):
            parent[path[-1]] = reflow(text)
