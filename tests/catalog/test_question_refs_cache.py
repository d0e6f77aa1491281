"""`Attempts.questions` keeps each guild's question refs while its catalog stays the same
object, and builds them again once the guild's catalog is replaced."""

from __future__ import annotations

from typing import cast

from bot.catalog import CatalogRegistry, Pack
from bot.core.runtime import Core
from bot.interview.service.attempts import Attempts


def _attempts(registry: CatalogRegistry) -> Attempts:
    return Attempts(cast(Core, None), catalog=registry)  # `questions` reads no store


def test_refs_are_kept_per_guild_until_its_catalog_changes(fixture_packs: list[Pack]) -> None:
    registry = CatalogRegistry(fixture_packs)
    attempts = _attempts(registry)
    first = attempts.questions(1)
    assert first.refs and [ref.id for ref in first.refs] == list(first.catalog.questions)
    assert attempts.questions(1) is first
    assert attempts.questions(2).refs == first.refs  # another guild, the same built-ins

    with_questions = [pack.id for pack in fixture_packs if pack.questions]
    registry.set_builtin_disabled(1, with_questions)
    changed = attempts.questions(1)
    assert changed.catalog is registry.for_guild(1) and changed.refs == ()
    assert attempts.questions(2) is attempts.questions(2)
    assert _attempts(registry).questions(2).refs == first.refs
