"""Moderator-uploaded content packs: store, versions, enable/disable, rollback (issue 4).

A guild's catalog is the built-in packs plus the guild's enabled packs (the current stored
version of each). Every change follows the same order, so the database and the in-memory
catalog never disagree:

1. open a transaction and write the rows;
2. swap the guild's catalog with ``CatalogRegistry.set_guild_packs`` (it builds the merged
   catalog first and raises :class:`PackError` without changing anything when the packs do
   not fit together) — an error here rolls the transaction back, so nothing is stored;
3. commit; should the commit itself fail, the previous packs are put back.

Changes to one guild are serialised by a per-guild lock, so two moderators cannot undo each
other's swap. Uploads are two-step: a preview (validated, diffed, kept in memory under a
short random token for :data:`PREVIEW_TTL`) and a confirmation. A restart forgets pending
previews, so a stale Confirm button answers "this preview expired" and never applies an old
or different pack.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import secrets
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import PurePath
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.catalog import (
    MAX_PACK_BYTES,
    Pack,
    PackDiff,
    PackError,
    diff_packs,
    load_pack_dir,
    parse_pack,
)
from bot.content import store as content_rows
from bot.content.tables import FILENAME_MAX, VERSION_MAX
from bot.core.errors import NotFoundError, UserFacingError
from bot.wiring import FeatureService, Services

log = logging.getLogger(__name__)

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
KINDS = ("tracks", "skills", "prompts", "questions", "nudges", "project_ideas")

Write = Callable[[AsyncConnection], Awaitable[None]]
SemverKey = tuple[int, int, int, int, tuple[tuple[int, int, str], ...]]

_SEMVER_CORE = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")


# --- results -----------------------------------------------------------------------------
@dataclass(frozen=True)
class PackVersion:
    version: str
    filename: str
    checksum: str
    uploaded_by: int
    uploaded_at: datetime
    current: bool


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class PackDetails:
    """``/content show``: the header, item counts and (for uploaded packs) every version."""

    summary: PackSummary
    description: str
    authors: tuple[str, ...]
    license: str | None
    versions: tuple[PackVersion, ...] = ()


@dataclass(frozen=True)
class UploadPreview:
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


@dataclass(frozen=True)
class UploadResult:
    pack_id: str
    version: str
    previous_version: str | None
    diff: PackDiff


@dataclass(frozen=True)
class RollbackResult:
    pack_id: str
    from_version: str
    to_version: str
    diff: PackDiff
    enabled: bool


@dataclass(frozen=True)
class ToggleResult:
    pack_id: str
    enabled: bool
    changed: bool  # False when it already was in that state
    counts: dict[str, int]


@dataclass(frozen=True)
class ExportedPack:
    filename: str
    data: bytes
    pack_id: str
    version: str
    builtin: bool


@dataclass(frozen=True)
class ReloadResult:
    packs: int
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    counts: dict[str, int]


@dataclass(frozen=True)
class _Pending:
    token: str
    guild_id: int
    user_id: int
    filename: str
    source: str
    checksum: str
    pack_id: str
    version: str
    name: str
    base_version: str | None  # the stored current version the preview was diffed against
    created_at: datetime


# --- helpers -----------------------------------------------------------------------------
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


def refusal(heading: str, error: PackError) -> UserFacingError:
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
    return UserFacingError(text)


def _replace(packs: Sequence[Pack], new: Pack) -> list[Pack]:
    """``packs`` with ``new`` in place of the pack of the same id (or appended)."""
    out = list(packs)
    for i, pack in enumerate(out):
        if pack.id == new.id:
            out[i] = new
            return out
    out.append(new)
    return out


def _without(packs: Sequence[Pack], pack_id: str) -> list[Pack]:
    return [p for p in packs if p.id != pack_id]


class ContentService(FeatureService):
    """Uploaded packs per guild; the interface `/content` and other features call."""

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self._pending: dict[str, _Pending] = {}
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._reload_lock = asyncio.Lock()
        # (guild, pack id) -> why an enabled stored pack could not be loaded at start.
        self._skipped: dict[tuple[int, str], str] = {}

    # --- start ---------------------------------------------------------------------------
    async def start(self) -> None:
        """Load every guild's enabled packs into the catalog registry.

        A stored pack that no longer validates (a built-in changed under it, a clash with a
        new built-in id) is logged and skipped; it stays stored and enabled, and `/content
        list` says why it is not loaded.
        """
        async with self.services.store.connect() as conn:
            rows = await content_rows.enabled_current(conn)
            switched_off = await content_rows.disabled_builtins(conn)
        builtin_ids = {p.id for p in self.services.catalog.builtin_packs}
        for guild_id, pack_ids in switched_off.items():
            try:
                self.services.catalog.set_builtin_disabled(guild_id, sorted(pack_ids & builtin_ids))
            except PackError as exc:
                log.warning(
                    "guild %s: its switched-off built-in packs no longer fit; all built-ins "
                    "stay on: %s",
                    guild_id,
                    exc.format(limit=3),
                )
        by_guild: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            by_guild[int(row["guild_id"])].append(row)
        for guild_id, guild_rows in by_guild.items():
            packs = await asyncio.to_thread(self._parse_rows, guild_id, guild_rows)
            await self._load_guild(guild_id, packs)

    def _parse_rows(self, guild_id: int, rows: Sequence[dict[str, Any]]) -> list[Pack]:
        packs: list[Pack] = []
        for row in rows:
            pack_id, version = str(row["pack_id"]), str(row["version"])
            try:
                packs.append(
                    parse_pack(str(row["source"]).encode("utf-8"), stored_label(pack_id, version))
                )
            except PackError as exc:
                self._skip(guild_id, pack_id, exc)
        return packs

    def _skip(self, guild_id: int, pack_id: str, error: PackError) -> None:
        first = str(error.issues[0]) if error.issues else "the pack was refused"
        self._skipped[(guild_id, pack_id)] = first
        log.warning(
            "guild %s: stored pack %s no longer validates and is not loaded: %s",
            guild_id,
            pack_id,
            error.format(limit=5),
        )

    async def _load_guild(self, guild_id: int, packs: list[Pack]) -> None:
        registry = self.services.catalog
        try:
            await asyncio.to_thread(registry.set_guild_packs, guild_id, packs)
            return
        except PackError:
            pass
        # The packs do not fit together any more: keep as many as fit, greedily, retrying
        # the refused ones after each success (a pack may need another pack's skills).
        accepted: list[Pack] = []
        remaining = list(packs)
        errors: dict[str, PackError] = {}
        progress = True
        while remaining and progress:
            progress = False
            for pack in list(remaining):
                try:
                    registry.try_guild_packs(guild_id, [*accepted, pack])
                except PackError as exc:
                    errors[pack.id] = exc
                    continue
                accepted.append(pack)
                remaining.remove(pack)
                progress = True
        for pack in remaining:
            self._skip(guild_id, pack.id, errors[pack.id])
        await asyncio.to_thread(registry.set_guild_packs, guild_id, accepted)

    async def forget_guild(self, guild_id: int) -> None:
        """Delete a guild's stored packs and drop them from the catalog (the bot left the
        guild for good); for the retention purge."""
        async with self._locks[guild_id]:
            async with self.services.store.begin() as conn:
                await content_rows.forget_guild(conn, guild_id)
            self.services.catalog.forget_guild(guild_id)
            for token, pending in list(self._pending.items()):
                if pending.guild_id == guild_id:
                    del self._pending[token]
            for key in [k for k in self._skipped if k[0] == guild_id]:
                del self._skipped[key]

    async def setup_summary(self, guild_id: int) -> list[tuple[str, str]]:
        async with self.services.store.connect() as conn:
            heads = await content_rows.heads(conn, guild_id)
        builtin = len(self.services.catalog.builtin_packs)
        enabled = sum(1 for h in heads if h["enabled"])
        text = f"{builtin} built-in packs"
        if heads:
            text += f", {enabled} uploaded enabled"
            if enabled < len(heads):
                text += f" ({len(heads) - enabled} disabled)"
        return [("Content packs", text)]

    # --- upload ---------------------------------------------------------------------------
    def check_upload(self, filename: str, size: int) -> None:
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

    async def preview_upload(
        self,
        guild_id: int,
        user_id: int,
        filename: str,
        data: bytes,
        *,
        dry_run: bool = False,
    ) -> UploadPreview:
        """Validate an uploaded pack against the guild's catalog and say what would change.

        Nothing is stored. Unless ``dry_run``, the upload is kept for :data:`PREVIEW_TTL`
        under a token for :meth:`confirm_upload`. Raises UserFacingError listing every
        problem (file and line) when the pack is refused.
        """
        self.check_upload(filename, len(data))
        # The name shows in every problem line and inside `code` quotes: keep it short and
        # free of backticks and line breaks.
        filename = re.sub(r"[`\s]+", "_", PurePath(filename).name)[:SHOWN_NAME_MAX]
        try:
            pack = await asyncio.to_thread(parse_pack, data, filename)
        except PackError as exc:
            raise refusal(f"`{filename}` was refused — nothing was stored", exc) from None
        source = data.decode("utf-8")  # parse_pack accepted it, so it is UTF-8
        if len(pack.version) > VERSION_MAX:
            raise UserFacingError(f"The version is too long: at most {VERSION_MAX} characters.")
        registry = self.services.catalog
        if any(p.id == pack.id for p in registry.builtin_packs):
            raise UserFacingError(
                f"`{pack.id}` is the id of a built-in pack. Give your pack its own `id` in "
                "the `pack:` header."
            )

        async with self.services.store.connect() as conn:
            head = await content_rows.head(conn, guild_id, pack.id)
            stored = await content_rows.versions(conn, guild_id, pack.id)
            old = await self._stored_pack(conn, guild_id, head)
        self._check_new_version(pack, head, stored)

        would_be = _replace(registry.guild_packs(guild_id), pack)
        try:
            await asyncio.to_thread(registry.try_guild_packs, guild_id, would_be)
        except PackError as exc:
            raise refusal(
                f"`{filename}` does not fit with this server's packs — nothing was stored", exc
            ) from None

        diff = diff_packs(old, pack)
        enables = head is not None and not head["enabled"]
        if dry_run:
            return UploadPreview(
                pack.id,
                pack.header.name,
                pack.version,
                filename,
                diff,
                True,
                None,
                None,
                pack_counts(pack),
                enables,
            )
        now = self.services.clock.now()
        self._prune(now, guild_id, user_id)
        token = secrets.token_hex(8)
        self._pending[token] = _Pending(
            token=token,
            guild_id=guild_id,
            user_id=user_id,
            filename=filename,
            source=source,
            checksum=hashlib.sha256(data).hexdigest(),
            pack_id=pack.id,
            version=pack.version,
            name=pack.header.name,
            base_version=head["current_version"] if head else None,
            created_at=now,
        )
        return UploadPreview(
            pack.id,
            pack.header.name,
            pack.version,
            filename,
            diff,
            False,
            token,
            now + PREVIEW_TTL,
            pack_counts(pack),
            enables,
        )

    @staticmethod
    def _check_new_version(
        pack: Pack, head: dict[str, Any] | None, stored: Sequence[dict[str, Any]]
    ) -> None:
        """A new upload needs a version above every stored one: versions never change
        meaning, and going back is what `/content rollback` is for."""
        if head is None or not stored:
            return
        same = next((v for v in stored if v["version"] == pack.version), None)
        if same is not None:
            raise UserFacingError(
                f"Version {pack.version} of `{pack.id}` is already stored. Raise `version` in "
                "the `pack:` header for a new upload, or use `/content rollback` to go back "
                "to a stored version."
            )
        highest = max((str(v["version"]) for v in stored), key=semver_key)
        if semver_key(pack.version) <= semver_key(highest):
            raise UserFacingError(
                f"`{pack.id}` already has version {highest}; a new upload needs a higher "
                f"version than {highest} (for example a raised MINOR or PATCH number). To go "
                "back to an older version use `/content rollback`."
            )

    def _prune(self, now: datetime, guild_id: int, user_id: int) -> None:
        """Drop expired previews, and this moderator's oldest beyond
        :data:`PENDING_PER_MEMBER - 1` (each holds up to 1 MiB of text in memory)."""
        mine: list[_Pending] = []
        for token, pending in list(self._pending.items()):
            if now - pending.created_at > PREVIEW_TTL:
                del self._pending[token]
            elif pending.guild_id == guild_id and pending.user_id == user_id:
                mine.append(pending)
        mine.sort(key=lambda p: p.created_at)
        for pending in mine[: max(0, len(mine) - PENDING_PER_MEMBER + 1)]:
            del self._pending[pending.token]

    def _take_pending(self, guild_id: int, user_id: int, token: str) -> _Pending:
        pending = self._pending.get(token)
        now = self.services.clock.now()
        if pending is None or now - pending.created_at > PREVIEW_TTL:
            self._pending.pop(token, None)
            raise UserFacingError(
                "This preview expired (previews last 15 minutes and do not survive a "
                "restart). Upload the file again with `/content upload`."
            )
        if pending.guild_id != guild_id:
            raise UserFacingError("This preview belongs to another server.")
        if pending.user_id != user_id:
            raise UserFacingError("Only the moderator who uploaded this pack can confirm it.")
        return pending

    async def cancel_upload(self, guild_id: int, user_id: int, token: str) -> str:
        """Forget a pending upload; returns its pack id."""
        pending = self._take_pending(guild_id, user_id, token)
        self._pending.pop(token, None)
        return pending.pack_id

    async def confirm_upload(self, guild_id: int, user_id: int, token: str) -> UploadResult:
        """Store a previewed upload as the pack's current version and swap the catalog.

        Refused when the pack changed since the preview (another upload or a rollback), so
        the moderator never confirms a diff they did not see.
        """
        async with self._locks[guild_id]:
            # Inside the lock: of two quick clicks, the second finds the token used.
            pending = self._take_pending(guild_id, user_id, token)
            label = stored_label(pending.pack_id, pending.version)
            try:
                pack = await asyncio.to_thread(parse_pack, pending.source.encode("utf-8"), label)
            except PackError as exc:  # pragma: no cover - it validated at preview time
                raise refusal("The pack no longer validates — nothing was stored", exc) from None
            async with self.services.store.connect() as conn:
                head = await content_rows.head(conn, guild_id, pending.pack_id)
                stored = await content_rows.versions(conn, guild_id, pending.pack_id)
                old = await self._stored_pack(conn, guild_id, head)
            current = head["current_version"] if head else None
            if current != pending.base_version:
                self._pending.pop(token, None)
                raise UserFacingError(
                    f"`{pending.pack_id}` changed since this preview (now at version "
                    f"{current or 'none'}). Upload the file again to see the new changes."
                )
            self._check_new_version(pack, head, stored)
            packs = _replace(self.services.catalog.guild_packs(guild_id), pack)
            now = self.services.clock.now()

            async def write(conn: AsyncConnection) -> None:
                await content_rows.add_version(
                    conn,
                    guild_id,
                    pending.pack_id,
                    pending.version,
                    name=pending.name,
                    filename=pending.filename,
                    source=pending.source,
                    checksum=pending.checksum,
                    uploaded_by=user_id,
                    now=now,
                )
                await content_rows.set_current(
                    conn,
                    guild_id,
                    pending.pack_id,
                    pending.version,
                    enabled=True,
                    user_id=user_id,
                    now=now,
                )

            await self._swap(
                guild_id,
                packs,
                write,
                f"`{pending.filename}` could not be applied — nothing was stored",
            )
            self._pending.pop(token, None)
            self._skipped.pop((guild_id, pending.pack_id), None)
        log.info("guild %s: pack %s stored and applied by %s", guild_id, label, user_id)
        return UploadResult(pending.pack_id, pending.version, current, diff_packs(old, pack))

    async def _swap(
        self,
        guild_id: int,
        packs: Sequence[Pack],
        write: Write,
        heading: str,
    ) -> None:
        """Write rows and swap the guild's catalog as one unit (see the module docstring)."""
        registry = self.services.catalog
        previous = registry.guild_packs(guild_id)
        swapped = False
        try:
            async with self.services.store.begin() as conn:
                await write(conn)
                await asyncio.to_thread(registry.set_guild_packs, guild_id, packs)
                swapped = True
        except PackError as exc:
            raise refusal(heading, exc) from None
        except BaseException:
            if swapped:  # the commit failed after the swap: put the old catalog back
                registry.set_guild_packs(guild_id, previous)
            raise

    async def _stored_pack(
        self, conn: AsyncConnection, guild_id: int, head: dict[str, Any] | None
    ) -> Pack | None:
        """The current version of a stored pack, as loaded or parsed from its text (None
        if there is none or it no longer parses)."""
        if head is None:
            return None
        pack_id, version = str(head["pack_id"]), str(head["current_version"])
        loaded = next(
            (p for p in self.services.catalog.guild_packs(guild_id) if p.id == pack_id), None
        )
        if loaded is not None and loaded.version == version:
            return loaded
        row = await content_rows.version(conn, guild_id, pack_id, version)
        if row is None:  # pragma: no cover - the foreign key keeps the version
            return None
        try:
            return await asyncio.to_thread(
                parse_pack, str(row["source"]).encode("utf-8"), stored_label(pack_id, version)
            )
        except PackError:
            return None

    # --- reading ----------------------------------------------------------------------------
    async def list_packs(self, guild_id: int) -> list[PackSummary]:
        """Built-in packs, then the guild's uploaded packs (enabled or not)."""
        registry = self.services.catalog
        off = registry.disabled_builtin(guild_id)
        out = [
            PackSummary(
                p.id,
                p.header.name,
                p.version,
                True,
                p.id not in off,
                p.id not in off,
                pack_counts(p),
            )
            for p in registry.builtin_packs
        ]
        async with self.services.store.connect() as conn:
            heads = await content_rows.heads(conn, guild_id)
        loaded = {p.id: p for p in registry.guild_packs(guild_id)}
        for head in heads:
            pack = loaded.get(head["pack_id"])
            out.append(
                PackSummary(
                    pack_id=head["pack_id"],
                    name=head["name"],
                    version=head["current_version"],
                    builtin=False,
                    enabled=bool(head["enabled"]),
                    loaded=pack is not None,
                    counts=pack_counts(pack) if pack is not None else {},
                    problem=self._skipped.get((guild_id, head["pack_id"]))
                    if head["enabled"] and pack is None
                    else None,
                )
            )
        return out

    async def show_pack(self, guild_id: int, pack_id: str) -> PackDetails:
        registry = self.services.catalog
        builtin = next((p for p in registry.builtin_packs if p.id == pack_id), None)
        if builtin is not None:
            header = builtin.header
            on = builtin.id not in registry.disabled_builtin(guild_id)
            return PackDetails(
                PackSummary(
                    builtin.id,
                    header.name,
                    builtin.version,
                    True,
                    on,
                    on,
                    pack_counts(builtin),
                ),
                header.description,
                header.authors,
                header.license,
            )
        async with self.services.store.connect() as conn:
            head = await content_rows.head(conn, guild_id, pack_id)
            if head is None:
                raise self._unknown(pack_id)
            pack = await self._stored_pack(conn, guild_id, head)
            rows = await content_rows.versions(conn, guild_id, pack_id)
        loaded = any(p.id == pack_id for p in registry.guild_packs(guild_id))
        current = head["current_version"]
        versions = tuple(
            PackVersion(
                r["version"],
                r["filename"],
                r["checksum"],
                r["uploaded_by"],
                r["uploaded_at"],
                r["version"] == current,
            )
            for r in sorted(rows, key=lambda r: semver_key(r["version"]))
        )
        name = next((r["name"] for r in rows if r["version"] == current), pack_id)
        summary = PackSummary(
            pack_id,
            pack.header.name if pack else name,
            current,
            False,
            bool(head["enabled"]),
            loaded,
            pack_counts(pack) if pack else {},
            self._skipped.get((guild_id, pack_id)) if head["enabled"] and not loaded else None,
        )
        if pack is None:
            return PackDetails(summary, "", (), None, versions)
        return PackDetails(
            summary, pack.header.description, pack.header.authors, pack.header.license, versions
        )

    async def pack_choices(self, guild_id: int, typed: str) -> list[str]:
        """Pack ids for autocomplete: the guild's uploaded packs first, then built-ins."""
        async with self.services.store.connect() as conn:
            own = await content_rows.pack_ids(conn, guild_id)
        builtin = [p.id for p in self.services.catalog.builtin_packs]
        needle = typed.strip().lower()
        return [i for i in dict.fromkeys([*own, *builtin]) if needle in i][:25]

    async def version_choices(self, guild_id: int, pack_id: str, typed: str) -> list[str]:
        """Stored versions of a pack for autocomplete, newest first."""
        async with self.services.store.connect() as conn:
            rows = await content_rows.versions(conn, guild_id, pack_id)
        found = sorted((r["version"] for r in rows), key=semver_key, reverse=True)
        return [v for v in found if typed.strip() in v][:25]

    def _unknown(self, pack_id: str) -> NotFoundError:
        return NotFoundError(
            f"This server has no pack `{pack_id[:64]}`. `/content list` shows the packs."
        )

    def _builtin_refusal(self, pack_id: str, action: str) -> UserFacingError | None:
        if any(p.id == pack_id for p in self.services.catalog.builtin_packs):
            return UserFacingError(
                f"`{pack_id}` is a built-in pack: it comes from the bot's own files and cannot "
                f"be {action} per server. The server owner's operator can change the files and "
                "run `/content reload`."
            )
        return None

    # --- enable / disable ---------------------------------------------------------------
    async def set_enabled(
        self, guild_id: int, user_id: int, pack_id: str, enabled: bool
    ) -> ToggleResult:
        """Enable or disable an uploaded pack; the guild's catalog changes at once.

        Disabling is refused (nothing changes) when other packs of the guild use its
        skills or tracks: the error names each reference by file and line.
        """
        registry = self.services.catalog
        if any(p.id == pack_id for p in registry.builtin_packs):
            return await self._set_builtin_enabled(guild_id, user_id, pack_id, enabled)
        async with self._locks[guild_id]:
            async with self.services.store.connect() as conn:
                head = await content_rows.head(conn, guild_id, pack_id)
                if head is None:
                    raise self._unknown(pack_id)
                pack = await self._stored_pack(conn, guild_id, head) if enabled else None
            current = registry.guild_packs(guild_id)
            loaded = any(p.id == pack_id for p in current)
            # Enabling an enabled pack that could not be loaded at start tries again.
            if bool(head["enabled"]) == enabled and (loaded or not enabled):
                counts = registry.for_guild(guild_id).counts()
                return ToggleResult(pack_id, enabled, False, counts)
            if enabled:
                if pack is None:
                    raise UserFacingError(
                        f"The stored version of `{pack_id}` no longer validates; upload a "
                        "fixed version instead."
                    )
                packs = _replace(current, pack)
                heading = (
                    f"Enabling `{pack_id}` would break this server's catalog — nothing changed"
                )
            else:
                packs = _without(current, pack_id)
                heading = (
                    f"Disabling `{pack_id}` would leave references dangling in this server's "
                    "other packs — nothing changed"
                )
            now = self.services.clock.now()

            async def write(conn: AsyncConnection) -> None:
                await content_rows.set_enabled(
                    conn,
                    guild_id,
                    pack_id,
                    enabled=enabled,
                    user_id=user_id,
                    now=now,
                )

            await self._swap(guild_id, packs, write, heading)
            self._skipped.pop((guild_id, pack_id), None)
        log.info("guild %s: pack %s %s by %s", guild_id, pack_id, enabled, user_id)
        return ToggleResult(pack_id, enabled, True, registry.for_guild(guild_id).counts())

    async def _set_builtin_enabled(
        self, guild_id: int, user_id: int, pack_id: str, enabled: bool
    ) -> ToggleResult:
        """Switch a built-in pack off or back on for this guild only (refused, with the
        references named, when the guild's other packs depend on it)."""
        registry = self.services.catalog
        async with self._locks[guild_id]:
            current = registry.disabled_builtin(guild_id)
            wanted = current - {pack_id} if enabled else current | {pack_id}
            if wanted == current:
                return ToggleResult(pack_id, enabled, False, registry.for_guild(guild_id).counts())
            now = self.services.clock.now()
            heading = (
                f"Switching off built-in `{pack_id}` would leave references dangling in this "
                "server's other packs — nothing changed"
            )
            swapped = False
            try:
                async with self.services.store.begin() as conn:
                    await content_rows.set_builtin_disabled(
                        conn, guild_id, pack_id, disabled=not enabled, user_id=user_id, now=now
                    )
                    await asyncio.to_thread(registry.set_builtin_disabled, guild_id, sorted(wanted))
                    swapped = True
            except PackError as exc:
                raise refusal(heading, exc) from None
            except BaseException:
                if swapped:  # the commit failed after the swap: put the old choice back
                    registry.set_builtin_disabled(guild_id, sorted(current))
                raise
        log.info("guild %s: built-in %s enabled=%s by %s", guild_id, pack_id, enabled, user_id)
        return ToggleResult(pack_id, enabled, True, registry.for_guild(guild_id).counts())

    # --- rollback -------------------------------------------------------------------------
    async def rollback(
        self, guild_id: int, user_id: int, pack_id: str, version: str | None = None
    ) -> RollbackResult:
        """Make an earlier stored version current: the one before the current version (by
        semver), or ``version``. Any stored version may be named, so a rollback can be
        undone by naming the newer version."""
        refused = self._builtin_refusal(pack_id, "rolled back")
        if refused is not None:
            raise refused
        registry = self.services.catalog
        async with self._locks[guild_id]:
            async with self.services.store.connect() as conn:
                head = await content_rows.head(conn, guild_id, pack_id)
                if head is None:
                    raise self._unknown(pack_id)
                rows = await content_rows.versions(conn, guild_id, pack_id)
                old = await self._stored_pack(conn, guild_id, head)
                current = str(head["current_version"])
                target = self._rollback_target(pack_id, current, rows, version)
                row = await content_rows.version(conn, guild_id, pack_id, target)
                assert row is not None
            try:
                pack = await asyncio.to_thread(
                    parse_pack, str(row["source"]).encode("utf-8"), stored_label(pack_id, target)
                )
            except PackError as exc:
                raise refusal(
                    f"Version {target} of `{pack_id}` no longer validates — nothing changed", exc
                ) from None
            enabled = bool(head["enabled"])
            packs = (
                _replace(registry.guild_packs(guild_id), pack)
                if enabled
                else list(registry.guild_packs(guild_id))
            )
            now = self.services.clock.now()

            async def write(conn: AsyncConnection) -> None:
                await content_rows.set_current(
                    conn,
                    guild_id,
                    pack_id,
                    target,
                    enabled=enabled,
                    user_id=user_id,
                    now=now,
                )

            await self._swap(
                guild_id,
                packs,
                write,
                f"Version {target} of `{pack_id}` does not fit with this server's packs — "
                "nothing changed",
            )
            if enabled:
                self._skipped.pop((guild_id, pack_id), None)
        log.info("guild %s: pack %s rolled back %s -> %s", guild_id, pack_id, current, target)
        return RollbackResult(pack_id, current, target, diff_packs(old, pack), enabled)

    @staticmethod
    def _rollback_target(
        pack_id: str, current: str, rows: Sequence[dict[str, Any]], version: str | None
    ) -> str:
        stored = [str(r["version"]) for r in rows]
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

    # --- export ---------------------------------------------------------------------------
    async def export(self, guild_id: int, pack_id: str, version: str | None = None) -> ExportedPack:
        """The YAML of an uploaded pack's current (or named) version, byte for byte as
        uploaded; for a built-in pack, its file (if unchanged since it was loaded)."""
        builtin = next((p for p in self.services.catalog.builtin_packs if p.id == pack_id), None)
        if builtin is not None:
            return await asyncio.to_thread(self._export_builtin, builtin)
        async with self.services.store.connect() as conn:
            head = await content_rows.head(conn, guild_id, pack_id)
            if head is None:
                raise self._unknown(pack_id)
            wanted = version.strip() if version else str(head["current_version"])
            row = await content_rows.version(conn, guild_id, pack_id, wanted)
        if row is None:
            raise UserFacingError(f"`{pack_id}` has no stored version {wanted[:VERSION_MAX]}.")
        return ExportedPack(
            f"{pack_id}-{wanted}.yaml"[:FILENAME_MAX],
            str(row["source"]).encode("utf-8"),
            pack_id,
            wanted,
            False,
        )

    def _export_builtin(self, pack: Pack) -> ExportedPack:
        path = self.services.settings.content_dir / pack.source
        try:
            data = path.read_bytes()
        except OSError:
            raise UserFacingError(
                f"The file of built-in pack `{pack.id}` cannot be read any more."
            ) from None
        if hashlib.sha256(data).hexdigest() != pack.checksum:
            raise UserFacingError(
                f"The file of built-in pack `{pack.id}` changed on disk since it was loaded; "
                "run `/content reload` first."
            )
        return ExportedPack(pack.source, data, pack.id, pack.version, True)

    # --- reload built-ins -----------------------------------------------------------------
    async def reload_builtin(self) -> ReloadResult:
        """Re-read the built-in packs from ``settings.content_dir`` for every guild.

        All or nothing: an invalid file, or a clash with any guild's uploaded packs, leaves
        the old built-ins in place and lists every problem.
        """
        registry = self.services.catalog
        async with self._reload_lock:
            try:
                packs = await asyncio.to_thread(load_pack_dir, self.services.settings.content_dir)
                before = {p.id: p.checksum for p in registry.builtin_packs}
                await asyncio.to_thread(registry.replace_builtin, packs)
            except PackError as exc:
                raise refusal(
                    "The built-in packs were not reloaded — nothing changed", exc
                ) from None
        after = {p.id: p.checksum for p in packs}
        log.info("built-in packs reloaded: %s packs", len(packs))
        return ReloadResult(
            packs=len(packs),
            added=tuple(sorted(after.keys() - before.keys())),
            changed=tuple(sorted(i for i in after.keys() & before.keys() if after[i] != before[i])),
            removed=tuple(sorted(before.keys() - after.keys())),
            counts=registry.builtin.counts(),
        )
