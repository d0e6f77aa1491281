"""Moderator-uploaded content packs: store, versions, enable/disable, rollback (issue 4).

`ContentService` is the interface `/content` and the app use. It is split by concern:
`guild_packs` (the guild's stored packs and catalog kept in step, the one swap), `uploads`
(preview and confirm), `switches` (enable, disable, rollback, reload the built-ins) and
`reading` (listings, details, exports); `results` holds what it returns.
"""

from __future__ import annotations

from bot.catalog import CatalogRegistry
from bot.content import store as content_rows
from bot.content.service.reading import Reading
from bot.content.service.results import (
    ExportedPack,
    PackDetails,
    PackSummary,
    PackVersion,
    ReloadResult,
    RollbackResult,
    ToggleResult,
    UploadPreview,
    UploadResult,
)
from bot.content.service.switches import Switches
from bot.content.service.uploads import Uploads
from bot.core.runtime import Core

__all__ = [
    "ContentService",
    "ExportedPack",
    "PackDetails",
    "PackSummary",
    "PackVersion",
    "ReloadResult",
    "RollbackResult",
    "ToggleResult",
    "UploadPreview",
    "UploadResult",
]


class ContentService(Uploads, Switches, Reading):
    """Uploaded packs per guild; the interface `/content` and other features call."""

    def __init__(self, core: Core, *, catalog: CatalogRegistry) -> None:
        """Built once in the wiring: the core (store, clock, settings) and the catalogs."""
        super().__init__(core, catalog=catalog)

    async def start(self) -> None:
        """Load every guild's enabled packs (and switched-off built-ins) into the catalog."""
        await self._load_stored()

    async def forget_guild(self, guild_id: int) -> None:
        """Delete a guild's stored packs and drop them from the catalog.

        For when the bot left the guild for good (the retention purge).
        """
        async with self._locks[guild_id]:
            async with self.store.begin() as conn:
                await content_rows.forget_guild(conn, guild_id)
            self.catalog.forget_guild(guild_id)
            self._drop_pending(guild_id)
            for key in [k for k in self._skipped if k[0] == guild_id]:
                del self._skipped[key]
