"""Every table has a privacy decision, and guild removal purges after the retention period."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from bot.core.clock import FakeClock
from bot.core.store import Store
from bot.core.store.reminders import occurrence_key
from bot.core.store.schema import deliveries
from bot.members.service.guilds import GuildService
from bot.members.service.profiles import MemberService
from bot.privacy import store as privacy_rows
from bot.projects import store as project_rows
from bot.projects.rules import DEFAULT_MILESTONES
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


async def test_an_export_lists_rows_in_key_order_after_updates(
    store: Store, clock: FakeClock
) -> None:
    """The same data exports the same way on every backend (PostgreSQL moves an updated row
    to the end of its storage order)."""
    made = []
    async with store.begin() as conn:
        for title in ("First", "Second", "Third"):
            made.append(
                await project_rows.create(
                    conn,
                    guild_id=1,
                    user_id=9,
                    title=title,
                    domain="nlp",
                    goal="ship it",
                    target_date=date(2026, 5, 1),
                    link=None,
                    idea_id=None,
                    milestones=DEFAULT_MILESTONES,
                    now=clock.now(),
                )
            )
        for project in (made[1], made[0]):
            await project_rows.update_project(
                conn, 1, project, clock.now(), last_checkin_at=clock.now()
            )
        exported = await privacy_rows.export_member(conn, 1, 9)
    assert [row["id"] for row in exported["projects"]] == sorted(made)
    milestones = [(r["project_id"], r["position"]) for r in exported["project_milestones"]]
    assert milestones == sorted(milestones)


async def test_deleting_a_member_removes_their_ledger_keys_of_every_form(store: Store) -> None:
    guild, member, other = 7, 42, 4242  # `other` starts with `member`'s digits
    when = "2026-03-02 19:00:00.000000"
    keys = {
        occurrence_key("streak", guild, member, when): True,  # a reminder: member last
        f"streak:{guild}:{member}:{when}": True,  # the same, written before migration 0017
        f"nudge:{guild}:{member}:tutorial_hell:2026-03-02": True,
        occurrence_key("streak", guild, other, when): False,
        f"nudge:{guild}:{other}:tutorial_hell:2026-03-02": False,
        f"daily:{guild}:2026-03-02": False,
    }
    at = datetime(2026, 3, 2, 19, 0, tzinfo=UTC)
    async with store.begin() as conn:
        await conn.execute(
            deliveries.insert(),
            [
                {"key": key, "guild_id": guild, "kind": "k", "status": "sent", "created_at": at}
                for key in keys
            ],
        )
        await privacy_rows.delete_members(conn, guild, [member])
    async with store.connect() as conn:
        left = set((await conn.execute(select(deliveries.c.key))).scalars())
    assert left == {key for key, theirs in keys.items() if not theirs}
