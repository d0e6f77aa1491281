"""`/roadmap`: the tracks and skills, what the member checked, and what to learn next."""

from __future__ import annotations

from dataclasses import KW_ONLY

from bot.catalog import CatalogRegistry
from bot.core.errors import UserFacingError
from bot.core.records import frozen, service
from bot.core.runtime import Core
from bot.progress import rules
from bot.progress import store as rows
from bot.progress.service.shared import resolve_skill, skill_name, skills_of, tracks_of


@frozen
class SkillState:
    """One skill of a track, checked or not, with its evidence link."""

    id: str
    name: str
    checked: bool
    evidence: str | None


@frozen
class RoadmapView:
    """What `/roadmap view` shows: one track's skills, or every track's coverage."""

    track_id: str | None  # None = overview of every track
    track_name: str | None
    skills: list[SkillState]
    coverage: rules.Coverage
    track_names: dict[str, str]
    next_skill: tuple[str, str] | None  # (id, name)


@frozen
class CheckResult:
    """What `/roadmap check` or `uncheck` changed, with the coverage now."""

    skill_id: str
    skill_name: str
    new: bool
    evidence: str | None
    coverage: rules.Coverage


@service
class Roadmap:
    """The roadmap checklist of each member."""

    core: Core
    _: KW_ONLY
    catalog: CatalogRegistry

    def track_choices(self, guild_id: int, typed: str) -> list[tuple[str, str]]:
        """(name, id) of the tracks matching what the member typed."""
        tracks = [(t.id, t.name) for t in self.catalog.for_guild(guild_id).tracks]
        return rules.match_tracks(tracks, typed)

    def skill_choices(self, guild_id: int, typed: str) -> list[tuple[str, str]]:
        """(name, id) of the skills matching what the member typed, prefix matches first."""
        return rules.match_skills(skills_of(self.catalog.for_guild(guild_id)), typed)

    async def view(self, guild_id: int, user_id: int, track: str | None) -> RoadmapView:
        """`/roadmap view`: every track's coverage, or one track's skills."""
        catalog = self.catalog.for_guild(guild_id)
        if not catalog.tracks:
            raise UserFacingError("This server has no roadmap loaded yet.")
        async with self.core.store.connect() as conn:
            checked = await rows.checks(conn, guild_id, user_id)
            prefs = await rows.prefs(conn, guild_id, user_id)
        tracks = tracks_of(catalog)
        names = {t.id: t.name for t in catalog.tracks}
        track_id: str | None = None
        skills: list[SkillState] = []
        focus = list(prefs["focus_tracks"])
        if track is not None:
            track_id = rules.find_track(list(names.items()), track)
            if track_id is None:
                raise UserFacingError("I do not know that track; pick one from the list.")
            focus = [track_id]
            skills = [
                SkillState(
                    s.id,
                    s.name,
                    s.id in checked,
                    checked[s.id]["evidence"] if s.id in checked else None,
                )
                for s in catalog.track(track_id).skills
            ]
        suggestion = rules.next_skill(tracks, checked, focus)
        return RoadmapView(
            track_id=track_id,
            track_name=names.get(track_id) if track_id else None,
            skills=skills,
            coverage=rules.roadmap_coverage(tracks, checked),
            track_names=names,
            next_skill=(suggestion, skill_name(catalog, suggestion) or suggestion)
            if suggestion
            else None,
        )

    async def check(
        self, guild_id: int, user_id: int, skill: str, evidence: str | None
    ) -> CheckResult:
        """`/roadmap check`: check a skill off, with an optional https evidence link."""
        catalog = self.catalog.for_guild(guild_id)
        skill_id = resolve_skill(catalog, skill)
        link = rules.validate_evidence(evidence)
        async with self.core.store.begin() as conn:
            new = await rows.save_check(
                conn, guild_id, user_id, skill_id, link, self.core.clock.now()
            )
            checked = await rows.checks(conn, guild_id, user_id)
        return CheckResult(
            skill_id=skill_id,
            skill_name=skill_name(catalog, skill_id) or skill_id,
            new=new,
            evidence=checked[skill_id]["evidence"],
            coverage=rules.roadmap_coverage(tracks_of(catalog), checked),
        )

    async def uncheck(self, guild_id: int, user_id: int, skill: str) -> CheckResult:
        """`/roadmap uncheck`: take a check back."""
        catalog = self.catalog.for_guild(guild_id)
        skill_id = resolve_skill(catalog, skill)
        async with self.core.store.begin() as conn:
            removed = await rows.remove_check(conn, guild_id, user_id, skill_id)
            checked = await rows.checks(conn, guild_id, user_id)
        if not removed:
            raise UserFacingError("That skill was not checked.")
        return CheckResult(
            skill_id=skill_id,
            skill_name=skill_name(catalog, skill_id) or skill_id,
            new=False,
            evidence=None,
            coverage=rules.roadmap_coverage(tracks_of(catalog), checked),
        )
