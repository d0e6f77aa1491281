"""Content-pack rules (pure): versions, upload checks, and refusals that fit one message.

No Discord, SQL, I/O or wall clock here: the service passes the packs, the stored versions
and `now` in, and gets decisions (or a :class:`UserFacingError` to show) back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import PurePath

from bot.catalog import MAX_PACK_BYTES, Pack, PackError, PackIssue
from bot.core.errors import UserFacingError

#: How long an upload preview can be confirmed (Discord's interaction token lives as long).
PREVIEW_TTL = timedelta(minutes=15)
#: Open previews per moderator; a newer upload makes the oldest one expire.
PENDING_PER_MEMBER = 3
#: Issues shown in one error message; the rest are counted ("... and 12 more problems").
ISSUE_LIMIT = 12
#: Discord message content limit, with room for the heading.
MESSAGE_LIMIT = 1900
PACK_SUFFIXES = (".yaml", ".yml")
SHOWN_NAME_MAX = 100
#: Semantic versions have no length limit of their own; longer ones are refused at upload.
VERSION_MAX = 64
FILENAME_MAX = 200

SemverKey = tuple[int, int, int, int, tuple[tuple[int, int, str], ...]]

_SEMVER_CORE = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")


def semver_key(version: str) -> SemverKey:
    """Precedence key of a semantic version (semver.org section 11; build metadata ignored).

    A release sorts after its pre-releases; pre-release identifiers compare numerically
    when numeric, numeric ones before alphanumeric ones.
    """
    match = _SEMVER_CORE.match(version)
    if match is None:
        return (0, 0, 0, 0, ())
    major, minor, patch, pre = match.groups()
    if pre is None:
        return (int(major), int(minor), int(patch), 1, ())
    idents = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
    return (int(major), int(minor), int(patch), 0, idents)


def pack_counts(pack: Pack) -> dict[str, int]:
    """How many items of each kind a pack holds (tracks, skills, prompts …)."""
    tracks = pack.roadmap_tracks()
    return {
        "tracks": len(tracks),
        "skills": sum(len(t.skills) for t in tracks),
        "prompts": len(pack.prompts),
        "questions": len(pack.questions),
        "nudges": len(pack.nudges),
        "project_ideas": len(pack.project_ideas),
    }


def stored_label(pack_id: str, version: str) -> str:
    """How a stored pack names itself in messages: ``my-pack@1.2.0``."""
    return f"{pack_id}@{version}"


def export_filename(pack_id: str, version: str) -> str:
    """The file name of an exported stored version."""
    return f"{pack_id}-{version}.yaml"[:FILENAME_MAX]


class PackRefusal(UserFacingError):
    """A refused pack: the message for Discord, and every issue with its line for a page that
    shows them beside the file's lines (the web dashboard)."""

    def __init__(self, message: str, heading: str, issues: Sequence[PackIssue]) -> None:
        super().__init__(message)
        self.heading = heading
        self.issues = tuple(issues)


def refusal(heading: str, error: PackError) -> PackRefusal:
    """A PackError as a message that fits one Discord message: every issue with file and
    line, the first :data:`ISSUE_LIMIT` of them, and a count of the rest."""
    count = len(error.issues)
    noun = "problem" if count == 1 else "problems"
    limit = ISSUE_LIMIT
    while True:
        body = error.format(limit=limit)
        lines = [f"- {line}" for line in body.splitlines()]
        text = f"{heading} ({count} {noun}):\n" + "\n".join(lines)
        if len(text) <= MESSAGE_LIMIT or limit <= 1:
            break
        limit -= 1
    if len(text) > MESSAGE_LIMIT:
        text = text[: MESSAGE_LIMIT - 1] + "…"
    return PackRefusal(text, heading, error.issues)


def check_upload(filename: str, size: int) -> None:
    """Refuse a file by name and size before it is downloaded."""
    if PurePath(filename).suffix.lower() not in PACK_SUFFIXES:
        raise UserFacingError(
            "Upload a pack as a `.yaml` or `.yml` file (see content/FORMAT.md for the format)."
        )
    if size > MAX_PACK_BYTES:
        raise UserFacingError(
            f"That file is {size:,} bytes; a pack may be at most {MAX_PACK_BYTES:,} bytes "
            "(1 MiB). Split it into smaller packs."
        )
    if size == 0:
        raise UserFacingError("That file is empty.")


def shown_filename(filename: str) -> str:
    """The uploaded file's name as it shows in every problem line and inside `code` quotes:
    short, without folders, backticks or line breaks."""
    return re.sub(r"[`\s]+", "_", PurePath(filename).name)[:SHOWN_NAME_MAX]


def check_uploaded_pack(pack: Pack, builtin_ids: Sequence[str]) -> None:
    """Refuse a parsed upload whose version is too long or whose id is a built-in pack's."""
    if len(pack.version) > VERSION_MAX:
        raise UserFacingError(f"The version is too long: at most {VERSION_MAX} characters.")
    if pack.id in builtin_ids:
        raise UserFacingError(
            f"`{pack.id}` is the id of a built-in pack. Give your pack its own `id` in "
            "the `pack:` header."
        )


def check_new_version(pack_id: str, version: str, stored: Sequence[str]) -> None:
    """A new upload needs a version above every stored one: versions never change
    meaning, and going back is what `/content rollback` is for."""
    if not stored:
        return
    if version in stored:
        raise UserFacingError(
            f"Version {version} of `{pack_id}` is already stored. Raise `version` in "
            "the `pack:` header for a new upload, or use `/content rollback` to go back "
            "to a stored version."
        )
    highest = max(stored, key=semver_key)
    if semver_key(version) <= semver_key(highest):
        raise UserFacingError(
            f"`{pack_id}` already has version {highest}; a new upload needs a higher "
            f"version than {highest} (for example a raised MINOR or PATCH number). To go "
            "back to an older version use `/content rollback`."
        )


def rollback_target(pack_id: str, current: str, stored: Sequence[str], version: str | None) -> str:
    """The version a rollback moves to: ``version`` if named (any stored one but the
    current), else the highest stored version below the current one."""
    if version is not None:
        version = version.strip()
        if version not in stored:
            listed = ", ".join(sorted(stored, key=semver_key))
            raise UserFacingError(
                f"`{pack_id}` has no stored version {version[:VERSION_MAX]}. Stored: {listed}."
            )
        if version == current:
            raise UserFacingError(f"Version {version} is already the current one.")
        return version
    earlier = [v for v in stored if semver_key(v) < semver_key(current)]
    if not earlier:
        raise UserFacingError(
            f"`{pack_id}` has no version before {current}. Name a version with "
            "`version:` to move to a newer stored one."
        )
    return max(earlier, key=semver_key)


def preview_expired(created_at: datetime, now: datetime) -> bool:
    """Whether an upload preview made at ``created_at`` can no longer be confirmed."""
    return now - created_at > PREVIEW_TTL


def with_pack(packs: Sequence[Pack], new: Pack) -> list[Pack]:
    """``packs`` with ``new`` in place of the pack of the same id (or appended)."""
    out = list(packs)
    for i, pack in enumerate(out):
        if pack.id == new.id:
            out[i] = new
            return out
    out.append(new)
    return out


def without_pack(packs: Sequence[Pack], pack_id: str) -> list[Pack]:
    """``packs`` without the pack ``pack_id``."""
    return [p for p in packs if p.id != pack_id]


def checksum_changes(
    before: Mapping[str, str], after: Mapping[str, str]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Pack ids added, changed and removed between two ``{pack id: checksum}`` maps."""
    return (
        tuple(sorted(after.keys() - before.keys())),
        tuple(sorted(i for i in after.keys() & before.keys() if after[i] != before[i])),
        tuple(sorted(before.keys() - after.keys())),
    )
