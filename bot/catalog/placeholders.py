"""Nudge placeholders: checked at load time, filled without ``str.format``.

Content is data, never code: a template may only name a placeholder (``{days}``). Attribute
or index access (``{x.y}``, ``{x[0]}``), conversions (``{x!r}``), format specs (``{x:>10}``)
and positional fields (``{}``, ``{0}``) are refused at load time, and filling never calls
``str.format`` on pack text, so nothing in a pack can reach into Python objects.
"""

from __future__ import annotations

import difflib
import string
from collections.abc import Iterable, Mapping

__all__ = ["fill_template", "template_fields", "template_problems"]

_FORMATTER = string.Formatter()


def _parse(text: str) -> list[tuple[str, str | None, str | None, str | None]]:
    return list(_FORMATTER.parse(text))


def template_problems(text: str, allowed: Iterable[str] | None) -> list[str]:
    """Plain-words problems of ``text`` as a template; empty when it is fine.

    ``allowed`` is the set of placeholder names; ``None`` skips the name check (used when
    the pitfall itself is invalid and already reported).
    """
    try:
        parts = _parse(text)
    except ValueError:
        return ["unbalanced `{` or `}`: write literal braces as `{{` and `}}`"]
    problems: list[str] = []
    allowed_set = frozenset(allowed) if allowed is not None else None
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
        shown += "}"
        if name == "" or name.isdigit():
            problems.append(
                f"`{shown}` is not a placeholder: use a name such as `{{days}}` "
                "(write literal braces as `{{` and `}}`)"
            )
            continue
        if "." in name or "[" in name:
            problems.append(f"`{shown}`: placeholders cannot use `.` or `[...]`; write `{{name}}`")
            continue
        if conversion is not None or spec:
            problems.append(
                f"`{shown}`: placeholders cannot have `!` conversions or `:` formats; "
                f"write `{{{name}}}`"
            )
            continue
        if allowed_set is not None and name not in allowed_set:
            allowed_list = ", ".join(f"{{{n}}}" for n in sorted(allowed_set))
            close = difflib.get_close_matches(name, sorted(allowed_set), n=1)
            hint = f" — did you mean `{{{close[0]}}}`?" if close else ""
            problems.append(
                f"unknown placeholder `{{{name}}}`{hint} (allowed here: {allowed_list})"
            )
    return problems


def template_fields(text: str) -> list[str]:
    """Names of the placeholders used in a valid template, in order of appearance."""
    return [name for _literal, name, _spec, _conv in _parse(text) if name]


def fill_template(text: str, values: Mapping[str, str]) -> str:
    """Fill a template that passed :func:`template_problems` with ready-made strings.

    Raises ``KeyError`` naming the first placeholder with no value.
    """
    out: list[str] = []
    for literal, name, _spec, _conv in _parse(text):
        out.append(literal)
        if name is not None:
            out.append(values[name])
    return "".join(out)
