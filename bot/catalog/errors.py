"""Errors reported for content packs.

Every problem found in a pack becomes one :class:`PackIssue` that names the file, the line,
the column and the field, in words a moderator understands. A pack with any issue loads
nothing: the loader raises one :class:`PackError` carrying *all* issues at once, so the
author can fix everything in one round trip.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.core.wording import noun

__all__ = ["PackError", "PackIssue", "format_path"]


@dataclass(frozen=True, slots=True)
class PackIssue:
    """One problem in one pack file.

    ``line`` and ``column`` are 1-based; they are ``None`` when the problem has no place in
    the file (for example a pack built in code, or a file that could not be read).
    ``path`` is the field path such as ``prompts[2].est_minutes`` (empty for the whole file).
    """

    source: str
    line: int | None
    column: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.path:
            return f"{where}: {self.path}: {self.message}"
        return f"{where}: {self.message}"

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Order issues by file, then position, then path: the order an editor reads them."""
        return (self.source, self.line or 0, self.column or 0, self.path, self.message)


class PackError(Exception):
    """One or more packs were refused. ``issues`` lists every problem, in file order."""

    def __init__(self, issues: Iterable[PackIssue]) -> None:
        # Deduplicate (the same problem can be found by two checks) but keep a stable order.
        unique = dict.fromkeys(sorted(issues, key=PackIssue.sort_key))
        self.issues: list[PackIssue] = list(unique)
        super().__init__(self.format())

    def format(self, limit: int | None = None) -> str:
        """All issues, one per line; with ``limit``, the first ``limit`` and a count of the rest.

        Use a limit when the text goes somewhere small, such as a Discord message.
        """
        if not self.issues:
            return "the pack was refused"
        shown: Sequence[PackIssue] = self.issues if limit is None else self.issues[:limit]
        lines = [str(issue) for issue in shown]
        rest = len(self.issues) - len(shown)
        if rest > 0:
            lines.append(f"... and {rest:,} more {noun(rest, 'problem')}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format()

    def __reduce__(self) -> tuple[type[PackError], tuple[list[PackIssue]]]:
        return (PackError, (self.issues,))


def format_path(path: Sequence[str | int]) -> str:
    """Render a field path the way the YAML reads: ``prompts[2].est_minutes``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif out:
            out += f".{part}"
        else:
            out = str(part)
    return out
