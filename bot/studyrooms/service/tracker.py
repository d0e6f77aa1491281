"""Voice state events in, sessions out: the in-memory tracker and its write-behind.

`observe` is called for every VOICE_STATE_UPDATE and must stay in the microseconds (10,000
members joining rooms within a minute): it looks the member's open session up in memory,
applies the pure rule (`bot.studyrooms.rules.step`) and queues what changed for the writer
(`BatchWorker`), which writes each batch in one transaction: inserts, flag updates, closes
with their study-log entries, checkpoints. It never awaits.

The database is the record across restarts: at start the open sessions are read back
(`load`), unverified, and each guild's are reconciled against the voice states Discord sends
with the guild (`reconcile`; the rules say what continues and what ends when). While the
gateway is connected, a checkpoint every `CHECKPOINT_INTERVAL` writes "seen now" on every
open session in one statement, so a crash loses at most that much; a clean shutdown
checkpoints and drains the writer (`close`).

A batch whose write fails is logged and dropped. Memory stays right; what a lost write means:
a lost open is re-inserted at its close (`store.sessions.close`), a lost close leaves the
session open in the database until the next start reconciles it at its last checkpoint.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import KW_ONLY, field
from datetime import datetime
from itertools import groupby
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.background import BatchWorker
from bot.core.records import frozen, service
from bot.core.runtime import Core
from bot.studyrooms.rules import (
    CHECKPOINT_INTERVAL,
    Ended,
    OpenSession,
    Presence,
    Step,
    leave_reason,
    reconcile,
    session_minutes,
    step,
)
from bot.studyrooms.service.credit import Credits
from bot.studyrooms.service.models import TagPrompt
from bot.studyrooms.service.rooms import RoomConfig
from bot.studyrooms.store import sessions as session_rows

log = logging.getLogger(__name__)

Key = tuple[int, int]  # (guild_id, user_id)


@frozen
class VoiceEvent:
    """One member's voice state after a change, as the cog reads it from discord.py."""

    guild_id: int
    user_id: int
    channel_id: int | None
    camera: bool = False
    stream: bool = False
    afk_channel_id: int | None = None


@frozen
class Reconciled:
    """What reconciling one guild did (for the log line at start)."""

    continued: int = 0
    ended: int = 0
    opened: int = 0


@frozen
class _Open:
    """A session began: insert it."""

    key: Key
    session: OpenSession


class _Touch(_Open):
    """An open session's stored fields changed (camera, stream, seen again)."""


@frozen
class _Close:
    key: Key
    ended: Ended


@frozen
class _Checkpoint:
    at: datetime


Op = _Open | _Touch | _Close | _Checkpoint


@service
class VoiceTracker:
    """Every member's open session in memory; events in, batched writes out."""

    core: Core
    _: KW_ONLY
    rooms: RoomConfig
    credits: Credits
    #: Whether the gateway is connected now (the cog sets it; a checkpoint while blind would
    #: claim members were seen when they were not).
    connected: Callable[[], bool] = lambda: True
    sessions: dict[Key, OpenSession] = field(default_factory=dict, init=False)
    #: The last instant this process knew the gateway was live (an event or a checkpoint).
    live_until: datetime | None = field(default=None, init=False)
    last_checkpoint: datetime | None = field(default=None, init=False)
    writer: BatchWorker[Op] = field(init=False)

    def __post_init__(self) -> None:
        """The write-behind worker."""
        self.writer = BatchWorker("voice-writer", self._write)

    async def load(self) -> None:
        """Read back the sessions still open in the database (once, before the gateway) in
        the guilds on this process's shards (another process tracks the others)."""
        shards = self.core.settings.shards
        async with self.core.store.connect() as conn:
            rows = [
                row
                for row in await session_rows.open_sessions(conn)
                if shards.owns(row["guild_id"])
            ]
        for row in rows:
            self.sessions[(row["guild_id"], row["user_id"])] = OpenSession(
                row["channel_id"],
                row["started_at"],
                row["last_seen_at"],
                bool(row["camera"]),
                bool(row["stream"]),
                verified=False,
            )
        if rows:
            log.info("%s study-room sessions were open at the last stop", len(rows))

    def observe(self, event: VoiceEvent) -> None:
        """One member's voice state changed (never awaits; the writes follow in batches)."""
        key = (event.guild_id, event.user_id)
        current = self.sessions.get(key)
        counts = self.rooms.of(event.guild_id).counts(event.channel_id, event.afk_channel_id)
        now = self.core.clock.now()
        if current is not None or counts:
            presence = Presence(event.channel_id, event.camera, event.stream)
            reason = leave_reason(presence, event.afk_channel_id)
            self._apply(
                key,
                step(
                    current,
                    presence,
                    counts=counts,
                    now=now,
                    reason=reason,
                    live_until=self.live_until,
                ),
            )
        self.live_until = now

    def reconcile(
        self, guild_id: int, present: Mapping[int, Presence], afk_channel_id: int | None
    ) -> Reconciled:
        """Match the guild's open sessions with where its members are now (`present`: the
        members in voice, by id) at start or after a fresh gateway session."""
        settings = self.rooms.of(guild_id)
        now = self.core.clock.now()
        continued = ended = opened = 0
        keys = {key for key in self.sessions if key[0] == guild_id}
        keys |= {(guild_id, user_id) for user_id in present}
        for key in sorted(keys):
            presence = present.get(key[1], Presence(None))
            result = reconcile(
                self.sessions.get(key),
                presence,
                counts=settings.counts(presence.channel_id, afk_channel_id),
                now=now,
                live_until=self.live_until,
            )
            ended += result.ended is not None
            opened += result.opened is not None
            continued += result.current is not None and result.opened is None
            self._apply(key, result)
        self.live_until = now
        return Reconciled(continued, ended, opened)

    def _apply(self, key: Key, result: Step) -> None:
        if result.ended is not None:
            self.writer.submit(_Close(key, result.ended))
        if result.opened is not None:
            self.writer.submit(_Open(key, result.opened))
        elif result.changed and result.current is not None:
            self.writer.submit(_Touch(key, result.current))
        if result.current is None:
            self.sessions.pop(key, None)
        else:
            self.sessions[key] = result.current

    def open_since(self, guild_id: int, user_id: int) -> datetime | None:
        """When the member's current study-room session began (None: not in a room)."""
        session = self.sessions.get((guild_id, user_id))
        return session.started_at if session is not None else None

    async def checkpoint(self) -> None:
        """Every open session was seen now (the scheduler runs this while connected)."""
        if not self.connected():
            return
        now = self.core.clock.now()
        self.live_until = self.last_checkpoint = now
        if self.sessions:
            self.writer.submit(_Checkpoint(now))

    async def next_checkpoint(self) -> datetime | None:
        """When the simulated scheduler should run the next checkpoint (None: nothing open)."""
        if not self.sessions:
            return None
        return (self.last_checkpoint or self.core.clock.now()) + CHECKPOINT_INTERVAL

    def start(self) -> None:
        """Schedule the checkpoint (once per process, when the gateway is ready)."""
        self.last_checkpoint = self.core.clock.now()
        self.core.scheduler.add_interval(
            "voice-checkpoint",
            self.checkpoint,
            seconds=CHECKPOINT_INTERVAL.total_seconds(),
            wake=self.next_checkpoint,
        )

    async def close(self) -> None:
        """A clean stop: everyone still in a room was seen until now; drain every write."""
        await self.checkpoint()
        await self.writer.drain()
        await self.credits.prompts.drain()

    async def _write(self, ops: list[Op]) -> None:
        """One batch, one transaction. Runs of the same kind of write go out together (an
        executemany for the opens, one for the closes that credit nothing); the order of
        the runs is kept, so a member's open is always written before their close."""
        zones: dict[Key, ZoneInfo] = {}
        for op in ops:
            if not isinstance(op, _Close) or op.key in zones:
                continue
            if self.credits.needs_zone(op.key[0], op.ended):
                zones[op.key] = await self.credits.zone(*op.key)
        prompts: list[TagPrompt] = []
        async with self.core.store.begin() as conn:
            for kind, grouped in groupby(ops, key=type):
                run = list(grouped)
                if kind is _Open:
                    opens = [(*op.key, op.session) for op in run if isinstance(op, _Open)]
                    await session_rows.insert_open_many(conn, opens)
                elif kind is _Close:
                    closes = [op for op in run if isinstance(op, _Close)]
                    prompts += await self._close(conn, closes, zones)
                for op in run:
                    if isinstance(op, _Touch):
                        await session_rows.touch(conn, *op.key, op.session)
                    elif isinstance(op, _Checkpoint):
                        await session_rows.checkpoint(conn, op.at)
        for prompt in prompts:
            self.credits.prompts.submit(prompt)

    async def _close(
        self, conn: AsyncConnection, closes: list[_Close], zones: dict[Key, ZoneInfo]
    ) -> list[TagPrompt]:
        uncredited = [
            (
                *op.key,
                op.ended.session,
                op.ended.ended_at,
                session_minutes(op.ended.session.started_at, op.ended.ended_at),
                op.ended.reason,
            )
            for op in closes
            if op.key not in zones
        ]
        await session_rows.close_uncredited_many(conn, uncredited)
        prompts = []
        for op in closes:
            if op.key in zones:
                prompt = await self.credits.close(conn, *op.key, op.ended, zones[op.key])
                if prompt is not None:
                    prompts.append(prompt)
        return prompts
