"""Which packs are live: enable and disable (uploaded or built-in), roll back, reload built-ins."""

from __future__ import annotations

import asyncio
import logging
from functools import partial

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.catalog import PackError, diff_packs, load_pack_dir
from bot.content import store as content_rows
from bot.content.rules import (
    checksum_changes,
    refusal,
    rollback_target,
    with_pack,
    without_pack,
)
from bot.content.service.guild_packs import GuildPacks, parse_stored
from bot.content.service.results import ReloadResult, RollbackResult, ToggleResult
from bot.core.errors import UserFacingError

log = logging.getLogger(__name__)


class Switches(GuildPacks):
    """``/content enable·disable·rollback·reload``."""

    async def set_enabled(
        self, guild_id: int, user_id: int, pack_id: str, enabled: bool
    ) -> ToggleResult:
        """Enable or disable a pack for this guild; the guild's catalog changes at once.

        Disabling is refused (nothing changes) when other packs of the guild use its
        skills or tracks: the error names each reference by file and line.
        """
        if self._builtin(pack_id) is not None:
            return await self._set_builtin_enabled(guild_id, user_id, pack_id, enabled)
        async with self._locks[guild_id]:
            async with self.store.connect() as conn:
                head = await self._head(conn, guild_id, pack_id)
                pack = await self._stored_pack(conn, guild_id, head) if enabled else None
            current = self.catalog.guild_packs(guild_id)
            loaded = self._loaded(guild_id, pack_id) is not None
            # Enabling an enabled pack that could not be loaded at start tries again.
            if bool(head["enabled"]) == enabled and (loaded or not enabled):
                return self._toggled(guild_id, pack_id, enabled, False)
            if enabled:
                if pack is None:
                    raise UserFacingError(
                        f"The stored version of `{pack_id}` no longer validates; upload a "
                        "fixed version instead."
                    )
                packs = with_pack(current, pack)
                heading = (
                    f"Enabling `{pack_id}` would break this server's catalog — nothing changed"
                )
            else:
                packs = without_pack(current, pack_id)
                heading = (
                    f"Disabling `{pack_id}` would leave references dangling in this server's "
                    "other packs — nothing changed"
                )
            now = self.clock.now()

            async def write(conn: AsyncConnection) -> None:
                await content_rows.set_enabled(
                    conn, guild_id, pack_id, enabled=enabled, user_id=user_id, now=now
                )

            await self._swap(guild_id, packs, write, heading)
            self._skipped.pop((guild_id, pack_id), None)
        log.info("guild %s: pack %s %s by %s", guild_id, pack_id, enabled, user_id)
        return self._toggled(guild_id, pack_id, enabled, True)

    async def _set_builtin_enabled(
        self, guild_id: int, user_id: int, pack_id: str, enabled: bool
    ) -> ToggleResult:
        """Switch a built-in pack off or back on for this guild only.

        Refused, with the references named, when the guild's other packs depend on it.
        """
        registry = self.catalog
        async with self._locks[guild_id]:
            current = registry.disabled_builtin(guild_id)
            wanted = current - {pack_id} if enabled else current | {pack_id}
            if wanted == current:
                return self._toggled(guild_id, pack_id, enabled, False)
            now = self.clock.now()

            async def write(conn: AsyncConnection) -> None:
                await content_rows.set_builtin_disabled(
                    conn, guild_id, pack_id, disabled=not enabled, user_id=user_id, now=now
                )

            await self._apply(
                guild_id,
                write,
                partial(registry.set_builtin_disabled, guild_id, sorted(wanted)),
                partial(registry.set_builtin_disabled, guild_id, sorted(current)),
                f"Switching off built-in `{pack_id}` would leave references dangling in this "
                "server's other packs — nothing changed",
            )
        log.info("guild %s: built-in %s enabled=%s by %s", guild_id, pack_id, enabled, user_id)
        return self._toggled(guild_id, pack_id, enabled, True)

    def _toggled(self, guild_id: int, pack_id: str, enabled: bool, changed: bool) -> ToggleResult:
        return ToggleResult(pack_id, enabled, changed, self.catalog.for_guild(guild_id).counts())

    async def rollback(
        self, guild_id: int, user_id: int, pack_id: str, version: str | None = None
    ) -> RollbackResult:
        """Make an earlier stored version current, or the stored ``version`` named.

        Without ``version``, the one before the current version (by semver). Any stored
        version may be named, so a rollback can be undone by naming the newer version.
        """
        self._refuse_builtin(pack_id, "rolled back")
        async with self._locks[guild_id]:
            async with self.store.connect() as conn:
                head = await self._head(conn, guild_id, pack_id)
                rows = await content_rows.versions(conn, guild_id, pack_id)
                old = await self._stored_pack(conn, guild_id, head)
                current = str(head["current_version"])
                target = rollback_target(pack_id, current, [r["version"] for r in rows], version)
                row = await content_rows.version(conn, guild_id, pack_id, target)
                assert row is not None
            try:
                pack = await asyncio.to_thread(parse_stored, str(row["source"]), pack_id, target)
            except PackError as exc:
                raise refusal(
                    f"Version {target} of `{pack_id}` no longer validates — nothing changed", exc
                ) from None
            enabled = bool(head["enabled"])
            packs = self.catalog.guild_packs(guild_id)
            now = self.clock.now()

            async def write(conn: AsyncConnection) -> None:
                await content_rows.set_current(
                    conn, guild_id, pack_id, target, enabled=enabled, user_id=user_id, now=now
                )

            await self._swap(
                guild_id,
                with_pack(packs, pack) if enabled else list(packs),
                write,
                f"Version {target} of `{pack_id}` does not fit with this server's packs — "
                "nothing changed",
            )
            if enabled:
                self._skipped.pop((guild_id, pack_id), None)
        log.info("guild %s: pack %s rolled back %s -> %s", guild_id, pack_id, current, target)
        return RollbackResult(pack_id, current, target, diff_packs(old, pack), enabled)

    async def reload_builtin(self) -> ReloadResult:
        """Re-read the built-in packs from ``settings.content_dir`` for every guild.

        All or nothing: an invalid file, or a clash with any guild's uploaded packs, leaves
        the old built-ins in place and lists every problem.
        """
        registry = self.catalog
        async with self._reload_lock:
            try:
                packs = await asyncio.to_thread(load_pack_dir, self.settings.content_dir)
                before = {p.id: p.checksum for p in registry.builtin_packs}
                await asyncio.to_thread(registry.replace_builtin, packs)
            except PackError as exc:
                raise refusal(
                    "The built-in packs were not reloaded — nothing changed", exc
                ) from None
        added, changed, removed = checksum_changes(before, {p.id: p.checksum for p in packs})
        log.info("built-in packs reloaded: %s packs", len(packs))
        return ReloadResult(len(packs), added, changed, removed, registry.builtin.counts())
