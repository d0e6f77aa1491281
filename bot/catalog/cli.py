"""``studybot content validate|schema``: the catalog's command-line helpers.

``bot/cli.py`` wires these into the ``studybot`` command; ``python -m bot.catalog`` runs
them directly.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot.core.wording import plural

from .catalog import Catalog
from .constants import QUESTION_CATEGORIES
from .errors import PackError, PackIssue
from .loader import load_pack_dir, load_pack_file
from .models import Pack
from .schema import pack_json_schema_text

__all__ = ["main", "schema_command", "validate_command"]


def validate_command(paths: Sequence[Path], out: TextIO) -> int:
    """Validate files and folders *together*, as one catalog (built-ins plus uploads).

    Prints every problem as ``file:line:col: field: message`` and returns 1, or prints the
    number of items per kind and returns 0.
    """
    packs: list[Pack] = []
    issues: list[PackIssue] = []
    if not paths:
        out.write("nothing to validate: give pack files or folders\n")
        return 1
    for path in paths:
        try:
            if path.is_dir():
                packs.extend(load_pack_dir(path))
            elif path.exists():
                packs.append(load_pack_file(path))
            else:
                issues.append(PackIssue(str(path), None, None, "", "no such file or folder"))
        except PackError as exc:
            issues.extend(exc.issues)
    if not issues:
        try:
            catalog = Catalog.build(packs)
        except PackError as exc:
            issues.extend(exc.issues)
    if issues:
        error = PackError(issues)
        out.write(error.format() + "\n")
        count = len(error.issues)
        out.write(f"{plural(count, 'problem')} found; nothing was loaded\n")
        return 1
    counts = catalog.counts()
    out.write(f"OK: {plural(len(packs), 'pack')} valid together\n")
    for kind, number in counts.items():
        out.write(f"  {kind}: {number}\n")
    out.write("  questions by category and answer parts:\n")
    for line in _question_breakdown(catalog):
        out.write(f"    {line}\n")
    return 0


def _question_breakdown(catalog: Catalog) -> list[str]:
    """Questions per category, then how many carry each optional answer part."""
    questions = list(catalog.questions.values())
    per_category: Counter[str] = Counter(question.category for question in questions)
    lines = [f"{category}: {per_category[category]}" for category in QUESTION_CATEGORIES]
    extras = {
        "with a numeric answer": sum(q.answer is not None for q in questions),
        "with a model answer": sum(q.model_answer is not None for q in questions),
        "with a runnable reference": sum(q.reference is not None for q in questions),
    }
    return lines + [f"{label}: {number}" for label, number in extras.items()]


def schema_command(out: TextIO) -> int:
    """Print the JSON Schema of a pack file (the content of ``content/pack.schema.json``)."""
    out.write(pack_json_schema_text())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.catalog", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser("validate", help="validate pack files/folders together")
    validate.add_argument("paths", nargs="+", type=Path)
    sub.add_parser("schema", help="print the JSON Schema of a pack file")
    args = parser.parse_args(argv)
    if args.command == "validate":
        return validate_command(args.paths, sys.stdout)
    return schema_command(sys.stdout)
