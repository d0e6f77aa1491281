"""Reading pack files: bytes -> safe YAML -> pydantic models, with every error located."""

from __future__ import annotations

import difflib
import hashlib
import types
import typing
from collections.abc import Iterable
from pathlib import Path as FsPath
from typing import Any

from pydantic import BaseModel, ValidationError

from . import constants as C
from .errors import PackError, PackIssue, format_path
from .models import CUSTOM_ERROR, Pack
from .prose import reflow_literal_prose
from .safeyaml import ParsedYaml, Path, YamlFatal, decode_pack_bytes, read_yaml

__all__ = ["load_pack_dir", "load_pack_file", "parse_pack"]

#: Top-level sections whose items have ``id``s that must be unique within the pack.
_ID_KINDS = {
    "prompts": "prompt",
    "questions": "question",
    "nudges": "nudge",
    "project_ideas": "project idea",
}

_ENUMS: dict[str, tuple[str, ...]] = {
    "category": C.QUESTION_CATEGORIES,
    "pitfall": C.PITFALLS,
    "domain": C.PROJECT_DOMAINS,
}

_PATTERN_MESSAGES = {
    C.SLUG_PATTERN: (
        "must be a lowercase id: 2 to 64 characters, letters a-z, digits and `-`, "
        "starting with a letter or digit"
    ),
    C.SEMVER_PATTERN: "must be a version such as `1.0.0` (MAJOR.MINOR.PATCH)",
}


def _got(value: Any) -> str:
    """A short description of a value for messages: ``got 5``, ``got a list`` ..."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`, a yes/no value"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"`{shown}`"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping (`key: value` lines)"
    return type(value).__name__  # pragma: no cover - YAML gives only the types above


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" — did you mean `{close[0]}`?" if close else ""


def _model_at(path: Path) -> type[BaseModel] | None:
    """The model class describing the mapping at ``path`` (for "unknown key" suggestions)."""
    model: type[BaseModel] = Pack
    annotation: Any = Pack
    for part in path:
        if isinstance(part, int):
            annotation = _element(annotation)
            continue
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
        field = next(
            (f for name, f in model.model_fields.items() if (f.alias or name) == part), None
        )
        if field is None:
            return None
        annotation = _unwrap(field.annotation)
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _unwrap(annotation: Any) -> Any:
    """``X | None`` -> ``X``; ``Annotated[X, ...]`` -> ``X``."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        else:
            return annotation


def _element(annotation: Any) -> Any:
    args = typing.get_args(_unwrap(annotation))
    return _unwrap(args[0]) if args else None


def _field_names(model: type[BaseModel]) -> list[str]:
    return [f.alias or name for name, f in model.model_fields.items()]


def _describe(error: Any, loc: Path) -> tuple[Path, str]:
    """(path to report, plain-words message) for one pydantic error."""
    kind: str = error["type"]
    ctx: dict[str, Any] = error.get("ctx") or {}
    value = error.get("input")
    name = next((p for p in reversed(loc) if isinstance(p, str)), "")
    last = loc[-1] if loc else ""

    if kind == CUSTOM_ERROR:
        return loc, str(ctx.get("detail", error["msg"]))
    if kind == "missing":
        return loc[:-1], f"missing required key `{last}`"
    if kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        hint = _suggest(str(last), _field_names(model)) if model is not None else ""
        if not hint and model is not None:
            hint = " (allowed: " + ", ".join(f"`{n}`" for n in _field_names(model)) + ")"
        return loc, f"unknown key `{last}`{hint}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        if name in C.INT_RANGES:
            low, high = C.INT_RANGES[name]
            return loc, f"must be between {low} and {high} (got {value})"
        bound = ctx.get("ge", ctx.get("le", ctx.get("gt", ctx.get("lt"))))
        return loc, f"must be {'at least' if 'greater' in kind else 'at most'} {bound}"
    if kind == "int_type" or kind == "int_from_float" or kind == "int_parsing":
        extra = "; write numbers without quotes" if isinstance(value, str) else ""
        if name in C.INT_RANGES:
            low, high = C.INT_RANGES[name]
            return (
                loc,
                f"must be a whole number from {low} to {high} (got {_got(value)}{extra})",
            )
        return loc, f"must be a whole number (got {_got(value)}{extra})"
    if kind == "string_type":
        if name == "version":
            return loc, f"{_PATTERN_MESSAGES[C.SEMVER_PATTERN]} in quotes (got {_got(value)})"
        extra = "; put the text in quotes" if isinstance(value, bool | int | float) else ""
        return loc, f"must be text (got {_got(value)}{extra})"
    if kind == "string_too_short":
        return loc, "must not be empty"
    if kind == "string_too_long":
        limit = ctx.get("max_length")
        length = len(value) if isinstance(value, str) else "?"
        return loc, f"is too long: {length:,} characters, at most {limit:,} allowed"
    if kind == "string_pattern_mismatch":
        message = _PATTERN_MESSAGES.get(ctx.get("pattern", ""), "has the wrong form")
        return loc, f"{message} (got {_got(value)})"
    if kind == "literal_error":
        allowed = list(_ENUMS.get(str(name), ()))
        if not allowed:  # pragma: no cover - every Literal field is listed in _ENUMS
            allowed = [str(ctx.get("expected", ""))]
        hint = _suggest(str(value), allowed) if isinstance(value, str) else ""
        return (
            loc,
            f"must be one of {', '.join(allowed)} (got {_got(value)}){hint}",
        )
    if kind in ("too_short", "too_long"):
        bounds: tuple[int | None, int | None] = C.LIST_RANGES.get(
            str(name), (ctx.get("min_length"), ctx.get("max_length"))
        )
        least, most = bounds
        count = len(value) if isinstance(value, list | tuple) else ctx.get("actual_length")
        if least is not None and most is not None:
            span = f"between {least} and {most} entries"
        elif least is not None:
            span = f"at least {least} entr{'y' if least == 1 else 'ies'}"
        else:
            span = f"at most {most} entries"
        return loc, f"needs {span} (got {count})"
    if kind in ("list_type", "tuple_type"):
        return loc, f"must be a list (`- ...` lines) (got {_got(value)})"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if not loc:
            return (
                loc,
                f"the top level of a pack must be a mapping starting with `pack:` "
                f"(got {_got(value)})",
            )
        return loc, f"must be a mapping of `key: value` lines (got {_got(value)})"
    return loc, str(error.get("msg", "is invalid"))


def _duplicate_ids(raw: Any) -> list[tuple[Path, str]]:
    """Ids used twice within one kind of this pack (on the raw data, so always checked)."""
    if not isinstance(raw, dict):
        return []
    found: list[tuple[Path, str]] = []

    def scan(items: Any, base: Path, what: str, seen: dict[str, Path]) -> None:
        if not isinstance(items, list):
            return
        for index, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                continue
            item_id = item["id"]
            path = (*base, index, "id")
            if item_id in seen:
                found.append(
                    (path, f"duplicate {what} id `{item_id}` (also {format_path(seen[item_id])})")
                )
            else:
                seen[item_id] = path[:-1]

    for kind, what in _ID_KINDS.items():
        scan(raw.get(kind), (kind,), what, {})
    roadmap = raw.get("roadmap")
    tracks = roadmap.get("tracks") if isinstance(roadmap, dict) else None
    scan(tracks, ("roadmap", "tracks"), "track", {})
    skills_seen: dict[str, Path] = {}
    if isinstance(tracks, list):
        for index, track in enumerate(tracks):
            if isinstance(track, dict):
                scan(
                    track.get("skills"),
                    ("roadmap", "tracks", index, "skills"),
                    "skill",
                    skills_seen,
                )
    return found


def _issue(source: str, parsed: ParsedYaml | None, path: Path, message: str) -> PackIssue:
    pos = parsed.position(path) if parsed is not None else None
    line, column = pos if pos is not None else (None, None)
    return PackIssue(source, line, column, format_path(path), message)


def _is_tainted(path: Path, tainted: set[Path]) -> bool:
    return any(path[: len(t)] == t for t in tainted)


def _capped(source: str, issues: list[PackIssue]) -> list[PackIssue]:
    """At most ``MAX_ISSUES`` issues (the first ones, in file order), plus a note if cut."""
    if len(issues) <= C.MAX_ISSUES:
        return issues
    kept = sorted(issues, key=PackIssue.sort_key)[: C.MAX_ISSUES]
    note = PackIssue(
        source,
        None,
        None,
        "",
        f"more than {C.MAX_ISSUES:,} problems; showing the first {C.MAX_ISSUES:,} — "
        "fix these and validate again",
    )
    return [note, *kept]


def parse_pack(data: bytes, source: str) -> Pack:
    """Parse and validate one pack from its raw bytes.

    ``source`` names the pack in messages (a file name, ``upload:name.yaml`` ...).
    Raises :class:`PackError` listing *every* problem found; never returns a partial pack.
    Cross-pack checks (duplicate ids across packs, skill references) happen in
    :meth:`Catalog.build <bot.catalog.catalog.Catalog.build>`.
    """
    try:
        text = decode_pack_bytes(data)
        parsed = read_yaml(text)
    except YamlFatal as fatal:
        issue = fatal.issue
        raise PackError(
            [PackIssue(source, issue.line, issue.column, format_path(issue.path), issue.message)]
        ) from None

    issues = [
        PackIssue(source, i.line, i.column, format_path(i.path), i.message) for i in parsed.issues
    ]
    issues.extend(_issue(source, parsed, p, m) for p, m in _duplicate_ids(parsed.value))
    reflow_literal_prose(parsed.value, parsed.literal_paths)
    try:
        pack = Pack.model_validate(parsed.value)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            if len(issues) > C.MAX_ISSUES:
                break  # _capped() says that more were found
            loc: Path = tuple(error["loc"])
            if _is_tainted(loc, parsed.tainted):
                continue  # already reported as an alias/tag problem
            path, message = _describe(error, loc)
            issues.append(_issue(source, parsed, path, message))
        if not issues:  # pragma: no cover - every error is reported above unless tainted
            issues.append(PackIssue(source, None, None, "", "the pack is invalid"))
        raise PackError(_capped(source, issues)) from None
    if issues:
        raise PackError(_capped(source, issues))
    return pack.with_origin(
        source, hashlib.sha256(data).hexdigest(), parsed.key_pos, parsed.value_pos
    )


def _read_limited(path: FsPath) -> bytes:
    """Read at most one byte more than the limit, so a huge file is never read whole."""
    with path.open("rb") as fh:
        return fh.read(C.MAX_PACK_BYTES + 1)


def load_pack_file(path: FsPath) -> Pack:
    """Load one pack file; messages name it by its file name."""
    try:
        size = path.stat().st_size
        data = _read_limited(path)
    except OSError as exc:
        raise PackError(
            [PackIssue(path.name, None, None, "", f"cannot read the file: {exc.strerror or exc}")]
        ) from None
    if size > C.MAX_PACK_BYTES:
        raise PackError(
            [
                PackIssue(
                    path.name,
                    None,
                    None,
                    "",
                    f"the file is {size:,} bytes; a pack may be at most {C.MAX_PACK_BYTES:,} "
                    "bytes (1 MiB)",
                )
            ]
        )
    return parse_pack(data, path.name)


def pack_files(directory: FsPath) -> list[FsPath]:
    """The pack files of a directory: ``*.yaml`` and ``*.yml``, sorted by name."""
    return sorted(
        (p for p in directory.iterdir() if p.is_file() and p.suffix in (".yaml", ".yml")),
        key=lambda p: p.name,
    )


def load_pack_dir(path: FsPath) -> list[Pack]:
    """Load every pack of a directory (not recursive), in file-name order.

    All problems of all files are raised together in one :class:`PackError`.
    """
    packs: list[Pack] = []
    issues: list[PackIssue] = []
    try:
        files = pack_files(path)
    except OSError as exc:
        raise PackError(
            [PackIssue(str(path), None, None, "", f"cannot read the folder: {exc.strerror}")]
        ) from None
    for file in files:
        try:
            packs.append(load_pack_file(file))
        except PackError as exc:
            issues.extend(exc.issues)
    if issues:
        raise PackError(issues)
    return packs
