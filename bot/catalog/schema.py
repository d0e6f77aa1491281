"""The JSON Schema of a pack file, for editors (``content/pack.schema.json``)."""

from __future__ import annotations

import json
from typing import Any

from .models import Pack

__all__ = ["SCHEMA_ID", "pack_json_schema", "pack_json_schema_text"]

SCHEMA_ID = "https://studybot.invalid/content/pack.schema.json"


def pack_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of one pack file, generated from the pydantic models.

    It covers types, enums, patterns and lengths; checks that need code (placeholders,
    embed totals, references across packs) are done by ``studybot content validate``.
    """
    schema = Pack.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "studybot content pack"
    schema["description"] = (
        "One YAML file is one pack (content/FORMAT.md). Validate fully with "
        "`studybot content validate FILE`."
    )
    return schema


def pack_json_schema_text() -> str:
    """The schema as shipped: pretty-printed, sorted keys, trailing newline."""
    return json.dumps(pack_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
