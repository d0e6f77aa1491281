"""What the content service returns to `/content` (frozen dataclasses, no Discord types)."""

from __future__ import annotations

from dataclasses import field
from datetime import datetime

from bot.catalog import PackDiff
from bot.core.records import frozen


@frozen
class PackVersion:
    """One stored version of an uploaded pack."""

    version: str
    filename: str
    checksum: str
    uploaded_by: int
    uploaded_at: datetime
    current: bool


@frozen
class PackSummary:
    """One line of ``/content list``."""

    pack_id: str
    name: str
    version: str
    builtin: bool
    enabled: bool
    loaded: bool  # in the guild's catalog right now
    counts: dict[str, int] = field(default_factory=dict)
    problem: str | None = None  # why an enabled pack is not loaded


@frozen
class PackDetails:
    """``/content show``: the header, item counts and (for uploaded packs) every version."""

    summary: PackSummary
    description: str
    authors: tuple[str, ...]
    license: str | None
    versions: tuple[PackVersion, ...] = ()


@frozen
class UploadPreview:
    """A validated upload and what it would change; confirmable under ``token``."""

    pack_id: str
    name: str
    version: str
    filename: str
    diff: PackDiff
    dry_run: bool
    token: str | None  # None for a dry run: nothing to confirm
    expires_at: datetime | None
    counts: dict[str, int]
    enables: bool  # the pack is stored but disabled; confirming enables it again


@frozen
class UploadResult:
    """A confirmed upload: the new current version and what changed."""

    pack_id: str
    version: str
    previous_version: str | None
    diff: PackDiff


@frozen
class RollbackResult:
    """A rollback: from which version to which, and what changed."""

    pack_id: str
    from_version: str
    to_version: str
    diff: PackDiff
    enabled: bool


@frozen
class ToggleResult:
    """A pack enabled or disabled, and the guild catalog's item counts after it."""

    pack_id: str
    enabled: bool
    changed: bool  # False when it already was in that state
    counts: dict[str, int]


@frozen
class ExportedPack:
    """The YAML of a pack, byte for byte, with its file name."""

    filename: str
    data: bytes
    pack_id: str
    version: str
    builtin: bool


@frozen
class ReloadResult:
    """Built-in packs re-read from disk: which changed, and the built-in item counts."""

    packs: int
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    counts: dict[str, int]
