"""Uploads in two steps: a preview (validated, diffed, kept in memory) and a confirmation.

A preview is kept under a short random token for :data:`PREVIEW_TTL`. A restart forgets
pending previews, so a stale Confirm button answers "this preview expired" and never applies
an old or different pack.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.catalog import CatalogRegistry, Pack, PackError, diff_packs, parse_pack
from bot.content import store as content_rows
from bot.content.rules import (
    PENDING_PER_MEMBER,
    PREVIEW_TTL,
    check_new_version,
    check_upload,
    check_uploaded_pack,
    pack_counts,
    preview_expired,
    refusal,
    shown_filename,
    stored_label,
    with_pack,
)
from bot.content.service.guild_packs import GuildPacks, parse_stored
from bot.content.service.results import UploadPreview, UploadResult
from bot.content.store import PackHead
from bot.core.errors import UserFacingError
from bot.core.records import frozen
from bot.core.runtime import Core

log = logging.getLogger(__name__)


@frozen
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


class Uploads(GuildPacks):
    """``/content upload``: preview, confirm or cancel."""

    def __init__(self, core: Core, *, catalog: CatalogRegistry) -> None:
        """Start with no pending previews."""
        super().__init__(core, catalog=catalog)
        self._pending: dict[str, _Pending] = {}

    def check_upload(self, filename: str, size: int) -> None:
        """Refuse a file by name and size before it is downloaded."""
        check_upload(filename, size)

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
        check_upload(filename, len(data))
        filename = shown_filename(filename)
        try:
            pack = await asyncio.to_thread(parse_pack, data, filename)
        except PackError as exc:
            raise refusal(f"`{filename}` was refused — nothing was stored", exc) from None
        source = data.decode("utf-8")  # parse_pack accepted it, so it is UTF-8
        check_uploaded_pack(pack, [p.id for p in self.catalog.builtin_packs])

        async with self.store.connect() as conn:
            head, stored, old = await self._stored_state(conn, guild_id, pack.id)
        check_new_version(pack.id, pack.version, stored)

        would_be = with_pack(self.catalog.guild_packs(guild_id), pack)
        try:
            await asyncio.to_thread(self.catalog.try_guild_packs, guild_id, would_be)
        except PackError as exc:
            raise refusal(
                f"`{filename}` does not fit with this server's packs — nothing was stored", exc
            ) from None

        token: str | None = None
        expires_at: datetime | None = None
        if not dry_run:
            now = self.clock.now()
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
            expires_at = now + PREVIEW_TTL
        return UploadPreview(
            pack.id,
            pack.header.name,
            pack.version,
            filename,
            diff_packs(old, pack),
            dry_run,
            token,
            expires_at,
            pack_counts(pack),
            head is not None and not head["enabled"],
        )

    async def _stored_state(
        self, conn: AsyncConnection, guild_id: int, pack_id: str
    ) -> tuple[PackHead | None, list[str], Pack | None]:
        """What an upload of ``pack_id`` would replace: head, stored versions, current pack.

        Without a head there are no stored versions to compare with.
        """
        head = await content_rows.head(conn, guild_id, pack_id)
        stored = await content_rows.versions(conn, guild_id, pack_id)
        old = await self._stored_pack(conn, guild_id, head)
        return head, [v["version"] for v in stored] if head else [], old

    def _prune(self, now: datetime, guild_id: int, user_id: int) -> None:
        """Drop expired previews, and this moderator's oldest beyond the limit.

        A moderator keeps at most :data:`PENDING_PER_MEMBER` - 1 older previews (each holds
        up to 1 MiB of text in memory).
        """
        mine: list[_Pending] = []
        for token, pending in list(self._pending.items()):
            if preview_expired(pending.created_at, now):
                del self._pending[token]
            elif pending.guild_id == guild_id and pending.user_id == user_id:
                mine.append(pending)
        mine.sort(key=lambda p: p.created_at)
        for pending in mine[: max(0, len(mine) - PENDING_PER_MEMBER + 1)]:
            del self._pending[pending.token]

    def _take_pending(self, guild_id: int, user_id: int, token: str) -> _Pending:
        pending = self._pending.get(token)
        if pending is None or preview_expired(pending.created_at, self.clock.now()):
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

    def _drop_pending(self, guild_id: int) -> None:
        """Forget every pending preview of a guild."""
        for token, pending in list(self._pending.items()):
            if pending.guild_id == guild_id:
                del self._pending[token]

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
            try:
                pack = await asyncio.to_thread(
                    parse_stored, pending.source, pending.pack_id, pending.version
                )
            except PackError as exc:  # pragma: no cover - it validated at preview time
                raise refusal("The pack no longer validates — nothing was stored", exc) from None
            async with self.store.connect() as conn:
                head, stored, old = await self._stored_state(conn, guild_id, pending.pack_id)
            current = head["current_version"] if head else None
            if current != pending.base_version:
                self._pending.pop(token, None)
                raise UserFacingError(
                    f"`{pending.pack_id}` changed since this preview (now at version "
                    f"{current or 'none'}). Upload the file again to see the new changes."
                )
            check_new_version(pack.id, pack.version, stored)
            now = self.clock.now()

            async def write(conn: AsyncConnection) -> None:
                await content_rows.add_version(
                    conn,
                    guild_id=guild_id,
                    pack_id=pending.pack_id,
                    version=pending.version,
                    name=pending.name,
                    filename=pending.filename,
                    source=pending.source,
                    checksum=pending.checksum,
                    uploaded_by=user_id,
                    uploaded_at=now,
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
                with_pack(self.catalog.guild_packs(guild_id), pack),
                write,
                f"`{pending.filename}` could not be applied — nothing was stored",
            )
            self._pending.pop(token, None)
            self._skipped.pop((guild_id, pending.pack_id), None)
        label = stored_label(pending.pack_id, pending.version)
        log.info("guild %s: pack %s stored and applied by %s", guild_id, label, user_id)
        return UploadResult(pending.pack_id, pending.version, current, diff_packs(old, pack))
