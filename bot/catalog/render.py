"""How pack text becomes Discord embeds, so that limits can be checked at load time.

The UI builds its embeds with these helpers; the loader checks the same numbers. If the UI
ever adds text around an item, it must fit in ``EMBED_CHROME_RESERVE``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from .constants import EMBED_CHROME_RESERVE, NUDGE_PLACEHOLDERS
from .placeholders import fill_template

if TYPE_CHECKING:
    from .models import Nudge, ProjectIdea, Question

__all__ = [
    "bullet_block",
    "escape_markdown",
    "idea_embed_fields",
    "idea_embed_length",
    "question_embed_length",
    "render_nudge",
]

_MARKDOWN_SPECIAL = "\\*_~`|>[]()#-"


def bullet_block(lines: Iterable[str]) -> str:
    """Lines as one bulleted text block: the form key points and stretch goals take."""
    return "\n".join(f"• {line}" for line in lines)


def question_embed_length(question: Question) -> int:
    """Characters of a question's embed (its title and prompt) with every hint, the key points
    and follow-ups shown."""
    return (
        len(question.display_title)
        + len(question.prompt)
        + sum(len(h) for h in question.hints)
        + len(bullet_block(question.key_points))
        + sum(len(f) for f in question.follow_ups)
        + EMBED_CHROME_RESERVE
    )


def idea_embed_fields(idea: ProjectIdea) -> int:
    """Embed fields of an idea: dataset, one per milestone, the stretch goals (if any)."""
    return 1 + len(idea.milestones) + (1 if idea.stretch_goals else 0)


def idea_embed_length(idea: ProjectIdea) -> int:
    """Characters of a project idea's embed (title, summary, dataset, milestones, goals)."""
    return (
        len(idea.title)
        + len(idea.summary)
        + len(idea.dataset)
        + sum(len(m.title) + len(m.description) for m in idea.milestones)
        + len(bullet_block(idea.stretch_goals))
        + EMBED_CHROME_RESERVE
    )


def escape_markdown(text: str) -> str:
    """Backslash-escape Discord markdown so member text shows as typed."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text)


def _format_value(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value.is_integer():
            return f"{int(value):,}"
        return f"{value:,.1f}"
    return escape_markdown(str(value))


def _derived(evidence: Mapping[str, object]) -> dict[str, object]:
    """Fill ``*_hours`` from ``*_minutes`` when the caller gave only minutes."""
    values = dict(evidence)
    for stem in ("course", "theory"):
        minutes = values.get(f"{stem}_minutes")
        if f"{stem}_hours" not in values and isinstance(minutes, int | float):
            values[f"{stem}_hours"] = round(minutes / 60, 1)
    return values


def render_nudge(nudge: Nudge, evidence: Mapping[str, object]) -> tuple[str, str]:
    """``(body, suggested_action)`` of ``nudge`` with its placeholders filled from ``evidence``.

    Numbers are formatted (``1,234``, ``2.5``), text is markdown-escaped (a project title is
    member text). Only the placeholders allowed for the nudge's pitfall are looked up;
    ``course_hours``/``theory_hours`` are derived from the minutes when missing.
    Raises ``KeyError`` if a placeholder the nudge uses has no value in ``evidence``.
    """
    allowed = NUDGE_PLACEHOLDERS[nudge.pitfall]
    values = {k: _format_value(v) for k, v in _derived(evidence).items() if k in allowed}
    try:
        return fill_template(nudge.body, values), fill_template(nudge.suggested_action, values)
    except KeyError as exc:
        raise KeyError(f"nudge {nudge.id!r} needs a value for {{{exc.args[0]}}}") from None
