"""What the pitfall service answers with: a sweep's numbers, a nudge ready to render, a
member's feedback, a guild's statistics (plain records, so views and the dashboard can
use them without the service)."""

from __future__ import annotations

from dataclasses import field
from datetime import datetime

from bot.core.records import frozen


@frozen
class SweepResult:
    """What one sweep of a guild did (numbers only)."""

    guild_id: int
    swept_at: datetime
    members_evaluated: int
    detections: int
    nudges: int
    seconds: float
    skipped: bool = False


@frozen
class NudgeMessage:
    """A nudge filled in for one member, ready for the renderer."""

    row_id: int
    guild_id: int
    user_id: int
    pitfall: str
    nudge_id: str
    title: str
    body: str
    action: str
    evidence: dict[str, int | float | str]


@frozen
class FeedbackResult:
    """A member's answer to a nudge, and the mute it set ("Not for me")."""

    pitfall: str
    choice: str
    muted_until: datetime | None
    repeated: bool


@frozen
class GuildStats:
    """`/setup stats`: aggregates of the guild's activity, flags and nudges."""

    active_7: int
    active_28: int
    minutes_28: dict[str, int]
    flagged: dict[str, int]
    last_sweep_at: datetime | None
    members_evaluated: int
    nudges_28: dict[str, int] = field(default_factory=dict)
