"""Every table has a privacy decision, and guild removal purges after the retention period."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.core.clock import FakeClock
from bot.core.store import Store
from bot.members.service.guilds import GuildService
from bot.members.service.profiles import MemberService
from bot.privacy import store as privacy_rows
from bot.tables import metadata


def test_every_table_is_classified_for_export_and_deletion() -> None:
    # A table added later must either be member data (guild_id + a member column, so export
    # and delete cover it) or be declared non-member data in bot/privacy/store.py.
    assert privacy_rows.unclassified_tables() == []
    for table in privacy_rows.member_tables():
        assert "guild_id" in table.c and privacy_rows.member_columns(table)


async def test_removed_guild_is_purged_after_retention(store: Store, clock: FakeClock) -> None:
    guilds = GuildService(store, clock)
    members = MemberService(store, clock)
    await guilds.set_moderator_role(1, 5)
    await members.set_timezone(1, 9, "Europe/Berlin")
    await members.set_timezone(2, 9, "Europe/Berlin")
    async with store.begin() as conn:
        from bot.members import guild_store as guild_rows

        await guild_rows.set_removed(conn, 1, clock.now())
        clock.advance(timedelta(days=31))
        gone = await guild_rows.removed_before(conn, clock.now() - timedelta(days=30))
        assert gone == [1]
        assert await privacy_rows.delete_guild(conn, 1) >= 2
    async with store.connect() as conn:
        for table in metadata.sorted_tables:
            if "guild_id" in table.c:
                count = (
                    await conn.execute(
                        select(func.count()).select_from(table).where(table.c.guild_id == 1)
                    )
                ).scalar()
                assert count == 0, table.name
    assert (await members.profile(2, 9)).timezone == "Europe/Berlin"
