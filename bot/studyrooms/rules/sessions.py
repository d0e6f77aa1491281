"""Voice sessions (pure): what a voice state change does to a member's open session, and what
an ended session credits to the study log.

Choices (documented here once, tested in tests/unit/test_studyrooms_rules.py):
- **Moves between study rooms continue one session** (stored with the room it started in):
  a member hopping rooms is still studying, and splitting would cut each piece against the
  minimum. Moving to a channel that is not a room, to the server's AFK channel (never counted,
  even if marked) or disconnecting ends it.
- **Camera and stream** are recorded as "on at some point of the session".
- **When the bot loses sight of a session** (a restart, a crash, a gateway outage), it knows
  the last instant it saw the member there: the last event, or the periodic checkpoint while
  connected (`CHECKPOINT_INTERVAL`). At start (and after a fresh gateway session) each open
  session is reconciled against the voice states Discord sends with the guild:
  - the member is still in a room and the bot saw them at most `RESUME_GAP` ago: the session
    **continues** (a restart or a short outage is not a break in their study);
  - the member is gone, or the gap was longer: the session **ends at the last-known instant**,
    never at the restart (the bot does not credit time it could not see); a member still in
    a room after a long gap starts a new session then.
- **Credit**: a session shorter than the guild's minimum (default 5 min) is ignored; otherwise
  its minutes go to the member's local day **of its start** (a session across midnight counts
  on the day it began), up to the guild's daily cap of study-room time (default 12 h) minus
  what that day already got from rooms and focus sessions.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Final, Literal

from bot.core.errors import UserFacingError
from bot.core.records import frozen

DEFAULT_MINIMUM_MINUTES: Final = 5
DEFAULT_DAILY_CAP_MINUTES: Final = 12 * 60
#: What a moderator may set: a minimum of 1-60 minutes, a cap of 1-24 hours a day.
MIN_MINIMUM: Final = 1
MAX_MINIMUM: Final = 60
MIN_CAP_HOURS: Final = 1
MAX_CAP_HOURS: Final = 24
MINIMUM_RANGE: Final = (MIN_MINIMUM, MAX_MINIMUM)
DAILY_CAP_HOURS_RANGE: Final = (MIN_CAP_HOURS, MAX_CAP_HOURS)
#: Study rooms plus focus channels a guild may mark.
MAX_CHANNELS: Final = 25
#: A session at least this long ends with the "what did you work on?" prompt.
TAG_PROMPT_MINUTES: Final = 25
#: How often open sessions' `last_seen_at` is written while the gateway is connected.
CHECKPOINT_INTERVAL: Final = timedelta(minutes=5)
#: The longest blind spot a session survives (three missed checkpoints).
RESUME_GAP: Final = 3 * CHECKPOINT_INTERVAL
#: What the member may tag a session as (activity kinds).
TAG_KINDS: Final = ("course", "project", "interview", "math", "reading")
#: The kind a voice or focus entry has until the member tags it (see bot/studyrooms/__init__).
UNTAGGED_KIND: Final = "community"
VOICE_SOURCE: Final = "voice"
FOCUS_SOURCE: Final = "focus"

EndReason = Literal["left", "moved", "afk", "lost", "gone"]


@frozen
class RoomSettings:
    """A guild's study rooms, focus channels, minimum and daily cap."""

    rooms: frozenset[int] = frozenset()
    focus_channels: frozenset[int] = frozenset()
    minimum_minutes: int = DEFAULT_MINIMUM_MINUTES
    daily_cap_minutes: int = DEFAULT_DAILY_CAP_MINUTES

    def counts(self, channel_id: int | None, afk_channel_id: int | None) -> bool:
        """Time in `channel_id` counts: a study room, and not the server's AFK channel."""
        return channel_id is not None and channel_id != afk_channel_id and channel_id in self.rooms

    def allows_focus(self, channel_id: int) -> bool:
        """A focus session may run here: a study room's own chat, or an allowed channel."""
        return channel_id in self.rooms or channel_id in self.focus_channels


@frozen
class Presence:
    """Where a member is in voice now (`channel_id` None: not in voice)."""

    channel_id: int | None
    camera: bool = False
    stream: bool = False


@frozen
class OpenSession:
    """A member's session in study rooms that has not ended yet."""

    channel_id: int
    started_at: datetime
    last_seen_at: datetime
    camera: bool = False
    stream: bool = False
    #: False for a session restored from the database, until the bot sees the member again.
    verified: bool = True


@frozen
class Ended:
    session: OpenSession
    ended_at: datetime
    reason: EndReason


@frozen
class Step:
    """What one voice state change (or a reconcile) did."""

    current: OpenSession | None  # what is open afterwards
    opened: OpenSession | None = None  # a session that began (to insert)
    ended: Ended | None = None  # a session that ended (to close and credit)
    changed: bool = False  # the open session's stored fields changed (flags, verified)


def last_known(session: OpenSession, live_until: datetime | None) -> datetime:
    """The last instant the bot knew the member was in a room: their session's own last
    sighting, or (for a session this process watched) when the bot last knew it was live."""
    if session.verified and live_until is not None and live_until > session.last_seen_at:
        return live_until
    return session.last_seen_at


def leave_reason(presence: Presence, afk_channel_id: int | None) -> EndReason:
    if presence.channel_id is None:
        return "left"
    return "afk" if presence.channel_id == afk_channel_id else "moved"


def step(
    current: OpenSession | None,
    presence: Presence,
    *,
    counts: bool,
    now: datetime,
    reason: EndReason = "left",
    live_until: datetime | None = None,
) -> Step:
    """A voice state change at `now`: `presence` is where the member is afterwards and
    `counts` whether time there counts."""
    lost: Ended | None = None
    if current is not None:
        seen = last_known(current, live_until)
        if now - seen > RESUME_GAP:
            lost, current = Ended(current, seen, "lost"), None
    if not counts:
        if current is None:
            return Step(None, ended=lost)
        return Step(None, ended=Ended(current, now, reason))
    if current is None:
        assert presence.channel_id is not None  # counts implies a channel
        opened = OpenSession(presence.channel_id, now, now, presence.camera, presence.stream)
        return Step(opened, opened=opened, ended=lost)
    updated = replace(
        current,
        camera=current.camera or presence.camera,
        stream=current.stream or presence.stream,
        verified=True,
        last_seen_at=now,
    )
    changed = (updated.camera, updated.stream, updated.verified) != (
        current.camera,
        current.stream,
        current.verified,
    )
    return Step(updated, changed=changed)


def reconcile(
    current: OpenSession | None,
    presence: Presence,
    *,
    counts: bool,
    now: datetime,
    live_until: datetime | None = None,
) -> Step:
    """A member's session against the voice state Discord reports at start (or after a fresh
    gateway session): continue, end at the last-known instant, or begin (see module doc)."""
    if current is not None and not counts:
        return Step(None, ended=Ended(current, last_known(current, live_until), "gone"))
    return step(current, presence, counts=counts, now=now, live_until=live_until)


def session_minutes(started_at: datetime, ended_at: datetime) -> int:
    """Whole minutes of a session (a partial minute is not counted)."""
    return max(0, int((ended_at - started_at).total_seconds() // 60))


@frozen
class Credit:
    """What an ended session gives the study log."""

    minutes: int
    credited: int
    outcome: Literal["counted", "capped", "short", "cap reached"]

    @property
    def prompts(self) -> bool:
        """Long enough for the "what did you work on?" prompt (and it reached the log)."""
        return self.credited > 0 and self.minutes >= TAG_PROMPT_MINUTES


def credit(minutes: int, *, minimum: int, cap: int, already: int) -> Credit:
    """A session of `minutes`, with `already` minutes of room and focus time credited to the
    same local day, under the guild's minimum and daily cap."""
    if minutes < minimum:
        return Credit(minutes, 0, "short")
    room = max(0, cap - already)
    if room == 0:
        return Credit(minutes, 0, "cap reached")
    if minutes > room:
        return Credit(minutes, room, "capped")
    return Credit(minutes, minutes, "counted")


def validate_settings(minimum: int | None, cap_hours: int | None) -> None:
    """Refuse a minimum or daily cap out of range, with a sentence for the moderator."""
    low, high = MINIMUM_RANGE
    if minimum is not None and not low <= minimum <= high:
        raise UserFacingError(f"`minimum` must be between {low} and {high} minutes.")
    low, high = DAILY_CAP_HOURS_RANGE
    if cap_hours is not None and not low <= cap_hours <= high:
        raise UserFacingError(f"`daily_cap` must be between {low} and {high} hours.")


def validate_tag(kind: str) -> str:
    if kind not in TAG_KINDS:
        raise UserFacingError(f"Pick one of: {', '.join(TAG_KINDS)}.")
    return kind
