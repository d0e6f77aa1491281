"""Study log, progress dashboard, roadmap, leaderboards, goals, onboarding, digest (issue 9).

Community messages are counted in `community_days` (one counter row per member per local
day, capped), not as activity rows: a busy channel costs one upsert per message and never
multiplies rows. `bot.progress.store.community_days` merges those counters with activity of
kind `community` (pairing, public check-ins, `/log kind:community`) for the isolation rule.

Other features' numbers (projects, interview strength, pitfall flags, shipped and review
counts) are read through their public methods; a method that does not exist (yet) counts as
"nothing recorded", so this dashboard works with any subset of features installed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from bot.catalog import Catalog
from bot.core.errors import UserFacingError
from bot.core.scheduling.delivery import DeliveryFailed
from bot.core.scheduling.dispatcher import Served
from bot.core.store import deliveries as ledger
from bot.core.store import reminders as reminder_rows
from bot.core.time import at_local_time, local_date, next_fire, resolve_zone
from bot.members.service.profiles import NUDGE_MODES
from bot.progress import rules
from bot.progress import store as rows
from bot.wiring import FeatureService

if TYPE_CHECKING:
    from bot.wiring import Services

log = logging.getLogger(__name__)

DIGEST = "digest"
DIGEST_AT = time(8, 0)
HISTORY_SIZE = 15
CHART_WEEKS = 8
DASHBOARD_WEEKS = 4
GOAL_CHOICES_HOURS = (2, 3, 5, 8, 10, 15, 20)


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoggedEntry:
    id: int
    kind: str
    minutes: int
    topic: str | None  # display name (skill name or the member's text)
    note: str | None
    local_day: date
    week_minutes: int
    goal_minutes: int | None


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    occurred_at: datetime
    local_day: date
    kind: str
    minutes: int
    source: str
    topic: str | None
    note: str | None

    @property
    def deletable(self) -> bool:
        return self.source == "log"


@dataclass(frozen=True)
class Portfolio:
    active: int = 0
    shipped: int = 0
    shipped_domains: tuple[str, ...] = ()
    domain_count: int = 0
    last_checkin_at: datetime | None = None


@dataclass(frozen=True)
class Flag:
    pitfall: str
    evidence: Mapping[str, Any]
    detected_at: datetime | None


@dataclass(frozen=True)
class Dashboard:
    user_id: int
    own: bool
    today: date
    weeks: list[rules.WeekMinutes]  # CHART_WEEKS, oldest first
    last4: dict[str, int]
    streak_current: int
    streak_best: int
    portfolio: Portfolio
    strengths: dict[str, float]
    coverage: rules.Coverage
    next_skill: str | None
    readiness: rules.Readiness
    community_days: int
    goal: rules.GoalProgress
    flags: list[Flag]
    catalog: Catalog

    @property
    def theory_practice(self) -> tuple[int, int]:
        return rules.split_theory_practice(self.last4)


@dataclass(frozen=True)
class SkillState:
    id: str
    name: str
    checked: bool
    evidence: str | None


@dataclass(frozen=True)
class RoadmapView:
    track_id: str | None  # None = overview of every track
    track_name: str | None
    skills: list[SkillState]
    coverage: rules.Coverage
    track_names: dict[str, str]
    next_skill: tuple[str, str] | None  # (id, name)


@dataclass(frozen=True)
class CheckResult:
    skill_id: str
    skill_name: str
    new: bool
    evidence: str | None
    coverage: rules.Coverage


@dataclass(frozen=True)
class LeaderboardView:
    board: str
    period: str
    ranked: rules.Board
    viewer_opted_in: bool
    available: bool = True  # False when the feature behind the board is not installed
    best: dict[int, int] = field(default_factory=dict)  # streak board: best streaks


@dataclass(frozen=True)
class Onboarding:
    timezone: str | None
    guild_timezone: str
    focus_tracks: list[str]
    tracks: list[tuple[str, str]]  # (id, name)
    goal_hours: int | None
    dm_opt_in: bool
    nudge_mode: str
    saved: str | None = None  # what the last action saved, for the confirmation line


@dataclass(frozen=True)
class WelcomeConfig:
    channel_id: int | None
    enabled: bool


@dataclass(frozen=True)
class DigestView:
    digest: rules.Digest
    focus_label: str
    goal_hours: int | None


# --- helpers ------------------------------------------------------------------------------


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _strength(value: Any) -> float:
    """A category strength as 0-1, whatever shape the interview feature hands back."""
    if not isinstance(value, int | float):
        for name in ("strength", "score", "value"):
            candidate = _get(value, name)
            if isinstance(candidate, int | float):
                value = candidate
                break
        else:
            return 0.0
    number = float(value)
    if number > 1.0:  # a percentage
        number /= 100.0
    return min(1.0, max(0.0, number))


def _tracks(catalog: Catalog) -> list[tuple[str, list[str]]]:
    return [(t.id, [s.id for s in t.skills]) for t in catalog.tracks]


def _skill_name(catalog: Catalog, skill_id: str | None) -> str | None:
    if skill_id is None:
        return None
    skill = catalog.skills.get(skill_id)
    return skill.name if skill else skill_id


def resolve_skill(catalog: Catalog, text: str) -> str:
    """A skill id from an id or a (case-insensitive) name; UserFacingError otherwise."""
    wanted = text.strip()
    if wanted in catalog.skills:
        return wanted
    lowered = wanted.lower()
    for skill in catalog.skills.values():
        if skill.name.lower() == lowered or skill.id == lowered:
            return skill.id
    raise UserFacingError(
        "I do not know that skill. Start typing and pick one from the list "
        "(`/roadmap view` shows them all)."
    )


def skill_choices(catalog: Catalog, typed: str, limit: int = 25) -> list[tuple[str, str]]:
    """(name, id) of skills matching `typed`, prefix matches first."""
    needle = typed.strip().lower()
    scored: list[tuple[int, int, str, str]] = []
    for index, skill in enumerate(catalog.skills.values()):
        name = skill.name.lower()
        if not needle:
            score = 1
        elif name.startswith(needle) or skill.id.startswith(needle):
            score = 0
        elif needle in name or needle in skill.id:
            score = 1
        else:
            continue
        scored.append((score, index, skill.name, skill.id))
    scored.sort()
    return [(name, skill_id) for _s, _i, name, skill_id in scored[:limit]]


# --- the service --------------------------------------------------------------------------


class ProgressService(FeatureService):
    def __init__(self, services: Services) -> None:
        super().__init__(services)
        # guild -> members who turned community tracking off; loaded on a guild's first
        # message, kept current by `set_tracking` (the only writer).
        self._opt_outs: dict[int, set[int]] = {}

    def wire(self) -> None:
        self.services.dispatcher.register_claimed(DIGEST, self.digest_reminder)

    async def setup_summary(self, guild_id: int) -> list[tuple[str, str]]:
        config = await self.welcome_config(guild_id)
        if config.enabled and config.channel_id:
            value = f"on, in <#{config.channel_id}>"
        elif config.channel_id:
            value = f"off (channel <#{config.channel_id}>)"
        else:
            value = "off"
        return [("Welcome greeting", value)]

    # --- small shared reads -------------------------------------------------------------

    async def _member_day(self, guild_id: int, user_id: int) -> tuple[date, Any]:
        return await self.services.daily.member_day(guild_id, user_id)

    def _catalog(self, guild_id: int) -> Catalog:
        return self.services.catalog.for_guild(guild_id)

    async def prefs(self, guild_id: int, user_id: int) -> dict[str, Any]:
        async with self.services.store.connect() as conn:
            return await rows.prefs(conn, guild_id, user_id)

    async def _save_prefs(self, guild_id: int, user_id: int, **values: Any) -> dict[str, Any]:
        async with self.services.store.begin() as conn:
            return await rows.save_prefs(
                conn, guild_id, user_id, self.services.clock.now(), **values
            )

    # --- /log, undo, /history -------------------------------------------------------------

    def topic_choices(self, guild_id: int, typed: str) -> list[tuple[str, str]]:
        return skill_choices(self._catalog(guild_id), typed)

    async def log(
        self,
        guild_id: int,
        user_id: int,
        *,
        minutes: int,
        kind: str,
        topic: str | None = None,
        note: str | None = None,
    ) -> LoggedEntry:
        rules.validate_minutes(minutes)
        rules.validate_kind(kind)
        cleaned_note = rules.clean_note(note)
        catalog = self._catalog(guild_id)
        topic_id: str | None = None
        if topic is not None and topic.strip():
            try:
                topic_id = resolve_skill(catalog, topic)
            except UserFacingError:
                topic_id = " ".join(topic.split())
                if len(topic_id) > rules.MAX_TOPIC_CHARS:
                    raise UserFacingError(
                        f"Keep the topic under {rules.MAX_TOPIC_CHARS} characters, or pick a "
                        "roadmap skill from the list."
                    ) from None
        activity_id = await self.services.activity.record(
            guild_id,
            user_id,
            kind=kind,
            minutes=minutes,
            source="log",
            topic=topic_id,
            note=cleaned_note,
        )
        today, _zone = await self._member_day(guild_id, user_id)
        async with self.services.store.connect() as conn:
            day_rows = await rows.minutes_by_day_kind(
                conn, guild_id, user_id, rules.week_start(today)
            )
            prefs = await rows.prefs(conn, guild_id, user_id)
        week = rules.minutes_by_week(day_rows, today, 1)[0]
        return LoggedEntry(
            id=activity_id,
            kind=kind,
            minutes=minutes,
            topic=_skill_name(catalog, topic_id),
            note=cleaned_note,
            local_day=today,
            week_minutes=week.total,
            goal_minutes=prefs["goal_minutes"],
        )

    async def _own_log_entry(self, guild_id: int, user_id: int, activity_id: int) -> dict[str, Any]:
        async with self.services.store.connect() as conn:
            row = await rows.entry(conn, guild_id, activity_id)
        if row is None:
            raise UserFacingError("That entry is already gone.")
        if row["user_id"] != user_id:
            raise UserFacingError("Only the member who logged this entry can change it.")
        if row["source"] != "log":
            raise UserFacingError(
                "Only entries you added with `/log` can be deleted; the bot records the rest "
                "(daily prompts, interviews, projects) from what you did."
            )
        return row

    async def undo(self, guild_id: int, user_id: int, activity_id: int) -> HistoryEntry:
        row = await self._own_log_entry(guild_id, user_id, activity_id)
        if not rules.undo_allowed(self.services.clock.now() - row["occurred_at"]):
            raise UserFacingError(
                "Undo works for 24 hours. Use `/history` to delete older entries."
            )
        return await self._delete(guild_id, row)

    async def delete_entry(self, guild_id: int, user_id: int, activity_id: int) -> HistoryEntry:
        row = await self._own_log_entry(guild_id, user_id, activity_id)
        return await self._delete(guild_id, row)

    async def _delete(self, guild_id: int, row: dict[str, Any]) -> HistoryEntry:
        async with self.services.store.begin() as conn:
            if not await rows.delete_entry(conn, guild_id, row["id"]):
                raise UserFacingError("That entry is already gone.")
        return self._history_entry(self._catalog(guild_id), row)

    @staticmethod
    def _history_entry(catalog: Catalog, row: dict[str, Any]) -> HistoryEntry:
        return HistoryEntry(
            id=row["id"],
            occurred_at=row["occurred_at"],
            local_day=date.fromisoformat(row["local_date"]),
            kind=row["kind"],
            minutes=row["minutes"],
            source=row["source"],
            topic=_skill_name(catalog, row["topic"]),
            note=row["note"],
        )

    async def history(self, guild_id: int, user_id: int) -> list[HistoryEntry]:
        async with self.services.store.connect() as conn:
            found = await rows.recent_entries(conn, guild_id, user_id, HISTORY_SIZE)
        catalog = self._catalog(guild_id)
        return [self._history_entry(catalog, row) for row in found]

    # --- community messages ---------------------------------------------------------------

    async def _tracking_opt_outs(self, guild_id: int) -> set[int]:
        cached = self._opt_outs.get(guild_id)
        if cached is None:
            async with self.services.store.connect() as conn:
                cached = await rows.tracking_opt_outs(conn, guild_id)
            self._opt_outs[guild_id] = cached
        return cached

    async def community_message(self, guild_id: int, user_id: int) -> bool:
        """Count one message toward the member's community day. Returns True if counted."""
        if user_id in await self._tracking_opt_outs(guild_id):
            return False
        now = self.services.clock.now()
        async with self.services.store.connect() as conn:
            member_zone, guild_zone = await rows.message_zones(conn, guild_id, user_id)
        day = local_date(now, resolve_zone(member_zone, guild_zone))
        async with self.services.store.begin() as conn:
            return await rows.bump_community(
                conn, guild_id, user_id, day, now, rules.COMMUNITY_DAILY_CAP
            )

    async def set_tracking(self, guild_id: int, user_id: int, enabled: bool) -> bool:
        await self._save_prefs(guild_id, user_id, tracking=enabled)
        opt_outs = await self._tracking_opt_outs(guild_id)
        if enabled:
            opt_outs.discard(user_id)
        else:
            opt_outs.add(user_id)
        return enabled

    # --- goals ----------------------------------------------------------------------------

    async def set_goal(self, guild_id: int, user_id: int, hours: int) -> rules.GoalProgress:
        rules.validate_goal_hours(hours)
        await self._save_prefs(guild_id, user_id, goal_minutes=hours * 60)
        return await self.goal(guild_id, user_id)

    async def goal(self, guild_id: int, user_id: int) -> rules.GoalProgress:
        today, _zone = await self._member_day(guild_id, user_id)
        async with self.services.store.connect() as conn:
            prefs = await rows.prefs(conn, guild_id, user_id)
            day_rows = await rows.minutes_by_day_kind(
                conn, guild_id, user_id, rules.week_start(today)
            )
        week = rules.minutes_by_week(day_rows, today, 1)[0]
        return rules.goal_progress(prefs["goal_minutes"], week)

    # --- other features, read defensively -------------------------------------------------

    async def _call(self, owner: object, name: str, *args: Any) -> Any:
        method: Callable[..., Awaitable[Any]] | None = getattr(owner, name, None)
        if method is None:
            return None
        try:
            return await method(*args)
        except NotImplementedError:
            return None

    async def _portfolio(self, guild_id: int, user_id: int) -> Portfolio:
        summary = await self._call(self.services.projects, "portfolio_summary", guild_id, user_id)
        if summary is None:
            return Portfolio()
        raw_domains = _get(summary, "shipped_domains", ())
        if isinstance(raw_domains, int):
            domains: tuple[str, ...] = ()
            count = raw_domains
        else:
            domains = tuple(sorted(str(d) for d in raw_domains or ()))
            count = len(domains)
        return Portfolio(
            active=int(_get(summary, "active", 0) or 0),
            shipped=int(_get(summary, "shipped", 0) or 0),
            shipped_domains=domains,
            domain_count=count,
            last_checkin_at=_get(summary, "last_checkin_at"),
        )

    async def _strengths(self, guild_id: int, user_id: int) -> dict[str, float]:
        found = await self._call(self.services.interview, "strength_by_category", guild_id, user_id)
        if not found:
            return {}
        if isinstance(found, Mapping):
            return {str(k): _strength(v) for k, v in found.items()}
        return {
            str(_get(item, "category")): _strength(item)
            for item in found
            if _get(item, "category") is not None
        }

    async def _flags(self, guild_id: int, user_id: int) -> list[Flag]:
        found = await self._call(self.services.pitfalls, "flags_for", guild_id, user_id)
        return [
            Flag(
                pitfall=str(_get(item, "pitfall")),
                evidence=dict(_get(item, "evidence", {}) or {}),
                detected_at=_get(item, "detected_at"),
            )
            for item in found or ()
        ]

    async def _reviews_due(self, guild_id: int, user_id: int) -> int:
        found = await self._call(self.services.interview, "due_count", guild_id, user_id)
        return int(found or 0)

    # --- /progress ------------------------------------------------------------------------

    async def dashboard(self, guild_id: int, viewer_id: int, user_id: int) -> Dashboard:
        own = viewer_id == user_id
        if not own:
            profile = await self.services.members.profile(guild_id, user_id)
            if not profile.profile_public:
                raise UserFacingError(
                    "That member keeps their progress private. They can share it with "
                    "`/settings profile public:True`."
                )
        today, _zone = await self._member_day(guild_id, user_id)
        since = rules.week_start(today) - timedelta(weeks=CHART_WEEKS - 1)
        community_since = today - timedelta(days=rules.READINESS_COMMUNITY_WINDOW_DAYS - 1)
        async with self.services.store.connect() as conn:
            day_rows = await rows.minutes_by_day_kind(conn, guild_id, user_id, since)
            prefs = await rows.prefs(conn, guild_id, user_id)
            checked = await rows.checks(conn, guild_id, user_id)
            community = await rows.community_days(conn, guild_id, community_since, user_id=user_id)
        weeks = rules.minutes_by_week(day_rows, today, CHART_WEEKS)
        streak = await self.services.daily.streak(guild_id, user_id)
        portfolio = await self._portfolio(guild_id, user_id)
        strengths = await self._strengths(guild_id, user_id)
        flags = await self._flags(guild_id, user_id)
        catalog = self._catalog(guild_id)
        tracks = _tracks(catalog)
        coverage = rules.roadmap_coverage(tracks, checked)
        from bot.catalog.constants import QUESTION_CATEGORIES

        readiness = rules.readiness_score(
            coverage=coverage.fraction,
            shipped_domains=portfolio.domain_count,
            interview_strengths=strengths,
            interview_categories=QUESTION_CATEGORIES,
            community_days=community.get(user_id, 0),
        )
        return Dashboard(
            user_id=user_id,
            own=own,
            today=today,
            weeks=weeks,
            last4=rules.totals_by_kind(weeks[-DASHBOARD_WEEKS:]),
            streak_current=streak.current,
            streak_best=streak.best,
            portfolio=portfolio,
            strengths=strengths,
            coverage=coverage,
            next_skill=rules.next_skill(tracks, checked, prefs["focus_tracks"]),
            readiness=readiness,
            community_days=community.get(user_id, 0),
            goal=rules.goal_progress(prefs["goal_minutes"], weeks[-1]),
            flags=flags,
            catalog=catalog,
        )

    # --- /roadmap -------------------------------------------------------------------------

    def track_choices(self, guild_id: int, typed: str) -> list[tuple[str, str]]:
        needle = typed.strip().lower()
        return [
            (t.name, t.id)
            for t in self._catalog(guild_id).tracks
            if not needle or needle in t.name.lower() or needle in t.id
        ][:25]

    async def roadmap(self, guild_id: int, user_id: int, track: str | None) -> RoadmapView:
        catalog = self._catalog(guild_id)
        if not catalog.tracks:
            raise UserFacingError("This server has no roadmap loaded yet.")
        async with self.services.store.connect() as conn:
            checked = await rows.checks(conn, guild_id, user_id)
            prefs = await rows.prefs(conn, guild_id, user_id)
        tracks = _tracks(catalog)
        coverage = rules.roadmap_coverage(tracks, checked)
        names = {t.id: t.name for t in catalog.tracks}
        track_id: str | None = None
        skills: list[SkillState] = []
        focus = list(prefs["focus_tracks"])
        if track is not None:
            wanted = track.strip()
            match = next(
                (
                    t
                    for t in catalog.tracks
                    if wanted in (t.id, t.name) or wanted.lower() == t.name.lower()
                ),
                None,
            )
            if match is None:
                raise UserFacingError("I do not know that track; pick one from the list.")
            track_id = match.id
            focus = [match.id]
            skills = [
                SkillState(
                    s.id,
                    s.name,
                    s.id in checked,
                    checked[s.id]["evidence"] if s.id in checked else None,
                )
                for s in match.skills
            ]
        suggestion = rules.next_skill(tracks, checked, focus)
        return RoadmapView(
            track_id=track_id,
            track_name=names.get(track_id) if track_id else None,
            skills=skills,
            coverage=coverage,
            track_names=names,
            next_skill=(suggestion, _skill_name(catalog, suggestion) or suggestion)
            if suggestion
            else None,
        )

    async def check_skill(
        self, guild_id: int, user_id: int, skill: str, evidence: str | None
    ) -> CheckResult:
        catalog = self._catalog(guild_id)
        skill_id = resolve_skill(catalog, skill)
        link = rules.validate_evidence(evidence)
        async with self.services.store.begin() as conn:
            new = await rows.save_check(
                conn, guild_id, user_id, skill_id, link, self.services.clock.now()
            )
            checked = await rows.checks(conn, guild_id, user_id)
        return CheckResult(
            skill_id=skill_id,
            skill_name=_skill_name(catalog, skill_id) or skill_id,
            new=new,
            evidence=checked[skill_id]["evidence"],
            coverage=rules.roadmap_coverage(_tracks(catalog), checked),
        )

    async def uncheck_skill(self, guild_id: int, user_id: int, skill: str) -> CheckResult:
        catalog = self._catalog(guild_id)
        skill_id = resolve_skill(catalog, skill)
        async with self.services.store.begin() as conn:
            removed = await rows.remove_check(conn, guild_id, user_id, skill_id)
            checked = await rows.checks(conn, guild_id, user_id)
        if not removed:
            raise UserFacingError("That skill was not checked.")
        return CheckResult(
            skill_id=skill_id,
            skill_name=_skill_name(catalog, skill_id) or skill_id,
            new=False,
            evidence=None,
            coverage=rules.roadmap_coverage(_tracks(catalog), checked),
        )

    # --- /leaderboard ---------------------------------------------------------------------

    async def leaderboard(
        self, guild_id: int, viewer_id: int, board: str, period: str
    ) -> LeaderboardView:
        settings = await self.services.guilds.settings(guild_id)
        guild_zone = resolve_zone(None, settings.timezone)
        now = self.services.clock.now()
        today = local_date(now, guild_zone)
        since = rules.period_start(period, today)
        since_at = at_local_time(since, time(0, 0), guild_zone) if since else None
        values: dict[int, int] = {}
        best: dict[int, int] = {}
        available = True
        async with self.services.store.connect() as conn:
            opted = await rows.opted_in_members(conn, guild_id)
            viewer_in = viewer_id in opted
            if board == "minutes":
                values = await rows.minutes_board(conn, guild_id, since)
            elif board == "streak":
                for row in await rows.streak_board(conn, guild_id):
                    member_today = local_date(now, resolve_zone(row["timezone"], settings.timezone))
                    last = date.fromisoformat(row["last_day"]) if row["last_day"] else None
                    values[row["user_id"]] = rules.live_streak(
                        row["current"], last, row["freezes"], member_today
                    )
                    best[row["user_id"]] = row["best"]
            elif board in ("shipped", "reviews"):
                counts = await self._feature_counts(conn, board, guild_id, since_at)
                if counts is None:
                    available = False
                else:
                    values = {int(u): int(v) for u, v in counts.items() if int(u) in opted}
            else:
                raise UserFacingError("Board must be streak, minutes, shipped or reviews.")
        return LeaderboardView(
            board=board,
            period=period,
            ranked=rules.rank_board(values, viewer_id),
            viewer_opted_in=viewer_in,
            available=available,
            best=best,
        )

    async def _feature_counts(
        self, conn: Any, board: str, guild_id: int, since: datetime | None
    ) -> Mapping[Any, Any] | None:
        """shipped via bot.projects.store.shipped_counts, reviews via
        bot.interview.store.review_counts; None when that feature is not installed."""
        import importlib

        module_name, func_name = {
            "shipped": ("bot.projects.store", "shipped_counts"),
            "reviews": ("bot.interview.store", "review_counts"),
        }[board]
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            return None
        func = getattr(module, func_name, None)
        if func is None:
            return None
        result: Mapping[Any, Any] = await func(conn, guild_id, since)
        return result

    # --- onboarding -----------------------------------------------------------------------

    async def onboarding(self, guild_id: int, user_id: int, saved: str | None = None) -> Onboarding:
        profile = await self.services.members.profile(guild_id, user_id)
        settings = await self.services.guilds.settings(guild_id)
        prefs = await self.prefs(guild_id, user_id)
        goal = prefs["goal_minutes"]
        return Onboarding(
            timezone=profile.timezone,
            guild_timezone=settings.timezone,
            focus_tracks=list(prefs["focus_tracks"]),
            tracks=[(t.id, t.name) for t in self._catalog(guild_id).tracks],
            goal_hours=goal // 60 if goal else None,
            dm_opt_in=profile.dm_opt_in,
            nudge_mode=profile.nudge_mode,
            saved=saved,
        )

    async def save_onboarding(
        self, guild_id: int, user_id: int, step: str, values: Sequence[str]
    ) -> Onboarding:
        """One onboarding choice: timezone, tracks, goal, dms or nudges."""
        members = self.services.members
        if step == "timezone":
            if not values:
                raise UserFacingError("Pick a timezone.")
            profile = await members.set_timezone(guild_id, user_id, values[0])
            saved = f"Timezone: {profile.timezone}"
        elif step == "tracks":
            known = {t.id: t.name for t in self._catalog(guild_id).tracks}
            chosen = [v for v in values if v in known]
            if len(chosen) != len(values):
                raise UserFacingError("One of those tracks is no longer on the roadmap.")
            await self._save_prefs(guild_id, user_id, focus_tracks=chosen)
            saved = "Focus: " + (", ".join(known[c] for c in chosen) or "none")
        elif step == "goal":
            try:
                hours = int(values[0])
            except (IndexError, ValueError):
                raise UserFacingError("Pick a weekly goal from the list.") from None
            await self.set_goal(guild_id, user_id, hours)
            saved = f"Weekly goal: {hours} h"
        elif step == "dms":
            enabled = bool(values) and values[0] == "on"
            await members.set_dms(guild_id, user_id, enabled)
            saved = "DMs: " + ("on" if enabled else "off")
        elif step == "nudges":
            mode = values[0] if values else ""
            if mode not in NUDGE_MODES:
                raise UserFacingError("Nudge mode must be inbox, dm or off.")
            await members.set_nudge_mode(guild_id, user_id, mode)
            saved = f"Nudges: {mode}"
        else:
            raise UserFacingError("That onboarding step does not exist any more; run `/start`.")
        return await self.onboarding(guild_id, user_id, saved=saved)

    # --- welcome --------------------------------------------------------------------------

    async def welcome_config(self, guild_id: int) -> WelcomeConfig:
        async with self.services.store.connect() as conn:
            row = await rows.welcome(conn, guild_id)
        return WelcomeConfig(row["channel_id"], bool(row["enabled"]))

    async def configure_welcome(
        self, guild_id: int, *, channel_id: int | None, enabled: bool | None
    ) -> WelcomeConfig:
        values: dict[str, Any] = {}
        if channel_id is not None:
            values["channel_id"] = channel_id
            if enabled is None:
                values["enabled"] = True  # picking a channel means "greet there"
        if enabled is not None:
            values["enabled"] = enabled
        current = await self.welcome_config(guild_id)
        if values.get("enabled") and (values.get("channel_id") or current.channel_id) is None:
            raise UserFacingError("Pick a channel for the greeting: `/setup welcome channel:`.")
        if values:
            async with self.services.store.begin() as conn:
                await rows.save_welcome(conn, guild_id, self.services.clock.now(), **values)
        return await self.welcome_config(guild_id)

    async def greet(self, guild_id: int, user_id: int) -> str:
        """Greet a member who just joined in the welcome channel (never by DM).

        Returns "sent", "off", "duplicate" or "failed"."""
        import bot.progress.views as progress_ui

        config = await self.welcome_config(guild_id)
        if not config.enabled or config.channel_id is None:
            return "off"
        now = self.services.clock.now()
        key = f"welcome:{guild_id}:{user_id}:{now.date().isoformat()}"
        async with self.services.store.begin() as conn:
            if not await ledger.claim(conn, key, guild_id, "welcome", now):
                return "duplicate"
        post = progress_ui.welcome_post(guild_id, user_id)
        try:
            sent = await self.services.deliverer.to_channel(
                config.channel_id,
                embed=post.embed,
                view=post.view,
                content=post.content,
                allowed_mentions=post.allowed_mentions,
            )
        except DeliveryFailed as failure:
            async with self.services.store.begin() as conn:
                await ledger.finish(
                    conn, key, "failed", self.services.clock.now(), detail=failure.reason
                )
            log.warning("guild %s: welcome greeting failed: %s", guild_id, failure.reason)
            return "failed"
        async with self.services.store.begin() as conn:
            await ledger.finish(
                conn,
                key,
                "sent",
                self.services.clock.now(),
                channel_id=sent.channel_id,
                message_id=sent.message_id,
            )
        return "sent"

    # --- weekly digest --------------------------------------------------------------------

    async def _next_digest(self, guild_id: int, user_id: int, after: datetime) -> datetime:
        _today, zone = await self._member_day(guild_id, user_id)
        return next_fire(after, DIGEST_AT, zone, {0})

    async def set_digest(self, guild_id: int, user_id: int, enabled: bool) -> datetime | None:
        """Opt in or out; returns when the next digest is due (None when off)."""
        await self._save_prefs(guild_id, user_id, digest=enabled)
        due = (
            await self._next_digest(guild_id, user_id, self.services.clock.now())
            if enabled
            else None
        )
        async with self.services.store.begin() as conn:
            if due is not None:
                await reminder_rows.upsert(conn, guild_id, user_id, DIGEST, due)
            else:
                await reminder_rows.remove(conn, guild_id, user_id, DIGEST)
        return due

    async def digest(self, guild_id: int, user_id: int) -> DigestView:
        """Last week's digest (the member's previous Monday-to-Sunday)."""
        today, _zone = await self._member_day(guild_id, user_id)
        this_monday = rules.week_start(today)
        last_monday = this_monday - timedelta(weeks=1)
        async with self.services.store.connect() as conn:
            day_rows = await rows.minutes_by_day_kind(conn, guild_id, user_id, last_monday)
            prefs = await rows.prefs(conn, guild_id, user_id)
            checked = await rows.checks(conn, guild_id, user_id)
            sessions = await rows.count_entries(
                conn, guild_id, user_id, last_monday, this_monday, kind="interview"
            )
            updates = await rows.count_entries(
                conn,
                guild_id,
                user_id,
                last_monday,
                this_monday,
                kind="project",
                exclude_source="log",
            )
        last_week = rules.minutes_by_week(day_rows, this_monday - timedelta(days=1), 1)[0]
        streak = await self.services.daily.streak(guild_id, user_id)
        strengths = await self._strengths(guild_id, user_id)
        catalog = self._catalog(guild_id)
        suggestion = rules.next_skill(_tracks(catalog), checked, prefs["focus_tracks"])
        digest = rules.build_digest(
            last_week=last_week,
            goal_minutes=prefs["goal_minutes"],
            streak=streak.current,
            interview_sessions=sessions,
            reviews_due=await self._reviews_due(guild_id, user_id),
            project_updates=updates,
            interview_strengths=strengths,
            next_skill_id=suggestion,
        )
        return DigestView(
            digest=digest,
            focus_label=self._focus_label(catalog, digest.focus),
            goal_hours=prefs["goal_minutes"] // 60 if prefs["goal_minutes"] else None,
        )

    @staticmethod
    def _focus_label(catalog: Catalog, focus: rules.Focus) -> str:
        from bot.catalog.constants import QUESTION_CATEGORY_LABELS

        if focus.kind == "practice":
            return (
                "Build something: your theory outweighs practice. Pick one `/project` "
                "milestone or a coding session before the next course video."
            )
        if focus.kind == "interview":
            label = QUESTION_CATEGORY_LABELS.get(focus.detail, focus.detail)
            return f"Interview practice in **{label}**, your weakest category."
        if focus.kind == "roadmap":
            return f"Next roadmap skill: **{_skill_name(catalog, focus.detail)}**."
        if focus.kind == "goal":
            return "Meet your weekly goal: block the time in your calendar now."
        return "Keep going: the same rhythm again this week."

    async def digest_reminder(self, row: dict[str, Any], now: datetime, key: str) -> Served:
        """Dispatcher handler (claimed batch: everyone's Monday 08:00 falls due together)."""
        import bot.progress.views as progress_ui

        guild_id, user_id = row["guild_id"], row["user_id"]
        prefs = await self.prefs(guild_id, user_id)
        if not prefs["digest"]:
            return Served(None, delivered=False)
        view = await self.digest(guild_id, user_id)
        await self.services.notifier.to_member(
            guild_id,
            user_id,
            key=key,
            kind=DIGEST,
            embed=progress_ui.digest_embed(view),
            claimed=True,
        )
        return Served(await self._next_digest(guild_id, user_id, now))
