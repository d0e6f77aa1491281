"""A guild's stored packs and its catalog, kept in step: the base every content operation uses.

A guild's catalog is the built-in packs plus the guild's enabled packs (the current stored
version of each). Every change follows the same order, so the database and the in-memory
catalog never disagree:

1. open a transaction and write the rows;
2. swap the guild's catalog with ``CatalogRegistry.set_guild_packs`` (it builds the merged
   catalog first and raises :class:`PackError` without changing anything when the packs do
   not fit together) — an error here rolls the transaction back, so nothing is stored;
3. commit; should the commit itself fail, the previous packs are put back.

Changes to one guild are serialised by a per-guild lock, so two moderators cannot undo each
other's swap.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from functools import partial

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.catalog import CatalogRegistry, Pack, PackError, parse_pack
from bot.content import store as content_rows
from bot.content.rules import refusal, stored_label
from bot.content.store import PackHead
from bot.core.changes import CONTENT
from bot.core.errors import NotFoundError, UserFacingError
from bot.core.runtime import Core

log = logging.getLogger(__name__)

Write = Callable[[AsyncConnection], Awaitable[None]]


def parse_stored(source: str, pack_id: str, version: str) -> Pack:
    """A stored version's text parsed again (raises PackError when it no longer validates)."""
    return parse_pack(source.encode("utf-8"), stored_label(pack_id, version))


class GuildPacks:
    """What every content operation shares: locks, skipped packs, the swap, lookups."""

    def __init__(self, core: Core, *, catalog: CatalogRegistry) -> None:
        """Keep the core's store, clock and settings, and the catalog registry."""
        self.store = core.store
        self.clock = core.clock
        self.settings = core.settings
        self.changes = core.changes
        self.catalog = catalog
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        # (guild, pack id) -> why an enabled stored pack could not be loaded at start.
        self._skipped: dict[tuple[int, str], str] = {}
        self._reload_lock = asyncio.Lock()  # one reload of the built-in packs at a time

    # --- loading at start ----------------------------------------------------------------
    async def _load_stored(self) -> None:
        """Load every guild's switched-off built-ins and enabled packs into the registry.

        A stored pack that no longer validates (a built-in changed under it, a clash with a
        new built-in id) is logged and skipped; it stays stored and enabled, and `/content
        list` says why it is not loaded.
        """
        async with self.store.connect() as conn:
            rows = await content_rows.enabled_current(conn)
            switched_off = await content_rows.disabled_builtins(conn)
        builtin_ids = {p.id for p in self.catalog.builtin_packs}
        for guild_id, pack_ids in switched_off.items():
            try:
                self.catalog.set_builtin_disabled(guild_id, sorted(pack_ids & builtin_ids))
            except PackError as exc:
                log.warning(
                    "guild %s: its switched-off built-in packs no longer fit; all built-ins "
                    "stay on: %s",
                    guild_id,
                    exc.format(limit=3),
                )
        by_guild: defaultdict[int, list[content_rows.EnabledSource]] = defaultdict(list)
        for row in rows:
            by_guild[int(row["guild_id"])].append(row)
        for guild_id, guild_rows in by_guild.items():
            packs = await asyncio.to_thread(self._parse_rows, guild_id, guild_rows)
            await self._load_guild(guild_id, packs)

    async def reload_guild(self, guild_id: int) -> None:
        """Load a guild's packs again from the database: another process changed them."""
        async with self._locks[guild_id]:
            async with self.store.connect() as conn:
                rows = await content_rows.enabled_current(conn, guild_id)
                switched_off = (await content_rows.disabled_builtins(conn)).get(guild_id, set())
            builtin_ids = {p.id for p in self.catalog.builtin_packs}
            for key in [k for k in self._skipped if k[0] == guild_id]:
                del self._skipped[key]
            try:
                self.catalog.set_builtin_disabled(guild_id, sorted(switched_off & builtin_ids))
            except PackError as exc:
                log.warning("guild %s: switched-off built-ins no longer fit: %s", guild_id, exc)
            packs = await asyncio.to_thread(self._parse_rows, guild_id, rows)
            await self._load_guild(guild_id, packs)

    def _parse_rows(self, guild_id: int, rows: Sequence[content_rows.EnabledSource]) -> list[Pack]:
        packs: list[Pack] = []
        for row in rows:
            pack_id, version = str(row["pack_id"]), str(row["version"])
            try:
                packs.append(parse_stored(str(row["source"]), pack_id, version))
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
        registry = self.catalog
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

    # --- the one way a guild's packs change ------------------------------------------------
    async def _swap(self, guild_id: int, packs: Sequence[Pack], write: Write, heading: str) -> None:
        """Write rows and swap the guild's packs as one unit (see the module docstring)."""
        previous = self.catalog.guild_packs(guild_id)
        await self._apply(
            guild_id,
            write,
            partial(self.catalog.set_guild_packs, guild_id, packs),
            partial(self.catalog.set_guild_packs, guild_id, previous),
            heading,
        )

    async def _apply(
        self,
        guild_id: int,
        write: Write,
        change: Callable[[], object],
        undo: Callable[[], object],
        heading: str,
    ) -> None:
        """Write rows, then change the registry inside the same transaction.

        A PackError from the change rolls the rows back (refused under ``heading``); a
        failed commit undoes the change. The change feed tells the other processes on the
        database (the bot, the web dashboard) to reload the guild's packs.
        """
        changed = False
        try:
            async with self.store.begin() as conn:
                await write(conn)
                await self.changes.publish(guild_id, CONTENT, conn)
                await asyncio.to_thread(change)
                changed = True
        except PackError as exc:
            raise refusal(heading, exc) from None
        except BaseException:
            if changed:  # the commit failed after the change: put the old state back
                undo()
            raise

    # --- lookups ---------------------------------------------------------------------------
    async def _stored_pack(
        self, conn: AsyncConnection, guild_id: int, head: PackHead | None
    ) -> Pack | None:
        """The current version of a stored pack, as loaded or parsed from its text.

        None if there is none or it no longer parses.
        """
        if head is None:
            return None
        pack_id, version = str(head["pack_id"]), str(head["current_version"])
        loaded = self._loaded(guild_id, pack_id)
        if loaded is not None and loaded.version == version:
            return loaded
        row = await content_rows.version(conn, guild_id, pack_id, version)
        if row is None:  # pragma: no cover - the foreign key keeps the version
            return None
        try:
            return await asyncio.to_thread(parse_stored, str(row["source"]), pack_id, version)
        except PackError:
            return None

    async def _head(self, conn: AsyncConnection, guild_id: int, pack_id: str) -> PackHead:
        """The guild's uploaded pack ``pack_id``; refused when there is none."""
        head = await content_rows.head(conn, guild_id, pack_id)
        if head is None:
            raise NotFoundError(
                f"This server has no pack `{pack_id[:64]}`. `/content list` shows the packs."
            )
        return head

    def _loaded(self, guild_id: int, pack_id: str) -> Pack | None:
        """The guild's uploaded pack ``pack_id`` as it is in the catalog now, if it is."""
        return next((p for p in self.catalog.guild_packs(guild_id) if p.id == pack_id), None)

    def _builtin(self, pack_id: str) -> Pack | None:
        """The built-in pack ``pack_id``, if it is one."""
        return next((p for p in self.catalog.builtin_packs if p.id == pack_id), None)

    def _refuse_builtin(self, pack_id: str, action: str) -> None:
        if self._builtin(pack_id) is not None:
            raise UserFacingError(
                f"`{pack_id}` is a built-in pack: it comes from the bot's own files and cannot "
                f"be {action} per server. The server owner's operator can change the files and "
                "run `/content reload`."
            )

    def _problem(self, guild_id: int, pack_id: str, *, enabled: bool, loaded: bool) -> str | None:
        """Why an enabled stored pack is not loaded (None when it is, or is disabled)."""
        return self._skipped.get((guild_id, pack_id)) if enabled and not loaded else None
