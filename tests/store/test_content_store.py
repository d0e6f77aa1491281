"""Stored content packs: versions are kept, one current version per pack, rollback moves it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.content import store as rows
from bot.content.rules import semver_key
from bot.core.clock import FakeClock
from bot.core.store import Store

GUILD, OTHER = 10, 20
MOD = 7


async def _add(
    store: Store, clock: FakeClock, version: str, guild: int = GUILD, pack_id: str = "club"
) -> None:
    async with store.begin() as conn:
        await rows.add_version(
            conn,
            guild_id=guild,
            pack_id=pack_id,
            version=version,
            name="Club",
            filename="club.yaml",
            source=f"pack: {version}\n",
            checksum=version.replace(".", "") * 8,
            uploaded_by=MOD,
            uploaded_at=clock.now(),
        )
        await rows.set_current(
            conn, guild, pack_id, version, enabled=True, user_id=MOD, now=clock.now()
        )
    clock.advance(timedelta(minutes=1))


async def test_versions_are_kept_and_exactly_one_is_current(store: Store, clock: FakeClock) -> None:
    for version in ("1.0.0", "1.1.0", "2.0.0"):
        await _add(store, clock, version)
    async with store.connect() as conn:
        versions = await rows.versions(conn, GUILD, "club")
        head = await rows.head(conn, GUILD, "club")
        heads = await rows.heads(conn, GUILD)
        current = await rows.enabled_current(conn)
    assert [v["version"] for v in versions] == ["1.0.0", "1.1.0", "2.0.0"]
    assert "source" not in versions[0]  # listings do not carry the text
    assert versions[0]["uploaded_by"] == MOD
    assert versions[0]["uploaded_at"].tzinfo is not None
    assert head is not None and head["current_version"] == "2.0.0" and head["enabled"]
    assert [(h["pack_id"], h["current_version"], h["name"]) for h in heads] == [
        ("club", "2.0.0", "Club")
    ]
    assert [(r["guild_id"], r["version"], r["source"]) for r in current] == [
        (GUILD, "2.0.0", "pack: 2.0.0\n")
    ]


async def test_rollback_moves_the_current_version_and_keeps_every_version(
    store: Store, clock: FakeClock
) -> None:
    await _add(store, clock, "1.0.0")
    await _add(store, clock, "1.1.0")
    async with store.begin() as conn:
        await rows.set_current(
            conn, GUILD, "club", "1.0.0", enabled=True, user_id=MOD + 1, now=clock.now()
        )
    async with store.connect() as conn:
        head = await rows.head(conn, GUILD, "club")
        current = await rows.enabled_current(conn, GUILD)
        versions = await rows.versions(conn, GUILD, "club")
        old = await rows.version(conn, GUILD, "club", "1.1.0")
    assert head is not None
    assert head["current_version"] == "1.0.0" and head["updated_by"] == MOD + 1
    assert [r["source"] for r in current] == ["pack: 1.0.0\n"]
    assert len(versions) == 2
    assert old is not None and old["source"] == "pack: 1.1.0\n"


async def test_a_version_is_stored_once_and_current_must_be_stored(
    store: Store, clock: FakeClock
) -> None:
    await _add(store, clock, "1.0.0")
    with pytest.raises(IntegrityError):
        await _add(store, clock, "1.0.0")
    with pytest.raises(IntegrityError):  # the foreign key: no current version without its row
        async with store.begin() as conn:
            await rows.set_current(
                conn, GUILD, "club", "9.9.9", enabled=True, user_id=MOD, now=clock.now()
            )
    async with store.connect() as conn:
        head = await rows.head(conn, GUILD, "club")
    assert head is not None and head["current_version"] == "1.0.0"


async def test_disabled_packs_are_not_loaded_and_guilds_are_separate(
    store: Store, clock: FakeClock
) -> None:
    await _add(store, clock, "1.0.0", guild=GUILD)
    await _add(store, clock, "3.0.0", guild=OTHER)
    async with store.begin() as conn:
        assert await rows.set_enabled(
            conn, GUILD, "club", enabled=False, user_id=MOD, now=clock.now()
        )
        assert not await rows.set_enabled(
            conn, GUILD, "missing", enabled=False, user_id=MOD, now=clock.now()
        )
    async with store.connect() as conn:
        everywhere = await rows.enabled_current(conn)
        mine = await rows.enabled_current(conn, GUILD)
        ids = await rows.pack_ids(conn, GUILD)
        head = await rows.head(conn, GUILD, "club")
    assert [(r["guild_id"], r["version"]) for r in everywhere] == [(OTHER, "3.0.0")]
    assert mine == []
    assert ids == ["club"]  # still stored
    assert head is not None and not head["enabled"]


async def test_forget_guild_removes_only_that_guild(store: Store, clock: FakeClock) -> None:
    await _add(store, clock, "1.0.0", guild=GUILD)
    await _add(store, clock, "1.1.0", guild=GUILD)
    await _add(store, clock, "1.0.0", guild=OTHER)
    async with store.begin() as conn:
        await rows.forget_guild(conn, GUILD)
    async with store.connect() as conn:
        assert await rows.heads(conn, GUILD) == []
        assert await rows.versions(conn, GUILD, "club") == []
        assert [v["version"] for v in await rows.versions(conn, OTHER, "club")] == ["1.0.0"]


async def _collation_ignoring_punctuation(store: Store) -> None:
    """On PostgreSQL, give `pack_id` a collation that ignores hyphens, as a server whose
    default is glibc's en_US.UTF-8 does (this test's database is its own)."""
    if store.is_sqlite:
        return
    async with store.begin() as conn:
        icu = "SELECT count(*) FROM pg_collation WHERE collprovider = 'i'"
        if not (await conn.execute(text(icu))).scalar():
            pytest.skip("this PostgreSQL server was built without ICU collations")
        await conn.execute(
            text(
                "CREATE COLLATION punctuation_ignored (provider = icu, locale = 'und-u-ka-shifted')"
            )
        )
        for table in ("content_pack_versions", "content_packs"):
            await conn.execute(
                text(
                    f"ALTER TABLE {table} ALTER COLUMN pack_id "
                    'TYPE varchar(64) COLLATE "punctuation_ignored"'
                )
            )


async def test_pack_listings_are_in_id_order_whatever_the_server_collation(
    store: Store, clock: FakeClock
) -> None:
    await _collation_ignoring_punctuation(store)
    ids = ["mlb", "ml-ops", "ml-basics", "a-z", "ab"]
    for pack_id in ids:
        await _add(store, clock, "1.0.0", pack_id=pack_id)
    async with store.connect() as conn:
        heads = [h["pack_id"] for h in await rows.heads(conn, GUILD)]
        listed = await rows.pack_ids(conn, GUILD)
        loaded = [r["pack_id"] for r in await rows.enabled_current(conn, GUILD)]
    assert heads == listed == loaded == sorted(ids)  # code point order, as on SQLite


def test_semver_precedence_orders_versions() -> None:
    ordered = [
        "0.9.0",
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
        "1.0.1",
        "1.2.0",
        "1.10.0",
        "2.0.0",
    ]
    assert sorted(reversed(ordered), key=semver_key) == ordered
    assert semver_key("1.0.0+build.5") == semver_key("1.0.0")
