"""Pitfall detection sweep and nudges that do not spam (issue 9).

Once a day per guild (10:00 guild time, job `pitfalls:<guild_id>`) `sweep()` aggregates every
member with a few set-based queries per range of members, applies the four rules of
`bot.pitfalls.rules` to each range in short slices on the event loop (`bot.pitfalls.assess`),
records each detection with its evidence a slice per transaction, and then sends at most a
few nudges under the policy: the same pitfall at most once per 7 days, at most 2 per member
per rolling week (one per sweep), nothing for a muted pitfall, never the same text twice in
a row.

Delivery follows the member's `/settings nudges` mode: `inbox` (default) keeps the nudge for
their next command reply; `dm` sends a DM where allowed, and the notifier falls back to the
inbox when it bounces; `off` sends nothing (detections are still recorded for `/progress`).
A sweep missed while the bot was down is not caught up: the next day's sweep sees the same
activity, and nudges are never urgent.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import time as perf
from collections.abc import Iterator
from dataclasses import KW_ONLY, field
from datetime import date, datetime, timedelta
from itertools import groupby, pairwise
from operator import itemgetter
from typing import Protocol

import discord

from bot.catalog import CatalogRegistry, Nudge, render_nudge
from bot.core.attempts import Attempt
from bot.core.changes import SCHEDULE
from bot.core.cooperative import paced
from bot.core.errors import UserFacingError
from bot.core.records import service
from bot.core.runtime import Core
from bot.core.scheduling.ledger import Delivered
from bot.core.time import local_date, resolve_zone
from bot.members.api import GuildService, GuildSettings, Notifier
from bot.pitfalls import store as rows
from bot.pitfalls.assess import assess_guild
from bot.pitfalls.results import FeedbackResult, GuildStats, NudgeMessage, SweepResult
from bot.pitfalls.rules import (
    FEEDBACK_CHOICES,
    HISTORY_DAYS,
    NOT_FOR_ME,
    SWEEP_TIME,
    WELCOME_BACK_AWAY_DAYS,
    Detection,
    Finding,
    NudgePolicy,
    PitfallConfig,
    PitfallFlag,
    SentNudge,
    finding_detection,
    finding_evidence,
    in_pitfall_order,
    mute_until,
    next_nudge_id,
    nudge_key,
    nudge_seed,
    plan_nudges,
    welcome_back,
)
from bot.pitfalls.thresholds import threshold_changes

log = logging.getLogger(__name__)

NUDGE_KIND = "nudge"


class NudgeRenderer(Protocol):
    """How a nudge looks (`bot.pitfalls.views.PitfallViews` provides it at wiring time)."""

    def nudge(self, message: NudgeMessage) -> tuple[discord.Embed, discord.ui.View]:
        """Build the nudge's embed and its feedback buttons."""
        ...


@service
class PitfallService:
    """The daily sweep per guild, the nudges it sends, and the members' answers to them."""

    policy = NudgePolicy()

    core: Core
    _: KW_ONLY
    catalog: CatalogRegistry
    guilds: GuildService
    notifier: Notifier
    renderer: NudgeRenderer
    # Across guilds, the most recent sweep: for `/setup health`.
    last_sweep_at: datetime | None = field(default=None, init=False)
    last_sweep_seconds: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        """Follow guild timezone changes (they move the 10:00 sweep)."""
        self.guilds.listeners.append(self.sync_jobs)

    async def start(self) -> None:
        """Schedule the sweep of every guild the bot knows or is in (once, when ready)."""
        # Two reads for every guild, not two per guild: a process of 500 guilds took seconds.
        guilds = await self.guilds.all_settings()
        async with self.core.store.connect() as conn:
            stored = await rows.all_settings(conn)
        present = {guild.id for guild in self.core.deliverer.client.guilds}
        owns = self.core.settings.shards.owns
        for guild_id in sorted(filter(owns, guilds.keys() | stored.keys() | present)):
            zone = (guilds.get(guild_id) or GuildSettings.default(guild_id)).timezone
            await self._schedule(guild_id, _config(stored.get(guild_id)), zone)

    async def setup_summary(self, guild_id: int) -> list[tuple[str, str]]:
        """Return the line this feature adds to `/setup show`."""
        config = await self.config(guild_id)
        return [("Pitfall nudges", config.describe())]

    # --- configuration ---------------------------------------------------------------------

    async def config(self, guild_id: int) -> PitfallConfig:
        """Return the guild's sweep settings (the defaults when it never changed them)."""
        async with self.core.store.connect() as conn:
            row = await rows.settings(conn, guild_id)
        return _config(row)

    async def configure(
        self,
        guild_id: int,
        values: dict[str, float | None],
        *,
        enabled: bool | None = None,
        reset: bool = False,
    ) -> PitfallConfig:
        """Set thresholds (None leaves one as it is); `reset` first returns to the defaults."""
        async with self.core.store.begin() as conn:
            current = _config(await rows.settings(conn, guild_id))
            overrides, problems = threshold_changes({} if reset else current.overrides, values)
            if problems:
                raise UserFacingError("Nothing was saved: " + " ".join(problems))
            row = await rows.save_settings(
                conn, guild_id, self.core.clock.now(), overrides=overrides, enabled=enabled
            )
            await self.core.changes.publish(guild_id, SCHEDULE, conn)  # the sweep's job
        config = _config(row)
        await self._schedule(guild_id, config)
        return config

    @staticmethod
    def job_id(guild_id: int) -> str:
        """Return the id of the guild's sweep job."""
        return f"pitfalls:{guild_id}"

    async def sync_jobs(self, guild_id: int) -> None:
        """(Re)schedule the guild's daily sweep, or remove it when pitfalls are off."""
        await self._schedule(guild_id, await self.config(guild_id))

    async def _schedule(
        self, guild_id: int, config: PitfallConfig, zone: str | None = None
    ) -> None:
        """`zone`: the guild's timezone setting when the caller has read it already."""
        scheduler = self.core.scheduler
        if not config.enabled:
            scheduler.remove(self.job_id(guild_id))
            return
        if zone is None:
            zone = (await self.guilds.settings(guild_id)).timezone

        async def job() -> None:
            await self.scheduled_sweep(guild_id)

        scheduler.add_cron(
            self.job_id(guild_id),
            job,
            hour=SWEEP_TIME.hour,
            minute=SWEEP_TIME.minute,
            day_of_week="mon,tue,wed,thu,fri,sat,sun",
            timezone=resolve_zone(None, zone),
        )

    # --- the sweep -----------------------------------------------------------------------------

    async def scheduled_sweep(self, guild_id: int) -> SweepResult | None:
        """The daily job: one sweep per guild and local day, whichever process fires it (a
        ledger key `sweep:{guild}:{local date}`; None when it already ran)."""
        settings = await self.guilds.settings(guild_id)
        day = local_date(self.core.clock.now(), resolve_zone(None, settings.timezone))
        results: list[SweepResult] = []

        async def run(_attempt: Attempt) -> Delivered:
            result = await self.sweep(guild_id)
            results.append(result)
            return Delivered(detail=f"{result.members_evaluated} members, {result.nudges} nudges")

        outcome = await self.core.deliver_once(
            key=f"sweep:{guild_id}:{day.isoformat()}",
            guild_id=guild_id,
            kind="sweep",
            send=run,
        )
        if outcome.status == "duplicate":
            log.info("guild %s: the pitfall sweep of %s already ran", guild_id, day)
        return results[0] if results else None

    async def sweep(self, guild_id: int) -> SweepResult:
        """Evaluate every member of the guild, record detections, deliver nudges."""
        started = perf.perf_counter()
        now = self.core.clock.now()
        config = await self.config(guild_id)
        if not config.enabled:
            return SweepResult(guild_id, now, 0, 0, 0, 0.0, skipped=True)
        t = config.thresholds
        async with self.core.store.connect() as conn:
            # Range by range: read (two at once), the rules in the worker process.
            assessed = await assess_guild(conn, guild_id, now, t, workers=self.core.workers)
            # Welcome-backs are nudges but not pitfalls: delivered, not recorded as flags.
            away = WELCOME_BACK_AWAY_DAYS
            returning = await rows.returning_members(conn, guild_id, now, min_days_away=away)
        evaluated, found = assessed.evaluated, assessed.found
        sweep_id = await self._record(guild_id, now, evaluated, found)
        welcomes: list[Finding] = [
            (user_id, detection.pitfall, finding_evidence(detection.evidence))
            for user_id, (days_away, best) in returning.items()
            if user_id not in assessed.departed
            and (detection := welcome_back(days_away, best)).fires
        ]
        sent = await self._deliver(guild_id, now, found, welcomes, sweep_id)
        seconds = perf.perf_counter() - started
        async with self.core.store.begin() as conn:
            await rows.finish_sweep(conn, sweep_id, seconds, sent)
        self.last_sweep_at = now
        self.last_sweep_seconds = seconds
        self.core.telemetry.sweep(seconds)
        log.info(
            "guild %s: pitfall sweep of %s members, %s detections, %s nudges in %.3f s",
            guild_id,
            evaluated,
            len(found),
            sent,
            seconds,
        )
        return SweepResult(guild_id, now, evaluated, len(found), sent, seconds)

    async def _record(
        self, guild_id: int, now: datetime, evaluated: int, found: list[Finding]
    ) -> int:
        """Record the sweep and its detections, a slice per transaction (members' writes
        wait for one slice, not for all of a big guild's); the sweep is visible to readers
        once complete."""
        store = self.core.store
        async with store.begin() as conn:
            sweep_id = await rows.start_sweep(conn, guild_id, now, evaluated, len(found))
        for start in range(0, len(found), rows.RECORD_SLICE):
            await store.let_writers_in()  # a member's write waits for one slice at most
            async with store.begin() as conn:
                part = found[start : start + rows.RECORD_SLICE]
                await rows.record_detections(conn, guild_id, sweep_id, now, part)
        async with store.begin() as conn:
            await rows.complete_sweep(conn, sweep_id)
        return sweep_id

    async def _deliver(
        self,
        guild_id: int,
        now: datetime,
        found: list[Finding],
        welcomes: list[Finding],
        sweep_id: int,
    ) -> int:
        # A big guild's findings are ~100k: the members are collected in a worker thread
        # (Python-level steps the loop can interleave with) and the findings merged lazily
        # below, instead of one sort of all of them (a single C call: it held the loop 65 ms).
        by_member, user_ids = await asyncio.to_thread(_by_member, found, welcomes)
        if not user_ids:
            return 0
        async with self.core.store.connect() as conn:
            modes = await rows.nudge_modes(conn, guild_id, user_ids)
            history = await rows.sent_nudges(
                conn, guild_id, user_ids, now - timedelta(days=HISTORY_DAYS)
            )
            mutes = await rows.active_mutes(conn, guild_id, user_ids, now)
        catalog = self.catalog.for_guild(guild_id)
        guild_zone = resolve_zone(None, (await self.guilds.settings(guild_id)).timezone)
        today = local_date(now, guild_zone)
        sent = 0
        unmuted: dict[str, datetime] = {}
        async for user_id, findings in paced(groupby(by_member, key=itemgetter(0))):
            mode = modes.get(user_id)  # absent: the default, the inbox
            if mode == "off":
                continue
            past = history.get(user_id, [])
            # pitfall -> its finding; the evidence is decoded only for a nudge about to go
            # out (most findings are held back by the policy: a decode each was wasted).
            fired = {finding[1]: finding for finding in findings}
            chosen = plan_nudges(fired, past, mutes.get(user_id, unmuted), now, self.policy)
            for pitfall in chosen:
                nudge = _pick(catalog.nudges_for(pitfall), past, guild_id, user_id, today)
                if nudge is None:
                    log.info("guild %s: no nudge text for %s in the catalog", guild_id, pitfall)
                    continue
                try:
                    sent += await self._send(
                        guild_id,
                        user_id,
                        nudge,
                        finding_detection(fired[pitfall]),
                        sweep_id,
                        prefer_dm=mode == "dm",
                        now=now,
                    )
                except Exception:  # one member's failure must not end the guild's sweep
                    log.exception("guild %s: nudge to %s failed", guild_id, user_id)
        return sent

    async def _send(
        self,
        guild_id: int,
        user_id: int,
        nudge: Nudge,
        detection: Detection,
        sweep_id: int,
        *,
        prefer_dm: bool,
        now: datetime,
    ) -> int:
        try:
            body, action = render_nudge(nudge, detection.evidence)
        except KeyError:
            log.warning("nudge %s cannot be filled from %s", nudge.id, detection.evidence)
            return 0
        async with self.core.store.begin() as conn:
            # (None for a welcome-back: not a pitfall, never recorded as a detection.)
            found = await rows.detection_id(conn, guild_id, sweep_id, user_id, detection.pitfall)
            row_id = await rows.add_nudge(
                conn, guild_id, user_id, detection.pitfall, nudge.id, found, now
            )
        message = NudgeMessage(
            row_id=row_id,
            guild_id=guild_id,
            user_id=user_id,
            pitfall=detection.pitfall,
            nudge_id=nudge.id,
            title=nudge.title,
            body=body,
            action=action,
            evidence=detection.evidence,
        )
        embed, view = self.renderer.nudge(message)
        how = await self.notifier.to_member(
            guild_id,
            user_id,
            key=nudge_key(guild_id, user_id, detection.pitfall, now),
            kind=NUDGE_KIND,
            embed=embed,
            view=view,
            prefer_dm=prefer_dm,
            payload={
                "nudge": row_id,
                "pitfall": detection.pitfall,
                "action": action,
                "guild": guild_id,
            },
        )
        async with self.core.store.begin() as conn:
            if how == "duplicate":
                await rows.delete_nudge(conn, row_id)
                return 0
            await rows.set_nudge_channel(conn, row_id, how)
        return 1

    # --- members -------------------------------------------------------------------------------

    async def flags_for(self, guild_id: int, user_id: int) -> list[PitfallFlag]:
        """Return the member's detections in the guild's latest sweep (for `/progress`)."""
        async with self.core.store.connect() as conn:
            latest = await rows.latest_sweep(conn, guild_id)
            if latest is None:
                return []
            found = await rows.detections_of(conn, guild_id, latest.id, user_id)
        return in_pitfall_order(found)

    async def feedback(
        self, guild_id: int, user_id: int, row_id: int, choice: str
    ) -> FeedbackResult:
        """**On it** / **Not for me** on a nudge; the latter mutes that pitfall for 30 days."""
        if choice not in FEEDBACK_CHOICES:
            raise ValueError(f"unknown feedback {choice!r}")
        now = self.core.clock.now()
        async with self.core.store.begin() as conn:
            row = await rows.nudge(conn, guild_id, row_id)
            if row is None:
                raise UserFacingError("I no longer have that nudge.")
            if row.user_id != user_id:
                raise UserFacingError("This nudge was meant for another member.")
            repeated = row.feedback == choice
            await rows.set_feedback(conn, row_id, choice, now)
            until = None
            if choice == NOT_FOR_ME:
                until = mute_until(now, self.policy)
                await rows.mute(conn, guild_id, user_id, row.pitfall, until, now)
        return FeedbackResult(row.pitfall, choice, until, repeated)

    # --- moderators ----------------------------------------------------------------------------

    async def stats(self, guild_id: int) -> GuildStats:
        """Count for `/setup stats`: numbers only, never which member."""
        now = self.core.clock.now()
        async with self.core.store.connect() as conn:
            active_7 = await rows.active_members(conn, guild_id, now - timedelta(days=7))
            active_28 = await rows.active_members(conn, guild_id, now - timedelta(days=28))
            minutes = await rows.minutes_by_kind(conn, guild_id, now - timedelta(days=28))
            latest = await rows.latest_sweep(conn, guild_id)
            flagged = await rows.flag_counts(conn, guild_id, latest.id) if latest else {}
            nudges = await rows.feedback_counts(conn, guild_id, now - timedelta(days=28))
        return GuildStats(
            active_7=active_7,
            active_28=active_28,
            minutes_28=minutes,
            flagged=flagged,
            last_sweep_at=latest.swept_at if latest else None,
            members_evaluated=latest.members_evaluated if latest else 0,
            nudges_28=nudges,
        )


def _config(row: rows.SettingsRow | None) -> PitfallConfig:
    if row is None:  # never configured: on, with the default thresholds
        return PitfallConfig.from_stored(True, {})
    return PitfallConfig.from_stored(row.enabled, row.overrides)


def _pick(
    nudges: list[Nudge], past: list[SentNudge], guild_id: int, user_id: int, today: date
) -> Nudge | None:
    """Return the catalog nudge `next_nudge_id` chooses for this member today (or None)."""
    if not nudges:
        return None
    pitfall = nudges[0].pitfall
    seed = nudge_seed(guild_id, user_id, pitfall, today)
    chosen = next_nudge_id([n.id for n in nudges], past, pitfall, seed)
    return next(n for n in nudges if n.id == chosen)


def _by_member(
    found: list[Finding], welcomes: list[Finding]
) -> tuple[Iterator[Finding], list[int]]:
    """The findings in member order (lazily) and the members who have any. Stable: a
    member's findings keep their order (pitfalls in rule order, then the welcome-back).

    The sweep yields `found` in member order already; it is sorted here only if not."""
    member = itemgetter(0)
    if not all(a[0] <= b[0] for a, b in pairwise(found)):
        found = sorted(found, key=member)
    ordered = heapq.merge(found, sorted(welcomes, key=member), key=member)
    members = {finding[0] for finding in found} | {finding[0] for finding in welcomes}
    return ordered, sorted(members)
