"""What the progress services share: the member's progress settings and catalog look-ups."""

from __future__ import annotations

from typing import Any

from bot.catalog import Catalog
from bot.core.errors import UserFacingError
from bot.core.records import service
from bot.core.runtime import Core
from bot.progress import rules
from bot.progress import store as rows


@service
class ProgressPrefs:
    """A member's progress settings: community tracking, digest, weekly goal, focus tracks."""

    core: Core

    async def get(self, guild_id: int, user_id: int) -> rows.Prefs:
        """The member's settings (the defaults when they saved none)."""
        async with self.core.store.connect() as conn:
            return await rows.prefs(conn, guild_id, user_id)

    async def save(self, guild_id: int, user_id: int, **values: Any) -> rows.Prefs:
        """Save some of the member's settings; returns all of them."""
        async with self.core.store.begin() as conn:
            return await rows.save_prefs(conn, guild_id, user_id, self.core.clock.now(), **values)


def tracks_of(catalog: Catalog) -> list[tuple[str, list[str]]]:
    """(track id, [skill ids in learning order]) for every roadmap track."""
    return [(t.id, [s.id for s in t.skills]) for t in catalog.tracks]


def skills_of(catalog: Catalog) -> list[tuple[str, str]]:
    """(skill id, name) of every roadmap skill, in catalog order."""
    return [(s.id, s.name) for s in catalog.skills.values()]


def skill_name(catalog: Catalog, skill_id: str | None) -> str | None:
    """A skill's display name (its id when the catalog no longer has it)."""
    if skill_id is None:
        return None
    skill = catalog.skills.get(skill_id)
    return skill.name if skill else skill_id


def resolve_skill(catalog: Catalog, text: str) -> str:
    """A skill id from an id or a (case-insensitive) name; refused otherwise."""
    found = rules.find_skill(skills_of(catalog), text)
    if found is None:
        raise UserFacingError(
            "I do not know that skill. Start typing and pick one from the list "
            "(`/roadmap view` shows them all)."
        )
    return found
