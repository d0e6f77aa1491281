"""Check-ins and the reminders that ask for them.

A check-in reports progress (0-100), what was done, blockers and the next step; it may move
the target date (moves are counted) and is shared in this week's thread when the member's
check-ins are public. One `due_reminders` row per member (kind `project_checkin`) serves all
their projects: 7 silent days -> a reminder (DM or inbox, once per silence), 14 -> the
project is stale.
"""

from __future__ import annotations

from dataclasses import KW_ONLY
from datetime import date, datetime
from typing import Any

from bot.core.records import service
from bot.core.runtime import Core
from bot.core.time import instant_key
from bot.members.api import Notifier
from bot.projects import store as project_rows
from bot.projects.rules import (
    ACTIVE,
    next_look,
    parse_target_date,
    plan_reminders,
    validate_checkin,
    validate_minutes,
)
from bot.projects.service.models import CheckinContext, CheckinResult, Project, ReminderRenderer
from bot.projects.service.portfolio import Portfolio
from bot.projects.service.reminders import REMINDER_KIND, STALE_KIND, reschedule, silence
from bot.projects.service.weekly import WeeklyAccountability


@service
class Checkins:
    """`/project checkin` (and the weekly post's Check in button), and the silence reminders."""

    core: Core
    _: KW_ONLY
    portfolio: Portfolio
    weekly: WeeklyAccountability
    notifier: Notifier
    renderer: ReminderRenderer

    def __post_init__(self) -> None:
        """Build on the portfolio and the weekly thread; register the reminder handler."""
        self.core.dispatcher.register(REMINDER_KIND, self.remind)

    async def context(
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
        project = await self.portfolio.resolve(guild_id, user_id, ref)
        new_target: date | None = None
        if target_date is not None and target_date.strip():
            today = await self.portfolio.member_today(guild_id, user_id)
            new_target = parse_target_date(target_date, today)
            if new_target == project.target_date:
                new_target = None
        return CheckinContext(project, new_target, public, validate_minutes(minutes))

    async def record(
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
        """Store a submitted check-in (one transaction), then share it if it is public."""
        draft = validate_checkin(
            progress=progress, did=did, blockers=blockers, next_step=next_step, link=link
        )
        project = await self.portfolio.own_active(guild_id, user_id, project_id)
        today = await self.portfolio.member_today(guild_id, user_id)
        if new_target is not None:
            # Re-check at submit time: the member's day may have turned since the modal opened.
            new_target = parse_target_date(new_target.isoformat(), today)
        now = self.core.clock.now()
        moved = new_target is not None and new_target != project.target_date
        values: dict[str, Any] = {
            "progress": draft.progress,
            "last_checkin_at": now,
            "stale_at": None,
            "reminded_at": None,
        }
        if draft.progress != project.progress:
            values["last_progress_at"] = now
        if new_target is not None and moved:
            values["target_date"] = new_target.isoformat()
            values["target_moves"] = project.target_moves + 1
        async with self.core.store.begin() as conn:
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
            if new_target is not None and moved:
                note = f"{project.target_date.isoformat()} -> {new_target.isoformat()}"
                await project_rows.add_event(
                    conn, guild_id, project.id, user_id, "target", now, note=note
                )
            await self.portfolio.log_activity(
                conn, project, now, today, source="checkin", minutes=minutes
            )
            await reschedule(conn, guild_id, user_id, now)
        updated = await self.portfolio.reload(project)
        posted = False
        if is_public:
            posted = await self.weekly.share_checkin(guild_id, user_id, updated, draft)
        return CheckinResult(updated, draft, is_public, posted, moved)

    # --- reminders -----------------------------------------------------------------------

    async def remind(self, row: dict[str, Any], now: datetime) -> datetime | None:
        """Dispatcher handler: remind after 7 silent days, mark stale after 14."""
        guild_id, user_id = row["guild_id"], row["user_id"]
        async with self.core.store.connect() as conn:
            infos = await silence(conn, guild_id, user_id)
        plan = plan_reminders(infos, now)
        if plan.next_due is None:
            return None
        if plan.remind or plan.mark_stale:
            projects = {
                p.id: p for p in await self.portfolio.projects_of(guild_id, user_id, (ACTIVE,))
            }
            anchors = {i.project_id: instant_key(i.anchor) for i in infos}
            for project_id in plan.remind:
                await self._notify(projects.get(project_id), REMINDER_KIND, anchors, now)
            for project_id in plan.mark_stale:
                await self._notify(projects.get(project_id), STALE_KIND, anchors, now)
            async with self.core.store.begin() as conn:
                for project_id in plan.remind:
                    await project_rows.update_project(
                        conn, guild_id, project_id, now, reminded_at=now
                    )
                await project_rows.mark_stale(conn, guild_id, plan.mark_stale, now)
                for project_id in plan.mark_stale:
                    await project_rows.add_event(conn, guild_id, project_id, user_id, "stale", now)
                infos = await silence(conn, guild_id, user_id)
            plan = plan_reminders(infos, now)
        return next_look(plan.next_due, now)

    async def _notify(
        self, project: Project | None, kind: str, anchors: dict[int, str], now: datetime
    ) -> None:
        """One reminder or stale notice, once per silence (the key names its start)."""
        if project is None:  # ended since the plan was read
            return
        stale = kind == STALE_KIND
        await self.notifier.to_member(
            project.guild_id,
            project.user_id,
            key=f"{kind}:{project.guild_id}:{project.id}:{anchors[project.id]}",
            kind=kind,
            embed=self.renderer.stale(project) if stale else self.renderer.reminder(project, now),
        )
