"""A deliberately small YAML reader for content packs.

Packs come from moderators, so the YAML is untrusted. PyYAML's constructors are never used
on mappings and sequences: the event stream of the safe parser is walked here and plain
Python values are built by hand. That makes it possible to

- refuse anchors and aliases (so an alias bomb never expands) and every explicit tag
  (``!!python/object`` and friends never reach a constructor),
- refuse duplicate keys in a mapping (PyYAML silently keeps the last one),
- bound the nesting depth without recursion,
- remember where every key and value starts, so later errors can name line and column.

Only scalars go through PyYAML's implicit resolver (YAML 1.1: ``yes`` is true, ``1.5`` a
float ...). Dates stay text: no field of the format is a date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

from .constants import MAX_DEPTH, MAX_PACK_BYTES, MAX_VALUES

__all__ = ["ParsedYaml", "Path", "YamlIssue", "read_yaml"]

Path = tuple[str | int, ...]
Position = tuple[int, int]

try:  # libyaml is much faster; fall back to the pure-Python parser where it is missing.
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

_RESOLVER = Resolver()
#: Characters YAML 1.1 does not allow in a stream (its "printable" set, inverted).
_NON_PRINTABLE = re.compile(
    r"[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_CONSTRUCTOR = SafeConstructor()
_NULL_TAG = "tag:yaml.org,2002:null"
_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"


@dataclass(frozen=True, slots=True)
class YamlIssue:
    """A problem found while reading; ``path`` is where in the tree it happened."""

    line: int | None
    column: int | None
    path: Path
    message: str


@dataclass(slots=True)
class ParsedYaml:
    """The plain value of the document and where each part of it starts (1-based)."""

    value: Any
    value_pos: dict[Path, Position] = field(default_factory=dict)
    key_pos: dict[Path, Position] = field(default_factory=dict)
    issues: list[YamlIssue] = field(default_factory=list)
    #: Paths whose value was replaced because of an issue (an alias, a duplicate key ...):
    #: later checks stay quiet about them instead of piling up follow-on errors.
    tainted: set[Path] = field(default_factory=set)
    #: Paths of scalars written as literal blocks (``|``): their line breaks are the
    #: author's, which the loader reflows in prose fields (:mod:`bot.catalog.prose`).
    literal_paths: set[Path] = field(default_factory=set)

    def position(self, path: Path, *, prefer_key: bool = True) -> Position | None:
        """Where ``path`` starts: its key if it has one, else its value, else its parent's."""
        probe = path
        while True:
            if prefer_key and probe in self.key_pos:
                return self.key_pos[probe]
            if probe in self.value_pos:
                return self.value_pos[probe]
            if not probe:
                return None
            probe = probe[:-1]


class YamlFatal(Exception):
    """A problem after which the rest of the document cannot be read."""

    def __init__(self, issue: YamlIssue) -> None:
        super().__init__(issue.message)
        self.issue = issue


def _pos(mark: Any) -> Position:
    return (mark.line + 1, mark.column + 1)


def _scalar(event: yaml.ScalarEvent) -> Any:
    """The value of a scalar: plain scalars are resolved, quoted and block ones are text."""
    value: str = event.value
    if not event.implicit[0]:  # quoted, literal or folded: always text
        return value
    tag = _RESOLVER.resolve(ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    if tag == _NULL_TAG:
        return None
    if tag in (_BOOL_TAG, _INT_TAG, _FLOAT_TAG):
        try:
            return _CONSTRUCTOR.construct_object(ScalarNode(tag, value), deep=True)
        except (ConstructorError, ValueError):  # pragma: no cover - resolver/constructor agree
            return value
    return value  # str, timestamp, merge ('<<'), value ('=') ... all stay text


def _describe_tag(tag: str) -> str:
    if tag.startswith("tag:yaml.org,2002:"):
        return "!!" + tag.removeprefix("tag:yaml.org,2002:")
    return tag


class _Frame:
    __slots__ = ("container", "dropped", "key", "key_pos", "keys_seen", "length", "path")

    def __init__(self, container: dict[str, Any] | list[Any], path: Path, dropped: bool) -> None:
        self.container = container
        self.path = path
        #: The value of a duplicate key: walked (so its own problems are found) but not kept.
        self.dropped = dropped
        self.key: str | None = None  # mapping: the key waiting for its value
        self.key_pos: Position | None = None
        self.keys_seen: dict[str, Position] = {}
        self.length = 0  # list: entries seen so far (also counted when dropped)


def _syntax_issue(exc: yaml.YAMLError, source: str) -> YamlIssue:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        line, column = _pos(exc.problem_mark)
        problem = exc.problem or "invalid YAML"
        text = f"YAML syntax error: {problem}"
        if exc.context:
            ctx_mark = exc.context_mark
            where = f" (line {ctx_mark.line + 1})" if ctx_mark is not None else ""
            text += f", {exc.context}{where}"
        lines = source.splitlines()
        if 0 < line <= len(lines):
            bad_line = lines[line - 1]
            indent = bad_line[: len(bad_line) - len(bad_line.lstrip(" \t"))]
            if "\t" in indent or "\t" in problem:
                text += "; indent with spaces, not tabs"
        return YamlIssue(line, column, (), text)
    if isinstance(exc, yaml.reader.ReaderError):
        return YamlIssue(
            None,
            None,
            (),
            f"the file contains a character YAML does not allow (#x{exc.character:04x}) at "
            f"character {exc.position}",
        )
    return YamlIssue(None, None, (), f"YAML syntax error: {exc}")


def read_yaml(text: str) -> ParsedYaml:
    """Walk the YAML event stream of ``text`` into plain values with positions.

    Raises :class:`YamlFatal` for problems that stop reading (syntax errors, too deep,
    several documents, complex keys, an empty file). Other problems (aliases, anchors,
    tags, duplicate keys) are collected in ``ParsedYaml.issues`` and reading goes on, so
    that one upload reports as many problems as possible.
    """
    result = ParsedYaml(value=None)
    stack: list[_Frame] = []
    documents = 0
    values = 0
    root_set = False

    def attach(value: Any, path: Path, pos: Position, dropped: bool) -> None:
        nonlocal root_set
        if not stack:
            result.value = value
            result.value_pos[path] = pos
            root_set = True
            return
        parent = stack[-1]
        if isinstance(parent.container, list):
            parent.length += 1
            if not dropped:
                parent.container.append(value)
        else:
            assert parent.key is not None
            if not dropped:
                parent.container[parent.key] = value
            parent.key = None
        if not dropped:
            result.value_pos[path] = pos

    def child_path() -> tuple[Path, bool]:
        """Path of the next value, and whether it is thrown away (under a duplicate key)."""
        if not stack:
            return (), False
        parent = stack[-1]
        if isinstance(parent.container, list):
            return (*parent.path, parent.length), parent.dropped
        assert parent.key is not None
        return (*parent.path, parent.key), parent.dropped or parent.key_pos is None

    def check_props(event: Any, path: Path, pos: Position) -> bool:
        ok = True
        anchor = getattr(event, "anchor", None)
        tag = getattr(event, "tag", None)
        if anchor is not None:
            result.issues.append(
                YamlIssue(*pos, path, f"anchors (`&{anchor}`) are not allowed: write the value out")
            )
            ok = False
        if tag is not None:
            result.issues.append(
                YamlIssue(
                    *pos,
                    path,
                    f"tags such as `{_describe_tag(tag)}` are not allowed: write plain values",
                )
            )
            ok = False
        return ok

    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise YamlFatal(
                        YamlIssue(
                            *_pos(event.start_mark),
                            (),
                            "a pack file holds exactly one YAML document; remove the second `---`",
                        )
                    )
                continue
            if isinstance(
                event, yaml.StreamStartEvent | yaml.StreamEndEvent | yaml.DocumentEndEvent
            ):
                continue
            pos = _pos(event.start_mark)
            in_key = bool(stack) and isinstance(stack[-1].container, dict) and stack[-1].key is None
            if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                stack.pop()
                continue
            if in_key:
                frame = stack[-1]
                if not isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
                    raise YamlFatal(
                        YamlIssue(
                            *pos, frame.path, "a key must be plain text, not a list or a mapping"
                        )
                    )
                if isinstance(event, yaml.AliasEvent):
                    key = f"*{event.anchor}"
                    result.issues.append(
                        YamlIssue(*pos, frame.path, f"aliases (`*{event.anchor}`) are not allowed")
                    )
                else:
                    key = event.value
                    check_props(event, (*frame.path, key), pos)
                frame.key = key
                if key in frame.keys_seen:
                    first = frame.keys_seen[key][0]
                    result.issues.append(
                        YamlIssue(
                            *pos,
                            (*frame.path, key),
                            f"duplicate key `{key}` (already set on line {first}); keep only one",
                        )
                    )
                    frame.key_pos = None  # its value is walked but dropped
                else:
                    frame.keys_seen[key] = pos
                    frame.key_pos = pos
                    if not frame.dropped:
                        result.key_pos[(*frame.path, key)] = pos
                continue

            values += 1
            if values > MAX_VALUES:
                raise YamlFatal(
                    YamlIssue(
                        *pos,
                        (),
                        f"the file has more than {MAX_VALUES:,} values; split it into "
                        "several packs",
                    )
                )
            path, dropped = child_path()
            if isinstance(event, yaml.AliasEvent):
                result.issues.append(
                    YamlIssue(
                        *pos,
                        path,
                        f"aliases (`*{event.anchor}`) are not allowed: write the value out",
                    )
                )
                if not dropped:
                    result.tainted.add(path)
                attach(None, path, pos, dropped)
            elif isinstance(event, yaml.ScalarEvent):
                if not check_props(event, path, pos) and not dropped:
                    result.tainted.add(path)
                if event.style == "|" and not dropped:
                    result.literal_paths.add(path)
                attach(_scalar(event), path, pos, dropped)
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                if len(stack) >= MAX_DEPTH:
                    raise YamlFatal(
                        YamlIssue(
                            *pos,
                            path,
                            f"nested too deeply (more than {MAX_DEPTH} levels of lists and "
                            "mappings)",
                        )
                    )
                if not check_props(event, path, pos) and not dropped:
                    result.tainted.add(path)
                container: dict[str, Any] | list[Any] = (
                    {} if isinstance(event, yaml.MappingStartEvent) else []
                )
                attach(container, path, pos, dropped)
                stack.append(_Frame(container, path, dropped))
    except yaml.YAMLError as exc:
        raise YamlFatal(_syntax_issue(exc, text)) from None

    if not root_set:
        raise YamlFatal(YamlIssue(1, 1, (), "the file is empty: a pack needs at least `pack:`"))
    return result


def decode_pack_bytes(data: bytes) -> str:
    """Check size and encoding and return the text; raises :class:`YamlFatal`."""
    if len(data) > MAX_PACK_BYTES:
        raise YamlFatal(
            YamlIssue(
                None,
                None,
                (),
                f"the file is {len(data):,} bytes; a pack may be at most {MAX_PACK_BYTES:,} "
                "bytes (1 MiB)",
            )
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start
        line = data.count(b"\n", 0, offset) + 1
        line_start = data.rfind(b"\n", 0, offset) + 1
        column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
        raise YamlFatal(
            YamlIssue(
                line,
                column,
                (),
                f"the file is not valid UTF-8 (byte 0x{data[offset]:02x} at byte offset "
                f"{offset}); save it with UTF-8 encoding",
            )
        ) from None
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        offset = bad.start()
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        raise YamlFatal(
            YamlIssue(
                line,
                column,
                (),
                f"the file contains a control character (U+{ord(bad.group()):04X}) that YAML "
                "does not allow; delete it",
            )
        )
    if not text.strip():
        raise YamlFatal(YamlIssue(1, 1, (), "the file is empty: a pack needs at least `pack:`"))
    return text
