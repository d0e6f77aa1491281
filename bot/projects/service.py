"""Portfolio projects, check-ins, milestones, shipping, weekly accountability (issue 8).

- A member starts a project (from scratch or from a catalog idea, whose milestones it copies;
  otherwise the default arc data -> baseline -> evaluation -> deploy -> write-up), checks in,
  ticks milestones, ships releases, and finishes (`done`) or drops it (with a reason kept
  for their history). `ship` records a release and celebrates it; the project stays active
  until the member says `done`, so v2 can follow v1.
- Every project write appends to `project_events`: the timeline `/project show` renders.
- Each week, through the ledger key `weekly:{guild}:{iso_year}-W{iso_week}`, a post and a
  thread "Week N accountability" go to the accountability channel; check-ins of members
  whose check-ins are public are summarised in the current week's thread.
- One `due_reminders` row per member (kind `project_checkin`) serves all their projects:
  7 silent days -> a reminder (DM or inbox, once per silence), 14 -> the project is stale.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot.activity import store as activity_rows
from bot.catalog import ProjectIdea
from bot.core.errors import UserFacingError
from bot.core.scheduling.delivery import DeliveryFailed, Sent
from bot.core.scheduling.guild_posts import GuildPost, PostResult, PostSchedule, Rendered
from bot.core.store import deliveries as ledger
from bot.core.store import reminders as reminder_rows
from bot.core.time import local_date, mask_to_weekdays, parse_hhmm, resolve_zone
from bot.projects import store as project_rows
from bot.projects.rules import (
    ACTIVE,
    DONE,
    DROPPED,
    REMIND_AFTER,
    CheckinDraft,
    MilestoneProgress,
    PortfolioSummary,
    SilenceInfo,
    check_capacity,
    find_milestone,
    milestone_progress,
    milestones_for,
    parse_domain,
    parse_target_date,
    plan_reminders,
    validate_checkin,
    validate_note,
    validate_reason,
    validate_start,
    validate_url,
    week_bounds,
    week_key,
    week_label,
)
from bot.wiring import FeatureService, Services

log = logging.getLogger(__name__)

REMINDER_KIND = "project_checkin"
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_LABELS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DEFAULT_WEEKDAY = 0
DEFAULT_TIME = "10:30"
#: A weekly thread is "current" for check-in summaries up to this long after it was posted.
THREAD_CURRENT_FOR = timedelta(days=8)


# --- what the service hands to the UI --------------------------------------------------


@dataclass(frozen=True)
class Milestone:
    position: int
    title: str
    done_at: datetime | None

    @property
    def done(self) -> bool:
        return self.done_at is not None


@dataclass(frozen=True)
class Project:
    id: int
    guild_id: int
    user_id: int
    title: str
    domain: str
    goal: str
    target_date: date
    link: str | None
    idea_id: str | None
    status: str
    progress: int
    target_moves: int
    created_at: datetime
    last_checkin_at: datetime | None
    stale_at: datetime | None
    shipped_at: datetime | None
    ship_count: int
    ended_at: datetime | None
    end_reason: str | None
    milestones: tuple[Milestone, ...] = ()

    @property
    def active(self) -> bool:
        return self.status == ACTIVE

    @property
    def stale(self) -> bool:
        return self.stale_at is not None

    @property
    def milestone_progress(self) -> MilestoneProgress:
        return milestone_progress(m.done for m in self.milestones)

    @classmethod
    def from_row(cls, row: dict[str, Any], milestones: list[dict[str, Any]]) -> Project:
        return cls(
            id=row["id"],
            guild_id=row["guild_id"],
            user_id=row["user_id"],
            title=row["title"],
            domain=row["domain"],
            goal=row["goal"],
            target_date=date.fromisoformat(row["target_date"]),
            link=row["link"],
            idea_id=row["idea_id"],
            status=row["status"],
            progress=row["progress"],
            target_moves=row["target_moves"],
            created_at=row["created_at"],
            last_checkin_at=row["last_checkin_at"],
            stale_at=row["stale_at"],
            shipped_at=row["shipped_at"],
            ship_count=row["ship_count"],
            ended_at=row["ended_at"],
            end_reason=row["end_reason"],
            milestones=tuple(
                Milestone(m["position"], m["title"], m["done_at"]) for m in milestones
            ),
        )


@dataclass(frozen=True)
class Event:
    kind: str
    occurred_at: datetime
    progress: int | None
    did: str | None
    blockers: str | None
    next_step: str | None
    link: str | None
    note: str | None
    milestone: int | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Event:
        return cls(
            kind=row["kind"],
            occurred_at=row["occurred_at"],
            progress=row["progress"],
            did=row["did"],
            blockers=row["blockers"],
            next_step=row["next_step"],
            link=row["link"],
            note=row["note"],
            milestone=row["milestone"],
        )


@dataclass(frozen=True)
class ProjectDetail:
    project: Project
    events: tuple[Event, ...]


@dataclass(frozen=True)
class StartDefaults:
    """What the start modal is pre-filled with."""

    title: str = ""
    domain: str = ""
    goal: str = ""
    target: str = ""
    link: str = ""
    idea_id: str | None = None


@dataclass(frozen=True)
class CheckinContext:
    """What the check-in modal needs, checked before it opens."""

    project: Project
    new_target: date | None
    public: bool | None
    minutes: int


@dataclass(frozen=True)
class CheckinResult:
    project: Project
    draft: CheckinDraft
    public: bool
    posted_in_thread: bool
    target_moved: bool


@dataclass(frozen=True)
class MilestoneResult:
    project: Project
    milestone: Milestone
    newly: bool


@dataclass(frozen=True)
class ShipResult:
    project: Project
    link: str | None
    note: str | None
    celebrated: str  # posted | no_channel | failed | duplicate


WeeklySchedule = PostSchedule


@dataclass(frozen=True)
class RosterEntry:
    user_id: int
    projects: int
    last_checkin_at: datetime | None


@dataclass(frozen=True)
class WeeklyPost:
    day: date
    roster: tuple[RosterEntry, ...]
    now: datetime


def _schedule_from_row(row: dict[str, Any] | None) -> WeeklySchedule:
    """The weekly table keeps one weekday; the schedule type holds a set of them."""
    if row is None:
        return WeeklySchedule(True, parse_hhmm(DEFAULT_TIME), frozenset({DEFAULT_WEEKDAY}))
    return WeeklySchedule(
        bool(row["enabled"]), parse_hhmm(row["post_time"]), frozenset({int(row["weekday"])})
    )


def parse_weekday(text: str) -> int:
    key = text.strip().lower()[:3]
    if key not in WEEKDAY_NAMES:
        raise UserFacingError("Pick a weekday: mon, tue, wed, thu, fri, sat or sun.")
    return WEEKDAY_NAMES.index(key)


class ProjectService(FeatureService):
    # --- hooks ---------------------------------------------------------------------------

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        # The shared scheduled-post machinery: cron "accountability:{guild}" in the guild's
        # timezone, ledger + nonce, catch-up at start, broken-channel handling. It also
        # re-syncs the job when the guild's channels or timezone change.
        self.poster = services.posts.register(
            GuildPost(
                services.core,
                services.guilds,
                kind="accountability",
                channel="accountability",
                label="Weekly accountability",
                name="The weekly accountability thread",
                setup_command="accountability",
                load_schedule=self.weekly_schedule,
                save_schedule=self._save_weekly_schedule,
                guild_ids=self._weekly_guild_ids,
                render=self._render_weekly,
                after_send=self._after_weekly,
                key_format=week_key,
            )
        )

    def wire(self) -> None:
        self.services.dispatcher.register(REMINDER_KIND, self.checkin_reminder)

    async def _weekly_guild_ids(self) -> list[int]:
        """Every guild with settings or a weekly schedule (the default schedule is on)."""
        async with self.services.store.connect() as conn:
            scheduled = {row["guild_id"] for row in await project_rows.all_schedules(conn)}
        return sorted(scheduled | set(await self.services.guilds.known_guild_ids()))

    # --- small helpers -------------------------------------------------------------------

    @property
    def _now(self) -> datetime:
        return self.services.clock.now()

    async def member_today(self, guild_id: int, user_id: int) -> date:
        profile = await self.services.members.profile(guild_id, user_id)
        settings = await self.services.guilds.settings(guild_id)
        return local_date(self._now, resolve_zone(profile.timezone, settings.timezone))

    async def _log_activity(
        self,
        conn: Any,
        project: Project,
        now: datetime,
        day: date,
        *,
        source: str,
        minutes: int = 0,
        note: str | None = None,
    ) -> None:
        """A `project` activity row, in the caller's transaction (it commits with the write)."""
        await activity_rows.add(
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

    async def _load(self, guild_id: int, project_id: int) -> Project | None:
        async with self.services.store.connect() as conn:
            row = await project_rows.get(conn, guild_id, project_id)
            if row is None:
                return None
            milestones = await project_rows.milestones(conn, guild_id, project_id)
        return Project.from_row(row, milestones)

    async def _own(self, guild_id: int, user_id: int, project_id: int) -> Project:
        project = await self._load(guild_id, project_id)
        if project is None or project.user_id != user_id:
            raise UserFacingError(
                "That is not one of your projects. Pick one from the list (`/project list`)."
            )
        return project

    async def _own_active(self, guild_id: int, user_id: int, project_id: int) -> Project:
        project = await self._own(guild_id, user_id, project_id)
        if not project.active:
            raise UserFacingError(
                f"That project is already {project.status}; only active projects can change."
            )
        return project

    async def projects_of(
        self, guild_id: int, user_id: int, statuses: tuple[str, ...] | None = None
    ) -> list[Project]:
        async with self.services.store.connect() as conn:
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
        """A project from an autocomplete value (its id) or a typed title.

        Omitted: the member's only active project, else a clear question back.
        """
        statuses = (ACTIVE,) if active_only else None
        projects = await self.projects_of(guild_id, user_id, statuses)
        if ref is None or not ref.strip():
            if len(projects) == 1 and active_only:
                return projects[0]
            if not projects:
                raise UserFacingError(
                    "You have no active project. Start one with `/project start` "
                    "or pick an idea with `/project ideas`."
                )
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
            if any(str(p.id) == text or p.title.lower() == text.lower() for p in all_projects):
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

    # --- start ---------------------------------------------------------------------------

    def ideas(self, guild_id: int, domain: str | None = None) -> list[ProjectIdea]:
        return self.services.catalog.for_guild(guild_id).ideas_in(domain)

    def idea(self, guild_id: int, idea_id: str) -> ProjectIdea:
        idea = self.services.catalog.for_guild(guild_id).project_ideas.get(idea_id)
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
    ) -> StartDefaults:
        """Checks the member may start another project, and what to pre-fill the modal with."""
        async with self.services.store.connect() as conn:
            active = await project_rows.active_count(conn, guild_id, user_id)
        check_capacity(active, self.services.settings.max_active_projects)
        today = await self.member_today(guild_id, user_id)
        suggested = (today + timedelta(weeks=6)).isoformat()
        if idea_id is not None:
            idea = self.idea(guild_id, idea_id)
            return StartDefaults(
                title=idea.title[:100],
                domain=idea.domain,
                goal=idea.summary[:1000],
                target=suggested,
                idea_id=idea.id,
            )
        return StartDefaults(domain=parse_domain(domain) if domain else "", target=suggested)

    async def start_project(
        self,
        guild_id: int,
        user_id: int,
        *,
        title: str | None,
        domain: str | None,
        goal: str | None,
        target: str | None,
        link: str | None,
        idea_id: str | None = None,
    ) -> Project:
        today = await self.member_today(guild_id, user_id)
        draft = validate_start(
            title=title, domain=domain, goal=goal, target=target, link=link, today=today
        )
        milestone_titles = milestones_for(
            [m.title for m in self.idea(guild_id, idea_id).milestones] if idea_id else None
        )
        now = self._now
        async with self.services.store.begin() as conn:
            active = await project_rows.active_count(conn, guild_id, user_id)
            check_capacity(active, self.services.settings.max_active_projects)
            project_id = await project_rows.create(
                conn,
                guild_id=guild_id,
                user_id=user_id,
                title=draft.title,
                domain=draft.domain,
                goal=draft.goal,
                target_date=draft.target_date,
                link=draft.link,
                idea_id=idea_id,
                milestones=milestone_titles,
                now=now,
            )
            await self._reschedule(conn, guild_id, user_id, now)
        project = await self._load(guild_id, project_id)
        assert project is not None
        return project

    # --- check-ins -----------------------------------------------------------------------

    async def checkin_context(
        self,
        guild_id: int,
        user_id: int,
        ref: str | None,
        *,
        target_date: str | None = None,
        public: bool | None = None,
        minutes: int | None = None,
    ) -> CheckinContext:
        """Validate the slash options before the modal opens (so errors come first)."""
        project = await self.resolve(guild_id, user_id, ref)
        new_target: date | None = None
        if target_date is not None and target_date.strip():
            today = await self.member_today(guild_id, user_id)
            new_target = parse_target_date(target_date, today)
            if new_target == project.target_date:
                new_target = None
        if minutes is not None and not 0 <= minutes <= 1440:
            raise UserFacingError("`minutes` must be between 0 and 1440 (one day).")
        return CheckinContext(project, new_target, public, minutes or 0)

    async def checkin(
        self,
        guild_id: int,
        user_id: int,
        project_id: int,
        *,
        progress: str | int | None,
        did: str | None,
        blockers: str | None,
        next_step: str | None,
        link: str | None,
        new_target: date | None = None,
        public: bool | None = None,
        minutes: int = 0,
    ) -> CheckinResult:
        draft = validate_checkin(
            progress=progress, did=did, blockers=blockers, next_step=next_step, link=link
        )
        project = await self._own_active(guild_id, user_id, project_id)
        today = await self.member_today(guild_id, user_id)
        if new_target is not None:
            # Re-check at submit time: the member's day may have turned since the modal opened.
            new_target = parse_target_date(new_target.isoformat(), today)
        now = self._now
        moved = new_target is not None and new_target != project.target_date
        values: dict[str, Any] = {
            "progress": draft.progress,
            "last_checkin_at": now,
            "stale_at": None,
            "reminded_at": None,
        }
        if draft.progress != project.progress:
            values["last_progress_at"] = now
        if moved:
            assert new_target is not None
            values["target_date"] = new_target.isoformat()
            values["target_moves"] = project.target_moves + 1
        async with self.services.store.begin() as conn:
            if public is not None:
                await project_rows.set_public_checkins(conn, guild_id, user_id, public, now)
            is_public = await project_rows.public_checkins(conn, guild_id, user_id)
            await project_rows.update_project(conn, guild_id, project.id, now, **values)
            await project_rows.add_event(
                conn,
                guild_id,
                project.id,
                user_id,
                "checkin",
                now,
                progress=draft.progress,
                did=draft.did,
                blockers=draft.blockers,
                next_step=draft.next_step,
                link=draft.link,
            )
            if moved:
                await project_rows.add_event(
                    conn,
                    guild_id,
                    project.id,
                    user_id,
                    "target",
                    now,
                    note=f"{project.target_date.isoformat()} -> {new_target.isoformat()}"
                    if new_target
                    else None,
                )
            await self._log_activity(conn, project, now, today, source="checkin", minutes=minutes)
            await self._reschedule(conn, guild_id, user_id, now)
        updated = await self._load(guild_id, project.id)
        assert updated is not None
        posted = False
        if is_public:
            posted = await self._post_in_week_thread(guild_id, user_id, updated, draft)
        return CheckinResult(updated, draft, is_public, posted, moved)

    async def current_thread(self, guild_id: int) -> int | None:
        """The thread of the latest weekly post, if it was posted within the last week."""
        async with self.services.store.connect() as conn:
            row = await project_rows.latest_week_post(conn, guild_id)
        if row is None or row["thread_id"] is None:
            return None
        if self._now - row["posted_at"] > THREAD_CURRENT_FOR:
            return None
        thread_id: int = row["thread_id"]
        return thread_id

    async def _post_in_week_thread(
        self, guild_id: int, user_id: int, project: Project, draft: CheckinDraft
    ) -> bool:
        import bot.projects.views as project_ui

        thread_id = await self.current_thread(guild_id)
        if thread_id is None:
            return False
        try:
            await self.services.deliverer.to_channel(
                thread_id, embed=project_ui.checkin_summary_embed(user_id, project, draft)
            )
        except DeliveryFailed as failure:
            log.info("guild %s: check-in summary not posted (%s)", guild_id, failure.reason)
            return False
        return True

    # --- milestones, ship, done, drop ------------------------------------------------------

    async def tick_milestone(
        self, guild_id: int, user_id: int, project_ref: str | None, milestone_ref: str
    ) -> MilestoneResult:
        project = await self.resolve(guild_id, user_id, project_ref)
        titles = [m.title for m in project.milestones]
        if not titles:
            raise UserFacingError("That project has no milestones.")
        index = find_milestone(titles, milestone_ref)
        milestone = project.milestones[index]
        now = self._now
        today = await self.member_today(guild_id, user_id)
        async with self.services.store.begin() as conn:
            newly = await project_rows.tick_milestone(
                conn, guild_id, project.id, milestone.position, now
            )
            if newly:
                await project_rows.update_project(
                    conn, guild_id, project.id, now, last_progress_at=now
                )
                await project_rows.add_event(
                    conn,
                    guild_id,
                    project.id,
                    user_id,
                    "milestone",
                    now,
                    milestone=milestone.position,
                    note=milestone.title,
                )
                await self._log_activity(
                    conn, project, now, today, source="milestone", note=milestone.title
                )
        updated = await self._load(guild_id, project.id)
        assert updated is not None
        return MilestoneResult(updated, updated.milestones[index], newly)

    async def ship(
        self,
        guild_id: int,
        user_id: int,
        project_ref: str | None,
        *,
        link: str | None = None,
        note: str | None = None,
    ) -> ShipResult:
        import bot.projects.views as project_ui

        clean_link = validate_url(link, "release link")
        clean_note = validate_note(note)
        project = await self.resolve(guild_id, user_id, project_ref)
        now = self._now
        ship_number = project.ship_count + 1
        today = await self.member_today(guild_id, user_id)
        values: dict[str, Any] = {"ship_count": ship_number, "last_progress_at": now}
        if project.shipped_at is None:
            values["shipped_at"] = now
        if clean_link and not project.link:
            values["link"] = clean_link
        async with self.services.store.begin() as conn:
            await project_rows.update_project(conn, guild_id, project.id, now, **values)
            await project_rows.add_event(
                conn, guild_id, project.id, user_id, "ship", now, link=clean_link, note=clean_note
            )
            await self._log_activity(conn, project, now, today, source="ship", note=clean_note)
        updated = await self._load(guild_id, project.id)
        assert updated is not None
        settings = await self.services.guilds.settings(guild_id)
        channel_id = settings.channels["accountability"]
        celebrated = "no_channel"
        if channel_id is not None:
            key = f"ship:{guild_id}:{project.id}:{ship_number}"
            async with self.services.store.begin() as conn:
                claimed = await ledger.claim(conn, key, guild_id, "ship", now)
            if not claimed:
                celebrated = "duplicate"
            else:
                try:
                    sent = await self.services.deliverer.to_channel(
                        channel_id,
                        embed=project_ui.celebration_embed(
                            user_id, updated, clean_link, clean_note, ship_number
                        ),
                    )
                except DeliveryFailed as failure:
                    celebrated = "failed"
                    async with self.services.store.begin() as conn:
                        await ledger.finish(conn, key, "failed", self._now, detail=failure.reason)
                else:
                    celebrated = "posted"
                    async with self.services.store.begin() as conn:
                        await ledger.finish(
                            conn,
                            key,
                            "sent",
                            self._now,
                            channel_id=sent.channel_id,
                            message_id=sent.message_id,
                        )
        return ShipResult(updated, clean_link, clean_note, celebrated)

    async def finish(
        self, guild_id: int, user_id: int, project_ref: str | None, note: str | None = None
    ) -> Project:
        return await self._end(guild_id, user_id, project_ref, DONE, validate_note(note))

    async def drop(
        self, guild_id: int, user_id: int, project_id: int, reason: str | None
    ) -> Project:
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
        now = self._now
        async with self.services.store.begin() as conn:
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
            await self._reschedule(conn, guild_id, user_id, now)
        updated = await self._load(guild_id, project.id)
        assert updated is not None
        return updated

    # --- reading ---------------------------------------------------------------------------

    async def _may_view(self, guild_id: int, viewer_id: int, owner_id: int) -> None:
        if viewer_id == owner_id:
            return
        profile = await self.services.members.profile(guild_id, owner_id)
        if not profile.profile_public:
            raise UserFacingError("That member keeps their projects private.")

    async def list_for(self, guild_id: int, viewer_id: int, member_id: int) -> list[Project]:
        await self._may_view(guild_id, viewer_id, member_id)
        projects = await self.projects_of(guild_id, member_id)
        if viewer_id != member_id:
            # Dropped projects and their reasons are for the member's own history only.
            projects = [p for p in projects if p.status != DROPPED]
        return projects

    async def detail(self, guild_id: int, viewer_id: int, project_ref: str) -> ProjectDetail:
        project: Project | None = None
        own = await self.projects_of(guild_id, viewer_id)
        text = project_ref.strip()
        for candidate in own:
            if str(candidate.id) == text or candidate.title.lower() == text.lower():
                project = candidate
                break
        if project is None and text.isdigit():
            other = await self._load(guild_id, int(text))
            if other is not None and other.status != DROPPED:
                await self._may_view(guild_id, viewer_id, other.user_id)
                project = other
        if project is None:
            raise UserFacingError("I could not find that project; pick one from the list.")
        async with self.services.store.connect() as conn:
            events = await project_rows.events(conn, guild_id, project.id, limit=40)
        return ProjectDetail(project, tuple(Event.from_row(e) for e in events))

    async def portfolio_summary(self, guild_id: int, user_id: int) -> PortfolioSummary:
        """Active and shipped counts, shipped domains and the last check-in, for other features."""
        async with self.services.store.connect() as conn:
            return await project_rows.portfolio(conn, guild_id, user_id)

    async def public_checkins(self, guild_id: int, user_id: int) -> bool:
        async with self.services.store.connect() as conn:
            return await project_rows.public_checkins(conn, guild_id, user_id)

    # --- reminders -------------------------------------------------------------------------

    async def _silence(self, conn: Any, guild_id: int, user_id: int) -> list[SilenceInfo]:
        rows = await project_rows.for_member(conn, guild_id, user_id, (ACTIVE,))
        return [
            SilenceInfo(
                project_id=r["id"],
                created_at=r["created_at"],
                last_checkin_at=r["last_checkin_at"],
                stale=r["stale_at"] is not None,
                reminded=r["reminded_at"] is not None,
            )
            for r in rows
        ]

    async def _reschedule(self, conn: Any, guild_id: int, user_id: int, now: datetime) -> None:
        """Point the member's one reminder row at their next threshold (or remove it)."""
        plan = plan_reminders(await self._silence(conn, guild_id, user_id), now)
        if plan.next_due is None:
            await reminder_rows.remove(conn, guild_id, user_id, REMINDER_KIND)
        else:
            await reminder_rows.upsert(conn, guild_id, user_id, REMINDER_KIND, plan.next_due)

    async def checkin_reminder(self, row: dict[str, Any], now: datetime) -> datetime | None:
        """Dispatcher handler: remind after 7 silent days, mark stale after 14."""
        import bot.projects.views as project_ui

        guild_id, user_id = row["guild_id"], row["user_id"]
        async with self.services.store.connect() as conn:
            infos = await self._silence(conn, guild_id, user_id)
        plan = plan_reminders(infos, now)
        if plan.next_due is None:
            return None
        if plan.remind or plan.mark_stale:
            projects = {p.id: p for p in await self.projects_of(guild_id, user_id, (ACTIVE,))}
            anchors = {i.project_id: i.anchor for i in infos}
            for project_id in plan.remind:
                project = projects.get(project_id)
                if project is None:  # ended since the plan was read
                    continue
                await self.services.notifier.to_member(
                    guild_id,
                    user_id,
                    key=f"project_checkin:{guild_id}:{project_id}:"
                    f"{anchors[project_id].isoformat(timespec='seconds')}",
                    kind=REMINDER_KIND,
                    embed=project_ui.reminder_embed(project, now),
                )
            for project_id in plan.mark_stale:
                if project_id not in projects:
                    continue
                await self.services.notifier.to_member(
                    guild_id,
                    user_id,
                    key=f"project_stale:{guild_id}:{project_id}:"
                    f"{anchors[project_id].isoformat(timespec='seconds')}",
                    kind="project_stale",
                    embed=project_ui.stale_embed(projects[project_id]),
                )
            async with self.services.store.begin() as conn:
                for project_id in plan.remind:
                    await project_rows.update_project(
                        conn, guild_id, project_id, now, reminded_at=now
                    )
                await project_rows.mark_stale(conn, guild_id, plan.mark_stale, now)
                for project_id in plan.mark_stale:
                    await project_rows.add_event(conn, guild_id, project_id, user_id, "stale", now)
                infos = await self._silence(conn, guild_id, user_id)
            plan = plan_reminders(infos, now)
        next_due = plan.next_due
        if next_due is not None and next_due <= now:
            next_due = now + REMIND_AFTER  # never spin on the same instant
        return next_due

    # --- weekly accountability -------------------------------------------------------------

    async def weekly_schedule(self, guild_id: int) -> WeeklySchedule:
        async with self.services.store.connect() as conn:
            return _schedule_from_row(await project_rows.schedule(conn, guild_id))

    async def _save_weekly_schedule(self, guild_id: int, values: dict[str, Any]) -> WeeklySchedule:
        if "weekdays" in values:  # one day: `configure_weekly` passes exactly one
            (values["weekday"],) = mask_to_weekdays(values.pop("weekdays"))
        async with self.services.store.begin() as conn:
            row = await project_rows.save_schedule(conn, guild_id, self._now, **values)
        return _schedule_from_row(row)

    async def configure_weekly(
        self,
        guild_id: int,
        *,
        weekday: str | None = None,
        post_time: str | None = None,
        enabled: bool | None = None,
    ) -> WeeklySchedule:
        days = WEEKDAY_NAMES[parse_weekday(weekday)] if weekday is not None else None
        return await self.poster.configure(
            guild_id, post_time=post_time, days=days, enabled=enabled
        )

    def job_id(self, guild_id: int) -> str:
        return self.poster.job_id(guild_id)

    async def sync_jobs(self, guild_id: int) -> None:
        """(Re)schedule the guild's weekly cron in its timezone, or remove it."""
        await self.poster.sync(guild_id)

    async def catch_up(self, guild_id: int) -> PostResult | None:
        return await self.poster.catch_up(guild_id)

    async def post_weekly(self, guild_id: int, *, day: date | None = None) -> PostResult:
        """The week's post and thread, through the ledger (`weekly:{guild}:{year}-W{week}`)."""
        return await self.poster.post(guild_id, day=day)

    async def _render_weekly(self, guild_id: int, day: date) -> Rendered:
        import bot.projects.views as project_ui

        async with self.services.store.connect() as conn:
            roster = await project_rows.weekly_roster(conn, guild_id)
        post = WeeklyPost(
            day=day,
            roster=tuple(
                RosterEntry(r["user_id"], int(r["projects"]), r["last_checkin_at"]) for r in roster
            ),
            now=self._now,
        )
        return Rendered(
            embed=project_ui.weekly_embed(post, week_bounds(day)),
            view=project_ui.weekly_view(guild_id),
            thread_name=project_ui.weekly_thread_name(day),
        )

    async def _after_weekly(self, guild_id: int, day: date, sent: Sent, rendered: Rendered) -> None:
        async with self.services.store.begin() as conn:
            if await project_rows.week_post(conn, guild_id, week_label(day)) is None:
                await project_rows.save_week_post(
                    conn,
                    guild_id,
                    week_label(day),
                    channel_id=sent.channel_id,
                    message_id=sent.message_id,
                    thread_id=sent.thread_id,
                    now=self._now,
                )
