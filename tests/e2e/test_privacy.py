"""Privacy through the fake Discord: export, delete with confirmation, retention on leave."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import insert, select

from bot.core.store.schema import deliveries
from bot.core.time import instant_key
from bot.privacy import store as privacy_rows
from bot.sandbox import Sandbox
from tests.e2e.conftest import bot_of


async def _study(sb: Sandbox, name: str) -> int:
    member = sb.member(name)
    mod = sb.member("morgan", moderator=True)
    await sb.slash(mod, "setup channels", daily="daily")
    await sb.slash(mod, "daily post-now")
    post = next(m for m in sb.channel("daily").messages if m.embeds)
    await sb.click(member, post, "Done")
    await sb.slash(member, "settings timezone", zone="Europe/Berlin")
    return member.id


async def _rows_about(sb: Sandbox, user_id: int) -> int:
    services = bot_of(sb).services
    total = 0
    async with services.core.store.connect() as conn:
        for table in privacy_rows.member_tables():
            cols = privacy_rows.member_columns(table)
            for col in cols:
                rows = await conn.execute(select(table).where(table.c[col] == user_id))
                total += len(rows.fetchall())
    return total


async def test_export_contains_the_members_rows_and_nobody_elses(sb: Sandbox) -> None:
    alice_id = await _study(sb, "alice")
    await _study(sb, "bob")
    reply = await sb.slash(sb.member("alice"), "privacy export")
    assert reply.ephemeral or all(f.ephemeral for f in reply.followups)
    files = reply.files or [f for view in reply.followups for f in view.files]
    assert files and files[0][0].endswith(".json")
    document = json.loads(files[0][1])
    assert document["user_id"] == alice_id
    assert document["tables"]["daily_completions"]
    users = {row["user_id"] for rows in document["tables"].values() for row in rows}
    assert users == {alice_id}


async def test_delete_needs_confirmation_and_removes_everything(sb: Sandbox) -> None:
    alice_id = await _study(sb, "alice")
    bob_id = await _study(sb, "bob")
    alice = sb.member("alice")
    assert await _rows_about(sb, alice_id) > 0
    prompt = await sb.slash(alice, "privacy delete")
    assert "cannot be undone" in prompt.text
    kept = await sb.click(alice, prompt, "Keep my data")
    assert "Nothing deleted" in kept.text
    assert await _rows_about(sb, alice_id) > 0
    prompt = await sb.slash(alice, "privacy delete")
    done = await sb.click(alice, prompt, "Delete everything")
    assert "Deleted" in done.text
    assert await _rows_about(sb, alice_id) == 0
    assert await _rows_about(sb, bob_id) > 0


async def test_departed_member_is_purged_after_retention_unless_they_return(
    sb: Sandbox,
) -> None:
    alice_id = await _study(sb, "alice")
    alice = sb.member("alice")
    services = bot_of(sb).services
    await sb.member_leave(alice)
    await services.core.scheduler.advance(timedelta(days=29))
    assert await services.privacy.purge_expired() == 0
    assert await _rows_about(sb, alice_id) > 0
    # Rejoining keeps the data; leaving again restarts the clock.
    sb.guild.members[alice.id] = alice
    await sb.fake.dispatch("GUILD_MEMBER_ADD", {**alice.payload(), "guild_id": str(sb.guild.id)})
    await sb.wait_idle()
    await services.core.scheduler.advance(timedelta(days=5))
    assert await services.privacy.purge_expired() == 0
    await sb.member_leave(alice)
    await services.core.scheduler.advance(timedelta(days=31))
    assert await services.privacy.purge_expired() > 0
    assert await _rows_about(sb, alice_id) == 0


async def test_the_retention_job_forgets_reminders_delivered_long_ago(sb: Sandbox) -> None:
    """The bot's own purge job (leader only) trims the delivery ledger of its reminder
    kinds' occurrences that finished more than 90 days ago; newer ones stay."""
    services = bot_of(sb).services
    now = services.core.clock.now()
    rows = {
        f"streak:{instant_key(now - timedelta(days=days))}:{sb.guild.id}:{sb.member('alice').id}": (
            now - timedelta(days=days)
        )
        for days in (120, 30)
    }
    async with services.core.store.begin() as conn:
        for key, created in rows.items():
            await conn.execute(
                insert(deliveries).values(
                    key=key, guild_id=sb.guild.id, kind="streak", status="sent", created_at=created
                )
            )
    assert await services.privacy.purge_if_leading() >= 1
    async with services.core.store.connect() as conn:
        left = set((await conn.execute(select(deliveries.c.key))).scalars())
    old, recent = rows
    assert recent in left and old not in left
