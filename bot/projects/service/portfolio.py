"""A member's portfolio: start, find, read, finish (`done`) or drop a project.

A project starts from scratch or from a catalog idea (whose milestones it copies); a drop
keeps its reason for the member's own history. Every project write appends to
`project_events` (the timeline `/project show` renders) and re-points the member's
check-in reminder row in the same transaction.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, asdict
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.catalog import CatalogRegistry, ProjectIdea
from bot.core.errors import UserFacingError
from bot.core.records import service
from bot.core.runtime import Core
from bot.daily.api import record_study
from bot.members.api import MemberService
from bot.projects import store as project_rows
from bot.projects.rules import (
    ACTIVE,
    DONE,
    DROPPED,
    PortfolioSummary,
    check_capacity,
    milestones_for,
    parse_domain,
    ref_matches,
    suggested_target,
    validate_note,
    validate_reason,
    validate_start,
)
from bot.projects.service.models import Project, ProjectDetail, StartForm
from bot.projects.service.reminders import reschedule

NOT_YOURS = "That is not one of your projects. Pick one from the list (`/project list`)."
NO_ACTIVE = (
    "You have no active project. Start one with `/project start` "
    "or pick an idea with `/project ideas`."
)


@service
class Portfolio:
    """Projects as records: create, look up, list, show, end; the base of the other parts."""

    core: Core
    _: KW_ONLY
    catalog: CatalogRegistry
    members: MemberService

    # --- reading -------------------------------------------------------------------------

    async def member_today(self, guild_id: int, user_id: int) -> date:
        """Return the member's own local day."""
        return (await self.members.context(guild_id, user_id)).today

    async def load(self, guild_id: int, project_id: int) -> Project | None:
        """Load one project with its milestones, whoever owns it."""
        async with self.core.store.connect() as conn:
            row = await project_rows.get(conn, guild_id, project_id)
            if row is None:
                return None
            milestones = await project_rows.milestones(conn, guild_id, project_id)
        return Project.from_row(row, milestones)

    async def reload(self, project: Project) -> Project:
        """Read the project again as stored now (after a write)."""
        updated = await self.load(project.guild_id, project.id)
        assert updated is not None
        return updated

    async def own_active(self, guild_id: int, user_id: int, project_id: int) -> Project:
        """Load the member's own project, refusing another's or one that already ended."""
        project = await self.load(guild_id, project_id)
        if project is None or project.user_id != user_id:
            raise UserFacingError(NOT_YOURS)
        if not project.active:
            raise UserFacingError(
                f"That project is already {project.status}; only active projects can change."
            )
        return project

    async def projects_of(
        self, guild_id: int, user_id: int, statuses: tuple[str, ...] | None = None
    ) -> list[Project]:
        """List the member's projects (optionally of these statuses), active and newest first."""
        async with self.core.store.connect() as conn:
            rows = await project_rows.for_member(conn, guild_id, user_id, statuses)
            milestones = await project_rows.milestones_of(conn, guild_id, [r["id"] for r in rows])
        return [Project.from_row(r, milestones.get(r["id"], [])) for r in rows]

    async def resolve(
        self,
        guild_id: int,
        user_id: int,
        ref: str | None,
        *,
        active_only: bool = True,
    ) -> Project:
        """Find a project from an autocomplete value (its id) or a typed title.

        Omitted: the member's only active project, else a clear question back.
        """
        statuses = (ACTIVE,) if active_only else None
        projects = await self.projects_of(guild_id, user_id, statuses)
        if ref is None or not ref.strip():
            if len(projects) == 1 and active_only:
                return projects[0]
            if not projects:
                raise UserFacingError(NO_ACTIVE)
            raise UserFacingError("You have several projects: pick one in the `project` option.")
        text = ref.strip()
        if text.isdigit():
            for project in projects:
                if project.id == int(text):
                    return project
        matches = [p for p in projects if p.title.lower() == text.lower()]
        if len(matches) == 1:
            return matches[0]
        if active_only:
            all_projects = await self.projects_of(guild_id, user_id)
            if any(ref_matches(text, p.id, p.title) for p in all_projects):
                raise UserFacingError("That project is not active any more.")
        raise UserFacingError("I could not find that project among yours; pick one from the list.")

    async def search(
        self, guild_id: int, user_id: int, typed: str, *, active_only: bool = True
    ) -> list[Project]:
        """Autocomplete: the member's projects whose title contains `typed`."""
        statuses = (ACTIVE,) if active_only else None
        projects = await self.projects_of(guild_id, user_id, statuses)
        needle = typed.strip().lower()
        return [p for p in projects if needle in p.title.lower()][:25]

    async def _may_view(self, guild_id: int, viewer_id: int, owner_id: int) -> None:
        if viewer_id == owner_id:
            return
        profile = await self.members.profile(guild_id, owner_id)
        if not profile.profile_public:
            raise UserFacingError("That member keeps their projects private.")

    async def list_for(self, guild_id: int, viewer_id: int, member_id: int) -> list[Project]:
        """List a member's projects as `viewer_id` may see them (own, or a public profile's)."""
        await self._may_view(guild_id, viewer_id, member_id)
        projects = await self.projects_of(guild_id, member_id)
        if viewer_id != member_id:
            # Dropped projects and their reasons are for the member's own history only.
            projects = [p for p in projects if p.status != DROPPED]
        return projects

    async def detail(self, guild_id: int, viewer_id: int, project_ref: str) -> ProjectDetail:
        """Show a project and its timeline: the viewer's own (id or title), a public one's (id)."""
        text = project_ref.strip()
        own = await self.projects_of(guild_id, viewer_id)
        project = next((p for p in own if ref_matches(text, p.id, p.title)), None)
        if project is None and text.isdigit():
            other = await self.load(guild_id, int(text))
            if other is not None and other.status != DROPPED:
                await self._may_view(guild_id, viewer_id, other.user_id)
                project = other
        if project is None:
            raise UserFacingError("I could not find that project; pick one from the list.")
        async with self.core.store.connect() as conn:
            events = await project_rows.events(conn, guild_id, project.id, limit=40)
        return ProjectDetail(project, tuple(events))

    async def portfolio_summary(self, guild_id: int, user_id: int) -> PortfolioSummary:
        """Count active and shipped projects, shipped domains and the last check-in (for others)."""
        async with self.core.store.connect() as conn:
            return await project_rows.portfolio(conn, guild_id, user_id)

    async def public_checkins(self, guild_id: int, user_id: int) -> bool:
        """Tell whether the member shares their check-ins in the weekly thread (the default)."""
        async with self.core.store.connect() as conn:
            return await project_rows.public_checkins(conn, guild_id, user_id)

    # --- start ---------------------------------------------------------------------------

    def ideas(self, guild_id: int, domain: str | None = None) -> list[ProjectIdea]:
        """List the guild's catalog project ideas, optionally of one domain."""
        return self.catalog.for_guild(guild_id).ideas_in(domain)

    def idea(self, guild_id: int, idea_id: str) -> ProjectIdea:
        """Return one catalog idea; refused when it was removed since it was shown."""
        idea = self.catalog.for_guild(guild_id).project_ideas.get(idea_id)
        if idea is None:
            raise UserFacingError("That idea is no longer in this server's catalog.")
        return idea

    async def start_defaults(
        self,
        guild_id: int,
        user_id: int,
        *,
        idea_id: str | None = None,
        domain: str | None = None,
    ) -> StartForm:
        """Check the member may start another project; return what to pre-fill the form with."""
        async with self.core.store.connect() as conn:
            active = await project_rows.active_count(conn, guild_id, user_id)
        check_capacity(active, self.core.settings.max_active_projects)
        suggested = suggested_target(await self.member_today(guild_id, user_id)).isoformat()
        if idea_id is not None:
            idea = self.idea(guild_id, idea_id)
            return StartForm(
                title=idea.title[:100],
                domain=idea.domain,
                goal=idea.summary[:1000],
                target=suggested,
                idea_id=idea.id,
            )
        return StartForm(domain=parse_domain(domain) if domain else "", target=suggested)

    async def start_project(self, guild_id: int, user_id: int, form: StartForm) -> Project:
        """Validate the submitted start form and create the project with its milestones."""
        today = await self.member_today(guild_id, user_id)
        typed = {name: text for name, text in asdict(form).items() if name != "idea_id"}
        draft = validate_start(**typed, today=today)
        milestone_titles = milestones_for(
            [m.title for m in self.idea(guild_id, form.idea_id).milestones]
            if form.idea_id
            else None
        )
        now = self.core.clock.now()
        async with self.core.store.begin() as conn:
            active = await project_rows.active_count(conn, guild_id, user_id)
            check_capacity(active, self.core.settings.max_active_projects)
            project_id = await project_rows.create(
                conn,
                guild_id=guild_id,
                user_id=user_id,
                title=draft.title,
                domain=draft.domain,
                goal=draft.goal,
                target_date=draft.target_date,
                link=draft.link,
                idea_id=form.idea_id,
                milestones=milestone_titles,
                now=now,
            )
            await reschedule(conn, guild_id, user_id, now)
        project = await self.load(guild_id, project_id)
        assert project is not None
        return project

    async def log_activity(
        self,
        conn: AsyncConnection,
        project: Project,
        now: datetime,
        day: date,
        *,
        source: str,
        minutes: int = 0,
        note: str | None = None,
    ) -> None:
        """Add a `project` activity row in the caller's transaction (it commits with the
        write); its minutes count toward the member's streak like any logged study."""
        await record_study(
            conn,
            guild_id=project.guild_id,
            user_id=project.user_id,
            occurred_at=now,
            local_day=day,
            kind="project",
            minutes=minutes,
            source=source,
            topic=project.domain,
            note=note,
            ref=f"project:{project.id}",
        )

    # --- end -----------------------------------------------------------------------------

    async def finish(
        self, guild_id: int, user_id: int, project_ref: str | None, note: str | None = None
    ) -> Project:
        """Finish a project (`/project done`); it stays in the portfolio."""
        return await self._end(guild_id, user_id, project_ref, DONE, validate_note(note))

    async def drop(
        self, guild_id: int, user_id: int, project_id: int, reason: str | None
    ) -> Project:
        """Drop a project (`/project drop`), keeping the reason for the member's own history."""
        clean = validate_reason(reason)
        return await self._end(guild_id, user_id, str(project_id), DROPPED, clean)

    async def _end(
        self,
        guild_id: int,
        user_id: int,
        project_ref: str | None,
        status: str,
        reason: str | None,
    ) -> Project:
        project = await self.resolve(guild_id, user_id, project_ref)
        now = self.core.clock.now()
        async with self.core.store.begin() as conn:
            await project_rows.update_project(
                conn, guild_id, project.id, now, status=status, ended_at=now, end_reason=reason
            )
            await project_rows.add_event(
                conn,
                guild_id,
                project.id,
                user_id,
                "done" if status == DONE else "drop",
                now,
                note=reason,
            )
            await reschedule(conn, guild_id, user_id, now)
        return await self.reload(project)
