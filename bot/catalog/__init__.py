"""Content packs: safe YAML loading, pydantic models, merged per-guild catalogs.

Nothing here talks to Discord or the database, and nothing does I/O at import time.

Typical use::

    packs = load_pack_dir(settings.content_dir)      # raises PackError with every problem
    registry = CatalogRegistry(packs)
    catalog = registry.for_guild(guild_id)
    question = catalog.questions_in("coding", difficulty=2)[0]
"""

from .catalog import Catalog
from .constants import (
    MAX_PACK_BYTES,
    NUDGE_PLACEHOLDERS,
    PITFALL_LABELS,
    PITFALLS,
    PROJECT_DOMAIN_LABELS,
    PROJECT_DOMAINS,
    QUESTION_CATEGORIES,
    QUESTION_CATEGORY_LABELS,
)
from .diff import KindDiff, PackDiff, diff_packs
from .errors import PackError, PackIssue
from .loader import load_pack_dir, load_pack_file, parse_pack
from .models import (
    Milestone,
    Nudge,
    Pack,
    PackHeader,
    ProjectIdea,
    Prompt,
    Question,
    Roadmap,
    Skill,
    Track,
)
from .registry import CatalogRegistry
from .render import bullet_block, escape_markdown, render_nudge
from .schema import pack_json_schema, pack_json_schema_text

__all__ = [
    "MAX_PACK_BYTES",
    "NUDGE_PLACEHOLDERS",
    "PITFALLS",
    "PITFALL_LABELS",
    "PROJECT_DOMAINS",
    "PROJECT_DOMAIN_LABELS",
    "QUESTION_CATEGORIES",
    "QUESTION_CATEGORY_LABELS",
    "Catalog",
    "CatalogRegistry",
    "KindDiff",
    "Milestone",
    "Nudge",
    "Pack",
    "PackDiff",
    "PackError",
    "PackHeader",
    "PackIssue",
    "ProjectIdea",
    "Prompt",
    "Question",
    "Roadmap",
    "Skill",
    "Track",
    "bullet_block",
    "diff_packs",
    "escape_markdown",
    "load_pack_dir",
    "load_pack_file",
    "pack_json_schema",
    "pack_json_schema_text",
    "parse_pack",
    "render_nudge",
]
