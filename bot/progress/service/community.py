"""Community days: who posted in the server on which of their days (never what).

Messages are counted in `community_days` (one counter row per member per local day, capped),
not as activity rows: a busy channel costs one read and one upsert per message and never
multiplies rows. `bot.progress.store.community_days` merges those counters with activity of
kind `community` (pairing, public check-ins, `/log kind:community`) for the isolation rule.
"""

from __future__ import annotations

from bot.core.runtime import Core
from bot.members.api import MemberService
from bot.progress import rules
from bot.progress import store as rows
from bot.progress.service.shared import ProgressPrefs


class Community:
    """The community message counter and the members' opt-out of it."""

    def __init__(self, core: Core, *, members: MemberService, prefs: ProgressPrefs) -> None:
        """`members` gives the member's local day; `prefs` holds the opt-out."""
        self.store = core.store
        self.members = members
        self.prefs = prefs
        # guild -> members who turned community tracking off; loaded on a guild's first
        # message, kept current by `set_tracking` (the only writer).
        self._opt_outs: dict[int, set[int]] = {}

    async def _tracking_opt_outs(self, guild_id: int) -> set[int]:
        cached = self._opt_outs.get(guild_id)
        if cached is None:
            async with self.store.connect() as conn:
                cached = await rows.tracking_opt_outs(conn, guild_id)
            self._opt_outs[guild_id] = cached
        return cached

    async def count_message(self, guild_id: int, user_id: int) -> bool:
        """Count one message toward the member's community day. Returns True if counted."""
        if user_id in await self._tracking_opt_outs(guild_id):
            return False
        context = await self.members.context(guild_id, user_id)
        async with self.store.begin() as conn:
            return await rows.bump_community(
                conn, guild_id, user_id, context.today, context.now, rules.COMMUNITY_DAILY_CAP
            )

    async def set_tracking(self, guild_id: int, user_id: int, enabled: bool) -> bool:
        """`/settings tracking`: count the member's messages or stop counting them."""
        await self.prefs.save(guild_id, user_id, tracking=enabled)
        opt_outs = await self._tracking_opt_outs(guild_id)
        if enabled:
            opt_outs.discard(user_id)
        else:
            opt_outs.add(user_id)
        return enabled
