"""A member owns their data: export it, delete it, and it goes when they leave.

Departed members' data is kept for the retention period (rejoining before it ends keeps
everything), then purged by a daily job; a guild that removed the bot likewise.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

from bot.members import guild_store as guild_rows
from bot.members import store as member_rows
from bot.privacy import store as privacy_rows
from bot.wiring import FeatureService

log = logging.getLogger(__name__)

PURGE_JOB = "retention-purge"


class PrivacyService(FeatureService):
    async def start(self) -> None:
        # Every 6 hours in production; tests and the sandbox call purge_expired() directly.
        self.services.scheduler.add_interval(PURGE_JOB, self.purge_expired, seconds=6 * 3600)
        await self.purge_expired()

    async def export(self, guild_id: int, user_id: int) -> bytes:
        async with self.services.store.connect() as conn:
            data = await privacy_rows.export_member(conn, guild_id, user_id)
        document: dict[str, Any] = {
            "about": "Everything studybot stores about you in this server.",
            "guild_id": guild_id,
            "user_id": user_id,
            "exported_at": self.services.clock.now().isoformat(),
            "tables": data,
        }
        return json.dumps(document, indent=2, sort_keys=True, default=str).encode("utf-8")

    async def delete(self, guild_id: int, user_id: int) -> int:
        async with self.services.store.begin() as conn:
            removed = await privacy_rows.delete_members(conn, guild_id, [user_id])
        log.info("deleted %s rows for a member of guild %s on request", removed, guild_id)
        return removed

    async def member_left(self, guild_id: int, user_id: int) -> None:
        async with self.services.store.begin() as conn:
            await member_rows.set_left(conn, guild_id, user_id, self.services.clock.now())

    async def member_returned(self, guild_id: int, user_id: int) -> None:
        async with self.services.store.begin() as conn:
            await member_rows.set_left(conn, guild_id, user_id, None)

    async def guild_removed(self, guild_id: int) -> None:
        async with self.services.store.begin() as conn:
            await guild_rows.set_removed(conn, guild_id, self.services.clock.now())

    async def guild_returned(self, guild_id: int) -> None:
        async with self.services.store.begin() as conn:
            await guild_rows.set_removed(conn, guild_id, None)

    async def purge_expired(self) -> int:
        """Delete data of members and guilds gone longer than the retention period."""
        cutoff = self.services.clock.now() - timedelta(days=self.services.settings.retention_days)
        removed = 0
        async with self.services.store.begin() as conn:
            for guild_id, user_ids in (await member_rows.departed_before(conn, cutoff)).items():
                removed += await privacy_rows.delete_members(conn, guild_id, user_ids)
            gone = await guild_rows.removed_before(conn, cutoff)
            for guild_id in gone:
                removed += await privacy_rows.delete_guild(conn, guild_id)
        for guild_id in gone:
            self.services.catalog.forget_guild(guild_id)
        if removed:
            log.info("retention purge removed %s rows", removed)
        return removed
