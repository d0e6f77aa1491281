"""Milestones ticked and releases shipped, and the celebration a ship earns.

`ship` records a release and celebrates it once in the accountability channel (ledger key
`ship:{guild}:{project}:{release}`); the project stays active until the member says `done`,
so v2 can follow v1.
"""

from __future__ import annotations

from dataclasses import KW_ONLY
from typing import Any

from bot.core.attempts import Attempt
from bot.core.errors import UserFacingError
from bot.core.records import service
from bot.core.runtime import Core
from bot.core.scheduling.delivery import Sent
from bot.core.scheduling.ledger import OutcomeStatus
from bot.members.api import GuildService
from bot.projects import store as project_rows
from bot.projects.rules import find_milestone, validate_note, validate_url
from bot.projects.service.models import (
    Celebrated,
    CelebrationRenderer,
    MilestoneResult,
    Project,
    ShipResult,
)
from bot.projects.service.portfolio import Portfolio

CELEBRATED: dict[OutcomeStatus, Celebrated] = {
    "sent": "posted",
    "duplicate": "duplicate",
    "failed": "failed",
    "retry": "failed",
    "unavailable": "failed",
}


@service
class Milestones:
    """`/project milestone` and `/project ship`."""

    core: Core
    _: KW_ONLY
    portfolio: Portfolio
    guilds: GuildService
    renderer: CelebrationRenderer

    async def tick(
        self, guild_id: int, user_id: int, project_ref: str | None, milestone_ref: str
    ) -> MilestoneResult:
        """Tick a milestone (by number or title); ticking it again changes nothing."""
        project = await self.portfolio.resolve(guild_id, user_id, project_ref)
        titles = [m.title for m in project.milestones]
        if not titles:
            raise UserFacingError("That project has no milestones.")
        index = find_milestone(titles, milestone_ref)
        milestone = project.milestones[index]
        now = self.core.clock.now()
        today = await self.portfolio.member_today(guild_id, user_id)
        async with self.core.store.begin() as conn:
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
                await self.portfolio.log_activity(
                    conn, project, now, today, source="milestone", note=milestone.title
                )
        updated = await self.portfolio.reload(project)
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
        """Record a release (one transaction), then celebrate it once in the channel."""
        clean_link = validate_url(link, "release link")
        clean_note = validate_note(note)
        project = await self.portfolio.resolve(guild_id, user_id, project_ref)
        now = self.core.clock.now()
        ship_number = project.ship_count + 1
        today = await self.portfolio.member_today(guild_id, user_id)
        values: dict[str, Any] = {"ship_count": ship_number, "last_progress_at": now}
        if project.shipped_at is None:
            values["shipped_at"] = now
        if clean_link and not project.link:
            values["link"] = clean_link
        async with self.core.store.begin() as conn:
            await project_rows.update_project(conn, guild_id, project.id, now, **values)
            await project_rows.add_event(
                conn, guild_id, project.id, user_id, "ship", now, link=clean_link, note=clean_note
            )
            await self.portfolio.log_activity(
                conn, project, now, today, source="ship", note=clean_note
            )
        updated = await self.portfolio.reload(project)
        celebrated = await self._celebrate(updated, clean_link, clean_note, ship_number)
        return ShipResult(updated, clean_link, clean_note, celebrated)

    async def _celebrate(
        self, project: Project, link: str | None, note: str | None, ship_number: int
    ) -> Celebrated:
        settings = await self.guilds.settings(project.guild_id)
        channel_id = settings.channels["accountability"]
        if channel_id is None:
            return "no_channel"
        embed = self.renderer.celebration(project.user_id, project, link, note, ship_number)

        async def send(attempt: Attempt) -> Sent:
            return await self.core.deliverer.to_channel(channel_id, embed=embed, attempt=attempt)

        outcome = await self.core.deliver_once(
            key=f"ship:{project.guild_id}:{project.id}:{ship_number}",
            guild_id=project.guild_id,
            kind="ship",
            send=send,
        )
        return CELEBRATED[outcome.status]
