"""Group focus sessions: started in a study room's chat or an allowed channel, moved from
phase to phase by the bot's scheduler, credited per round.

One board message per session, posted at start and edited in place at every phase (no stream
of posts); members join and leave with its buttons. The phases live in `focus_sessions`
(`phase_ends_at`), and one scheduler job, `focus-tick`, moves every session whose phase
ended — no timer per session and no sleeping on the wall clock, so a restart resumes where
the database says (a change missed for longer than `MISSED_GRACE` ends the session, see the
rules). Participants who asked for pings are mentioned (only them) in one short message
when a phase begins; it replaces the previous one.
"""

from __future__ import annotations

import logging
from dataclasses import KW_ONLY, replace
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.errors import UserFacingError
from bot.core.records import service
from bot.core.runtime import Core
from bot.core.time import local_date
from bot.daily.api import record_study
from bot.members.api import MemberService
from bot.studyrooms.rules import FOCUS_SOURCE, UNTAGGED_KIND, RoomSettings
from bot.studyrooms.rules import focus as rules
from bot.studyrooms.rules.focus import FocusPlan, Phase
from bot.studyrooms.service.models import (
    FocusAction,
    FocusBoard,
    FocusBoardState,
    FocusClick,
    Participant,
)
from bot.studyrooms.service.rooms import RoomConfig
from bot.studyrooms.service.tracker import VoiceTracker
from bot.studyrooms.store import focus as focus_rows
from bot.studyrooms.store import sessions as session_rows

log = logging.getLogger(__name__)

#: How often the scheduler looks for phases that ended (production; the simulation wakes at
#: the next phase's end exactly).
TICK_SECONDS = 10
STOP_TRIES = 3
ENDED = "This focus session has ended. Start another with `/focus start`."
Button = Literal["join", "leave", "pings"]


def _phase(row: dict[str, Any]) -> Phase:
    return Phase(row["round"], row["phase"], row["phase_started_at"], row["phase_ends_at"])


def _plan(row: dict[str, Any]) -> FocusPlan:
    return FocusPlan(row["focus_minutes"], row["break_minutes"], row["rounds"])


def where_focus_runs(settings: RoomSettings) -> str:
    """The refusal for a channel where focus sessions may not run."""
    if not settings.rooms and not settings.focus_channels:
        return (
            "This server has no study rooms yet: a moderator marks them with "
            "`/setup study-rooms`, then focus sessions run in their chat."
        )
    places = " ".join(f"<#{c}>" for c in sorted(settings.rooms | settings.focus_channels))
    return f"Focus sessions run in a study room's chat or a focus channel: {places}."


@service
class FocusSessions:
    """Start, join, leave, stop; and the tick that moves every session's phases."""

    core: Core
    _: KW_ONLY
    rooms: RoomConfig
    voice: VoiceTracker
    members: MemberService
    board: FocusBoard

    def start_jobs(self) -> None:
        """Schedule the tick (once per process; it catches up what fell due while down)."""
        self.core.scheduler.add_interval(
            "focus-tick", self.tick, seconds=TICK_SECONDS, wake=self.next_due
        )

    async def start(
        self, guild_id: int, channel_id: int, user_id: int, *, length: int, brk: int, rounds: int
    ) -> FocusBoardState:
        """A new session in `channel_id`, its starter in it, its board posted."""
        plan = rules.validate_plan(length, brk, rounds)
        settings = self.rooms.of(guild_id)
        if not settings.allows_focus(channel_id):
            raise UserFacingError(where_focus_runs(settings))
        phase = rules.first_phase(plan, self.core.clock.now())
        async with self.core.store.begin() as conn:
            running = await focus_rows.running_in(conn, guild_id, channel_id)
            if running is not None:
                raise UserFacingError(
                    f"A focus session is already running here (round {running['round']} of "
                    f"{running['rounds']}): join it on its board, or stop it with `/focus stop`."
                )
            session_id = await focus_rows.create(
                conn,
                guild_id=guild_id,
                user_id=user_id,
                channel_id=channel_id,
                plan=plan,
                phase=phase,
            )
            state = await self._state(conn, guild_id, session_id)
        try:
            message_id = await self.board.post(state)
        except Exception:
            async with self.core.store.begin() as conn:
                await focus_rows.save_phase(
                    conn, session_id, replace(phase, name="ended"), reason="gone"
                )
            raise
        async with self.core.store.begin() as conn:
            await focus_rows.save(conn, session_id, message_id=message_id)
        return replace(state, message_id=message_id)

    async def click(
        self, guild_id: int, session_id: int, user_id: int, button: Button
    ) -> FocusClick:
        """Join, Leave or Pings on the board."""
        now = self.core.clock.now()
        async with self.core.store.begin() as conn:
            row = await focus_rows.get(conn, guild_id, session_id)
            if row is None or row["ended_at"] is not None:
                raise UserFacingError(ENDED)
            if button == "join":
                if not await focus_rows.join(conn, guild_id, session_id, user_id, now):
                    raise UserFacingError("You are already in this focus session.")
                action: FocusAction = "joined"
            elif button == "leave":
                if not await focus_rows.update_present(
                    conn, guild_id, session_id, user_id, left_at=now
                ):
                    raise UserFacingError("You are not in this focus session.")
                action = "left"
            else:
                state = await self._state(conn, guild_id, session_id)
                me = next((p for p in state.present if p.user_id == user_id), None)
                if me is None:
                    raise UserFacingError("Join the session first; then pings can be turned on.")
                await focus_rows.update_present(
                    conn, guild_id, session_id, user_id, pings=not me.pings
                )
                action = "pings off" if me.pings else "pings on"
            state = await self._state(conn, guild_id, session_id)
        return FocusClick(state, action)

    async def stop(
        self, guild_id: int, channel_id: int, user_id: int, *, moderator: bool
    ) -> FocusBoardState:
        """End the session running here (or the one the member started elsewhere): by its
        starter or a moderator. The round under way is credited up to now."""
        for _ in range(STOP_TRIES):  # the tick may move it on meanwhile: read it again
            async with self.core.store.connect() as conn:
                row = await focus_rows.running_in(
                    conn, guild_id, channel_id
                ) or await focus_rows.running_started_by(conn, guild_id, user_id)
            if row is None:
                raise UserFacingError("No focus session is running here.")
            if row["user_id"] != user_id and not moderator:
                raise UserFacingError(
                    f"Only <@{row['user_id']}> (who started it) or a moderator can stop this "
                    "session."
                )
            now = self.core.clock.now()
            phase = _phase(row)
            rounds = [(phase.started_at, now)] if phase.name == "focus" else []
            ended = Phase(phase.round, "ended", now, now)
            stopped = await self._move(row, rounds, ended, "stopped")
            if stopped is not None:
                return stopped
        raise UserFacingError("The session is moving to its next phase; stop it again.")

    async def tick(self) -> int:
        """Move every session whose phase ended (the scheduler's job)."""
        now = self.core.clock.now()
        async with self.core.store.connect() as conn:
            rows = await focus_rows.due(conn, now)
        for row in rows:
            try:
                await self._advance(row, now)
            except Exception:  # one session's failure must not stall the others
                log.exception("focus session %s could not move on", row["id"])
        return len(rows)

    async def next_due(self) -> datetime | None:
        """When the next phase ends, in any session (the simulated scheduler wakes then)."""
        async with self.core.store.connect() as conn:
            return await focus_rows.next_due(conn)

    async def _advance(self, row: dict[str, Any], now: datetime) -> None:
        plan, phase = _plan(row), _phase(row)
        rounds: list[tuple[datetime, datetime]] = []
        reason = "done"
        while phase.name != "ended" and phase.ends_at <= now:
            if rules.late_beyond_grace(phase.ends_at, now):
                phase, reason = Phase(phase.round, "ended", phase.ends_at, phase.ends_at), "missed"
                break
            if phase.name == "focus":
                rounds.append((phase.started_at, phase.ends_at))
            phase = rules.next_phase(plan, phase)
        await self._move(row, rounds, phase, reason)

    async def _move(
        self,
        row: dict[str, Any],
        rounds: list[tuple[datetime, datetime]],
        phase: Phase,
        reason: str,
    ) -> FocusBoardState | None:
        """Move the session from the phase `row` shows to `phase`, credit the rounds that
        ended, show it on the board; None (nothing done) when someone else moved it first."""
        guild_id, session_id = row["guild_id"], row["id"]
        await self.voice.writer.drain()  # room sessions in the database, for the overlaps
        async with self.core.store.connect() as conn:
            people = await focus_rows.participants(conn, guild_id, session_id)
        credited = {
            p["user_id"]
            for p in people
            for _, end in rounds
            if rules.present_at(p["joined_at"], p["left_at"], end)
        }
        zones = {u: (await self.members.context(guild_id, u)).zone for u in credited}
        async with self.core.store.begin() as conn:
            moved = await focus_rows.save_phase(
                conn, session_id, phase, reason=reason, expected=_phase(row)
            )
            if not moved:
                return None
            for start, end in rounds:
                await self._credit_round(conn, row, people, zones, start, end)
            state = await self._state(conn, guild_id, session_id)
        await self._publish(state, announce=reason in ("done", "stopped"))
        return state

    async def _credit_round(
        self,
        conn: AsyncConnection,
        row: dict[str, Any],
        people: list[dict[str, Any]],
        zones: dict[int, ZoneInfo],
        start: datetime,
        end: datetime,
    ) -> None:
        guild_id = row["guild_id"]
        present = [p for p in people if rules.present_at(p["joined_at"], p["left_at"], end)]
        voice = await session_rows.counted_intervals(
            conn, guild_id, [p["user_id"] for p in present], start, end
        )
        minimum = self.rooms.of(guild_id).minimum_minutes
        for person in present:
            user_id = person["user_id"]
            minutes = rules.round_credit(
                start, end, person["joined_at"], voice.get(user_id, []), minimum=minimum
            )
            zone = zones.get(user_id)
            if not minutes or zone is None:
                continue
            began = max(start, person["joined_at"])
            await record_study(
                conn,
                guild_id=guild_id,
                user_id=user_id,
                occurred_at=began,
                local_day=local_date(began, zone),
                kind=UNTAGGED_KIND,
                minutes=minutes,
                source=FOCUS_SOURCE,
                ref=f"focus:{row['id']}",
            )
            await focus_rows.add_credit(conn, guild_id, row["id"], user_id, minutes)

    async def _publish(self, state: FocusBoardState, *, announce: bool) -> None:
        """The board edited in place; opted-in participants pinged about the new phase."""
        if state.message_id is not None and not await self.board.update(state):
            if state.running:  # the board was deleted: nobody can join or leave any more
                log.info("focus session %s lost its board; ending it", state.session_id)
                async with self.core.store.begin() as conn:
                    now = self.core.clock.now()
                    ended = Phase(state.round, "ended", now, now)
                    await focus_rows.save_phase(conn, state.session_id, ended, reason="gone")
            return
        pinged = [p.user_id for p in state.present if p.pings]
        if not announce or not pinged:
            return
        message_id = await self.board.ping(state, pinged)
        if message_id is None:
            return
        async with self.core.store.begin() as conn:
            await focus_rows.save(conn, state.session_id, ping_message_id=message_id)
        if state.ping_message_id is not None:
            await self.board.delete(state.channel_id, state.ping_message_id)

    async def _state(
        self, conn: AsyncConnection, guild_id: int, session_id: int
    ) -> FocusBoardState:
        row = await focus_rows.get(conn, guild_id, session_id)
        assert row is not None
        people = await focus_rows.participants(conn, guild_id, session_id)
        return FocusBoardState(
            session_id=session_id,
            guild_id=guild_id,
            channel_id=row["channel_id"],
            message_id=row["message_id"],
            starter_id=row["user_id"],
            plan=_plan(row),
            round=row["round"],
            phase=row["phase"],
            phase_ends_at=row["phase_ends_at"],
            participants=tuple(
                Participant(
                    p["user_id"], bool(p["pings"]), p["credited_minutes"], p["left_at"] is None
                )
                for p in people
            ),
            end_reason=row["end_reason"],
            ping_message_id=row["ping_message_id"],
        )
