"""`/remind`: a member's own reminders, one-off ("tomorrow 9am") or repeating
("weekday 18:30"), read in their timezone and delivered once.

Served by the due-reminder dispatcher: one `due_reminders` row per member (kind `remind`) at
their earliest reminder. Each occurrence claims its ledger key,
`remind:{guild}:{user}:{id}:{instant}`, before it is sent (a DM where the member opted in,
else their next command reply), so a restart or two racing ticks deliver it once; one missed
while the bot was down is still sent within the catch-up grace, and skipped (recorded in the
ledger) after it. A repeating reminder's next occurrence is computed in the member's zone,
so DST never moves it.
"""

from __future__ import annotations

import logging
from dataclasses import KW_ONLY
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import discord

from bot.core.errors import NotFoundError, UserFacingError
from bot.core.records import frozen, service
from bot.core.runtime import Core
from bot.core.store import deliveries as ledger
from bot.core.time import format_hhmm, instant_key, mask_to_weekdays, parse_hhmm, weekdays_to_mask
from bot.members.api import MemberService, Notifier
from bot.reminders import rules
from bot.reminders import store as rows

log = logging.getLogger(__name__)

#: The ledger kind of a delivered reminder.
DELIVERY_KIND = "reminder"


@frozen
class Reminder:
    """One of a member's reminders, at its next occurrence."""

    id: int
    text: str
    due_at: datetime
    repeat: rules.Repeat | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Reminder:
        """A reminder from a stored `personal_reminders` row."""
        repeat = None
        if row["repeat_time"] is not None and row["repeat_days"]:
            repeat = rules.Repeat(
                parse_hhmm(row["repeat_time"]), mask_to_weekdays(row["repeat_days"])
            )
        return cls(row["id"], row["text"], row["due_at_utc"], repeat)


@frozen
class Reminders:
    """A member's reminders and the zone they read in."""

    items: list[Reminder]
    zone: ZoneInfo


@frozen
class Preview:
    """What a `when` or `every` text means for the member, before they send it."""

    due: datetime | None
    zone: ZoneInfo
    repeat: rules.Repeat | None = None
    problem: str = ""
    #: The text was not readable at all (rather than, say, a time that has passed).
    unreadable: bool = False


class ReminderRenderer(Protocol):
    """How a delivered reminder looks (`bot.reminders.views` provides it at wiring time)."""

    def reminder_embed(self, reminder: Reminder, zone: ZoneInfo) -> discord.Embed:
        """The DM or inbox item for one occurrence."""


@service
class ReminderService:
    """Add, list and delete a member's reminders; deliver each occurrence once."""

    core: Core
    _: KW_ONLY
    members: MemberService
    notifier: Notifier
    renderer: ReminderRenderer

    def __post_init__(self) -> None:
        """Serve the members' `remind` rows from the dispatcher."""
        self.core.dispatcher.register(rows.REMIND, self.serve)

    async def add(
        self, guild_id: int, user_id: int, *, what: str, when: str | None, every: str | None
    ) -> tuple[Reminder, ZoneInfo]:
        """`/remind add`: a one-off reminder at `when` or a repeating one `every`; refuses
        both or neither, text it cannot read and a member at the cap."""
        text = rules.validate_text(what)
        if (when is None) == (every is None):
            raise UserFacingError(
                "Give `when` for a one-off reminder (`tomorrow 9am`) or `every` for a "
                "repeating one (`weekday 18:30`), not both."
            )
        context = await self.members.context(guild_id, user_id)
        repeat = rules.parse_every(every) if every is not None else None
        due = (
            repeat.next_after(context.now, context.zone)
            if repeat is not None
            else rules.parse_when(when or "", context.now, context.zone)
        )
        async with self.core.store.begin() as conn:
            rules.check_room(await rows.count(conn, guild_id, user_id))
            reminder_id = await rows.add(
                conn,
                guild_id,
                user_id,
                text=text,
                due_at=due,
                repeat_time=format_hhmm(repeat.at) if repeat else None,
                repeat_days=weekdays_to_mask(repeat.weekdays) if repeat else None,
                now=context.now,
            )
            await rows.sync_member(conn, guild_id, user_id)
        return Reminder(reminder_id, text, due, repeat), context.zone

    async def preview(self, guild_id: int, user_id: int, text: str, *, every: bool) -> Preview:
        """What `text` would mean as `when` (or `every`) for this member now (autocomplete)."""
        context = await self.members.context(guild_id, user_id)
        try:
            if every:
                repeat = rules.parse_every(text)
                return Preview(repeat.next_after(context.now, context.zone), context.zone, repeat)
            return Preview(rules.parse_when(text, context.now, context.zone), context.zone)
        except rules.Unreadable as refusal:
            return Preview(None, context.zone, problem=refusal.message, unreadable=True)
        except UserFacingError as refusal:
            return Preview(None, context.zone, problem=refusal.message)

    async def list(self, guild_id: int, user_id: int) -> Reminders:
        """The member's reminders, soonest first, and their zone."""
        context = await self.members.context(guild_id, user_id)
        async with self.core.store.connect() as conn:
            found = await rows.of_member(conn, guild_id, user_id)
        return Reminders([Reminder.from_row(row) for row in found], context.zone)

    async def delete(
        self, guild_id: int, user_id: int, reference: str
    ) -> tuple[Reminder, ZoneInfo]:
        """`/remind delete`: one of the member's own reminders (by the id autocomplete gave);
        returns it and the member's zone."""
        context = await self.members.context(guild_id, user_id)
        reminder_id = int(reference) if reference.strip().isdigit() else 0
        async with self.core.store.begin() as conn:
            row = await rows.get(conn, guild_id, user_id, reminder_id)
            if row is None:
                raise NotFoundError(
                    "You have no such reminder. Pick one from the list as you type, or see "
                    "them all with `/remind list`."
                )
            await rows.remove(conn, reminder_id)
            await rows.sync_member(conn, guild_id, user_id)
        return Reminder.from_row(row), context.zone

    async def serve(self, row: dict[str, Any], now: datetime) -> datetime | None:
        """Dispatcher handler: deliver each of the member's due reminders once, move
        repeating ones to their next occurrence, and return when the member's next one is."""
        guild_id, user_id = row["guild_id"], row["user_id"]
        context = await self.members.context(guild_id, user_id)
        grace = timedelta(hours=self.core.settings.catchup_grace_hours)
        async with self.core.store.connect() as conn:
            due = [
                Reminder.from_row(found) for found in await rows.due(conn, guild_id, user_id, now)
            ]
        for reminder in due:
            key = f"{rows.REMIND}:{guild_id}:{user_id}:{reminder.id}:{instant_key(reminder.due_at)}"
            if rules.is_late(reminder.due_at, now, grace):
                async with self.core.store.begin() as conn:
                    await ledger.record_skip(
                        conn,
                        key,
                        guild_id,
                        DELIVERY_KIND,
                        now,
                        f"missed by {now - reminder.due_at}, grace {grace}",
                        self.core.store.claimant,
                    )
                log.info("reminder %s missed beyond the grace window", reminder.id)
            else:
                await self.notifier.to_member(
                    guild_id,
                    user_id,
                    key=key,
                    kind=DELIVERY_KIND,
                    embed=self.renderer.reminder_embed(reminder, context.zone),
                )
            async with self.core.store.begin() as conn:
                if reminder.repeat is None:
                    await rows.remove(conn, reminder.id)
                else:
                    following = reminder.repeat.next_after(max(now, reminder.due_at), context.zone)
                    await rows.move(conn, reminder.id, reminder.due_at, following)
        async with self.core.store.begin() as conn:
            return await rows.sync_member(conn, guild_id, user_id)
