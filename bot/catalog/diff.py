"""What changes between two versions of one pack (shown before an upload replaces a pack)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pydantic import BaseModel

from .constants import ALL_KINDS
from .models import Pack

__all__ = ["KindDiff", "PackDiff", "diff_packs"]


@dataclass(frozen=True, slots=True)
class KindDiff:
    """Ids added, changed and removed within one kind, each sorted."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@dataclass(frozen=True, slots=True)
class PackDiff:
    """Per-kind differences between an old and a new version of a pack.

    ``kinds`` has one entry per kind of :data:`ALL_KINDS` (tracks, skills, prompts,
    questions, nudges, project_ideas). A track counts as changed when its own text or its
    list of skills changed; a skill when any of its fields did.
    """

    pack_id: str
    old_version: str | None
    new_version: str
    kinds: Mapping[str, KindDiff] = field(default_factory=dict)
    header_changed: bool = False

    def __getitem__(self, kind: str) -> KindDiff:
        return self.kinds.get(kind, KindDiff())

    @property
    def added(self) -> dict[str, tuple[str, ...]]:
        return {k: d.added for k, d in self.kinds.items() if d.added}

    @property
    def changed(self) -> dict[str, tuple[str, ...]]:
        return {k: d.changed for k, d in self.kinds.items() if d.changed}

    @property
    def removed(self) -> dict[str, tuple[str, ...]]:
        return {k: d.removed for k, d in self.kinds.items() if d.removed}

    @property
    def is_empty(self) -> bool:
        """True when no item changed (the header may still have)."""
        return not any(self.kinds.values())

    def summary(self) -> str:
        """One line per kind that changed, e.g. ``prompts: +3 added, ~1 changed, -0 removed``."""
        head = (
            f"{self.pack_id}: new pack, version {self.new_version}"
            if self.old_version is None
            else f"{self.pack_id}: {self.old_version} -> {self.new_version}"
        )
        lines = [head]
        for kind, d in self.kinds.items():
            if d:
                lines.append(
                    f"{kind}: +{len(d.added)} added, ~{len(d.changed)} changed, "
                    f"-{len(d.removed)} removed"
                )
        if len(lines) == 1:
            lines.append("no item changed")
        return "\n".join(lines)


def _items(pack: Pack | None) -> dict[str, dict[str, BaseModel]]:
    out: dict[str, dict[str, BaseModel]] = {kind: {} for kind in ALL_KINDS}
    if pack is None:
        return out
    for track in pack.roadmap_tracks():
        out["tracks"][track.id] = track
        for skill in track.skills:
            out["skills"][skill.id] = skill
    for kind in ("prompts", "questions", "nudges", "project_ideas"):
        for item in getattr(pack, kind):
            out[kind][item.id] = item
    return out


def _comparable(kind: str, item: BaseModel) -> object:
    if kind == "tracks":  # a track changes with its text or its skill order, not skill text
        data = item.model_dump(exclude={"skills"})
        data["skills"] = [s.id for s in getattr(item, "skills", ())]
        return data
    return item.model_dump()


def diff_packs(old: Pack | None, new: Pack) -> PackDiff:
    """Differences from ``old`` (``None`` for a first upload) to ``new``, per kind."""
    before, after = _items(old), _items(new)
    kinds: dict[str, KindDiff] = {}
    for kind in ALL_KINDS:
        b, a = before[kind], after[kind]
        kinds[kind] = KindDiff(
            added=tuple(sorted(a.keys() - b.keys())),
            changed=tuple(
                sorted(
                    i
                    for i in a.keys() & b.keys()
                    if _comparable(kind, a[i]) != _comparable(kind, b[i])
                )
            ),
            removed=tuple(sorted(b.keys() - a.keys())),
        )
    return PackDiff(
        pack_id=new.id,
        old_version=old.version if old is not None else None,
        new_version=new.version,
        kinds=kinds,
        header_changed=old is None or old.header != new.header,
    )
