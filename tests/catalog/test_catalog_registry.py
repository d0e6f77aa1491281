"""CatalogRegistry: per-guild catalogs, built once per change, swapped atomically."""

from __future__ import annotations

import pytest
from conftest import MALFORMED_DIR, PACKS_DIR

from bot.catalog import CatalogRegistry, Pack, PackError, load_pack_file, parse_pack

GUILD_PACK = b"""pack: {id: guild-extra, name: "Guild extra", version: 1.0.0}
prompts:
  - id: guild-prompt-001
    track: math
    skill: probability
    title: "Birthday paradox"
    body: "Simulate it."
    action: "Write a 20-line simulation and compare with the formula."
    est_minutes: 25
    difficulty: 1
"""


@pytest.fixture
def registry(fixture_packs: list[Pack]) -> CatalogRegistry:
    return CatalogRegistry(fixture_packs)


@pytest.fixture
def guild_pack() -> Pack:
    return parse_pack(GUILD_PACK, "upload:guild-extra.yaml")


def test_guild_without_packs_gets_the_builtins(registry: CatalogRegistry) -> None:
    assert registry.for_guild(1) is registry.builtin
    assert registry.guild_packs(1) == ()
    assert registry.guilds() == ()


def test_set_guild_packs_builds_once_and_caches(
    registry: CatalogRegistry, guild_pack: Pack
) -> None:
    catalog = registry.set_guild_packs(7, [guild_pack])
    assert registry.for_guild(7) is catalog
    assert registry.for_guild(7) is catalog  # cached, not rebuilt
    assert "guild-prompt-001" in catalog.prompts
    assert catalog.pack_of("prompts", "guild-prompt-001") == "guild-extra"
    assert "guild-prompt-001" not in registry.builtin.prompts
    assert registry.for_guild(8) is registry.builtin  # other guilds are untouched
    assert registry.guild_packs(7) == (guild_pack,)
    assert registry.guilds() == (7,)


def test_failed_set_leaves_the_old_catalog(registry: CatalogRegistry, guild_pack: Pack) -> None:
    before = registry.set_guild_packs(7, [guild_pack])
    bad = load_pack_file(MALFORMED_DIR / "dangling-skill.yaml")
    with pytest.raises(PackError) as info:
        registry.set_guild_packs(7, [guild_pack, bad])
    assert "unknown skill `dsa-hashng`" in str(info.value)
    assert registry.for_guild(7) is before
    assert registry.guild_packs(7) == (guild_pack,)


def test_guild_pack_clashing_with_builtin_ids_is_refused(registry: CatalogRegistry) -> None:
    clash = load_pack_file(MALFORMED_DIR / "duplicate-id-across-packs.yaml")
    with pytest.raises(PackError):
        registry.set_guild_packs(3, [clash])
    assert registry.for_guild(3) is registry.builtin


def test_try_guild_packs_is_a_dry_run(registry: CatalogRegistry, guild_pack: Pack) -> None:
    preview = registry.try_guild_packs(5, [guild_pack])
    assert "guild-prompt-001" in preview.prompts
    assert registry.for_guild(5) is registry.builtin
    with pytest.raises(PackError):
        registry.try_guild_packs(5, [guild_pack, guild_pack])  # same pack twice


def test_empty_list_returns_the_guild_to_builtins(
    registry: CatalogRegistry, guild_pack: Pack
) -> None:
    registry.set_guild_packs(7, [guild_pack])
    assert registry.set_guild_packs(7, []) is registry.builtin
    assert registry.for_guild(7) is registry.builtin
    registry.set_guild_packs(7, [guild_pack])
    registry.forget_guild(7)
    assert registry.guilds() == ()


def test_replace_builtin_rebuilds_guild_catalogs(
    registry: CatalogRegistry, guild_pack: Pack, fixture_packs: list[Pack]
) -> None:
    registry.set_guild_packs(7, [guild_pack])
    text = (PACKS_DIR / "starter.yaml").read_text(encoding="utf-8")
    text = text.replace("version: 0.3.1", "version: 0.4.0").replace('"Two sum"', '"Two sum, again"')
    new_starter = parse_pack(text.encode(), "starter.yaml")
    roadmap = next(p for p in fixture_packs if p.id == "test-roadmap")
    registry.replace_builtin([roadmap, new_starter])
    assert registry.builtin.prompts["int-hash-001"].title == "Two sum, again"
    guild = registry.for_guild(7)
    assert guild.prompts["int-hash-001"].title == "Two sum, again"
    assert "guild-prompt-001" in guild.prompts


def test_failed_replace_builtin_changes_nothing(
    registry: CatalogRegistry, guild_pack: Pack, fixture_packs: list[Pack]
) -> None:
    registry.set_guild_packs(7, [guild_pack])
    builtin_before, guild_before = registry.builtin, registry.for_guild(7)

    # 1. the new built-ins are broken on their own (no roadmap for the starter's items)
    starter = next(p for p in fixture_packs if p.id == "test-starter")
    with pytest.raises(PackError):
        registry.replace_builtin([starter])
    # 2. the new built-ins are fine alone but clash with a guild's pack
    clash = parse_pack(GUILD_PACK.replace(b"id: guild-extra", b"id: builtin-new"), "new.yaml")
    with pytest.raises(PackError) as info:
        registry.replace_builtin([*fixture_packs, clash])
    assert "(guild 7)" in str(info.value)

    assert registry.builtin is builtin_before
    assert registry.for_guild(7) is guild_before
    assert registry.builtin_packs == tuple(fixture_packs)


def test_builtin_must_be_valid(fixture_packs: list[Pack]) -> None:
    starter = next(p for p in fixture_packs if p.id == "test-starter")
    with pytest.raises(PackError):
        CatalogRegistry([starter])


def test_a_guild_can_switch_built_in_packs_off_and_on(
    registry: CatalogRegistry, guild_pack: Pack
) -> None:
    starter_prompts = set(registry.builtin.prompts)
    assert starter_prompts
    catalog = registry.set_builtin_disabled(1, ["test-starter"])
    assert not set(catalog.prompts) & starter_prompts
    assert registry.for_guild(2) is registry.builtin  # other guilds unaffected
    assert registry.disabled_builtin(1) == frozenset({"test-starter"})
    # The guild's own packs come and go without re-enabling the built-in.
    with_pack = registry.set_guild_packs(1, [guild_pack])
    assert "guild-prompt-001" in with_pack.prompts
    assert not set(with_pack.prompts) & starter_prompts
    assert registry.set_builtin_disabled(1, []).prompts.keys() >= starter_prompts


def test_switching_off_what_others_depend_on_is_refused_and_changes_nothing(
    registry: CatalogRegistry, guild_pack: Pack
) -> None:
    registry.set_guild_packs(1, [guild_pack])
    before = registry.for_guild(1)
    with pytest.raises(PackError):
        registry.set_builtin_disabled(1, ["test-roadmap"])  # guild-extra uses its skills
    assert registry.for_guild(1) is before
    assert registry.disabled_builtin(1) == frozenset()


def test_reloading_built_ins_keeps_each_guilds_choices(
    registry: CatalogRegistry, fixture_packs: list[Pack]
) -> None:
    registry.set_builtin_disabled(1, ["test-starter"])
    registry.replace_builtin(fixture_packs)
    assert registry.disabled_builtin(1) == frozenset({"test-starter"})
    assert not set(registry.for_guild(1).prompts) & set(registry.builtin.prompts)
