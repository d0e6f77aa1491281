"""A member owns their data: export it, delete it, and it goes when they leave.

Departed members' data is kept for the retention period (rejoining before it ends keeps
everything), then purged by a job; a guild that removed the bot likewise. The same job trims
the delivery ledger of reminder occurrences that finished long ago.
"""

from __future__ import annotations

import json
import logging
from dataclasses import KW_ONLY
from typing import Any

from bot.catalog import CatalogRegistry
from bot.core.records import service
from bot.core.runtime import Core
from bot.members.api import (
    GuildService,
    MemberService,
    guilds_removed_before,
    members_departed_before,
)
from bot.privacy import store as privacy_rows
from bot.privacy.rules import PURGE_INTERVAL, export_csv, retention_cutoff

log = logging.getLogger(__name__)

PURGE_JOB = "retention-purge"


@service
class PrivacyService:
    """Export and delete a member's data; record leaving and returning; purge after retention."""

    core: Core
    _: KW_ONLY
    members: MemberService
    guilds: GuildService
    catalog: CatalogRegistry

    async def start(self) -> None:
        """Schedule the retention purge and purge departed members' data once now (the
        ledger trim, which nothing waits for, is left to the job: not start-up's work)."""
        # Every 6 hours in production; tests and the sandbox call purge_expired() directly.
        self.core.scheduler.add_interval(
            PURGE_JOB, self.purge_if_leading, seconds=PURGE_INTERVAL.total_seconds()
        )
        if await self.core.store.locks.lead():
            await self.purge_expired()

    async def purge_if_leading(self) -> int:
        """The scheduled purge: one process on a shared database runs it (the leader). It
        also trims the delivery ledger of long-finished reminder occurrences (any guild's:
        `Dispatcher.forget_served`). Returns the rows deleted."""
        if not await self.core.store.locks.lead():
            return 0
        removed = await self.purge_expired()
        forgotten = await self.core.dispatcher.forget_served()
        if forgotten:
            log.info("forgot %s long-finished reminder deliveries", forgotten)
        return removed + forgotten

    async def export(self, guild_id: int, user_id: int) -> bytes:
        """Everything stored about a member in a guild, as a JSON document."""
        async with self.core.store.connect() as conn:
            data = await privacy_rows.export_member(conn, guild_id, user_id)
        document: dict[str, Any] = {
            "about": "Everything studybot stores about you in this server.",
            "guild_id": guild_id,
            "user_id": user_id,
            "exported_at": self.core.clock.now().isoformat(),
            "tables": data,
        }
        return json.dumps(document, indent=2, sort_keys=True, default=str).encode("utf-8")

    async def export_csv(self, guild_id: int, user_id: int) -> bytes:
        """The same export as CSV, one line per stored value (the web dashboard's download)."""
        async with self.core.store.connect() as conn:
            data = await privacy_rows.export_member(conn, guild_id, user_id)
        return export_csv(data).encode("utf-8")

    async def delete(self, guild_id: int, user_id: int) -> int:
        """Delete every row about a member in a guild; returns the rows removed."""
        async with self.core.store.begin() as conn:
            removed = await privacy_rows.delete_members(conn, guild_id, [user_id])
        log.info("deleted %s rows for a member of guild %s on request", removed, guild_id)
        return removed

    async def member_left(self, guild_id: int, user_id: int) -> None:
        """A member left: their data goes after the retention period unless they return."""
        await self.members.set_left(guild_id, user_id, True)

    async def member_returned(self, guild_id: int, user_id: int) -> None:
        """A member (re)joined: nothing of theirs is purged."""
        await self.members.set_left(guild_id, user_id, False)

    async def guild_removed(self, guild_id: int) -> None:
        """The bot left a guild: its data goes after the retention period unless re-added."""
        await self.guilds.set_removed(guild_id, True)

    async def guild_returned(self, guild_id: int) -> None:
        """The bot joined (again): nothing of the guild is purged."""
        await self.guilds.set_removed(guild_id, False)

    async def purge_expired(self) -> int:
        """Delete data of members and guilds gone longer than the retention period."""
        cutoff = retention_cutoff(self.core.clock.now(), self.core.settings.retention_days)
        removed = 0
        async with self.core.store.begin() as conn:
            for guild_id, user_ids in (await members_departed_before(conn, cutoff)).items():
                removed += await privacy_rows.delete_members(conn, guild_id, user_ids)
            gone = await guilds_removed_before(conn, cutoff)
            for guild_id in gone:
                removed += await privacy_rows.delete_guild(conn, guild_id)
        for guild_id in gone:
            self.catalog.forget_guild(guild_id)
        if removed:
            log.info("retention purge removed %s rows", removed)
        return removed
