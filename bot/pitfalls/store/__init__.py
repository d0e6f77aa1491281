"""The pitfall feature's SQL, by concern.

- `sweep`: the set-based, partitioned sweep over `activity` (and its one-member oracle);
- `facts`: what the sweep reads from other features and the member rows;
- `detections`: sweeps and what they found; `nudges`: nudges, feedback and mutes;
- `settings`: a guild's thresholds; `stats`: `/setup stats` aggregates.
"""

from __future__ import annotations

from bot.pitfalls.rules import community_since
from bot.pitfalls.store.batching import CHUNK, DETECTION_SLICE, STREAM_PARTITION
from bot.pitfalls.store.detections import (
    SweepRow,
    detections_of,
    finish_sweep,
    latest_sweep,
    record_sweep,
)
from bot.pitfalls.store.facts import (
    NudgePrefs,
    best_streaks,
    community_days,
    departed,
    history_days,
    nudge_prefs,
    project_facts,
)
from bot.pitfalls.store.nudges import (
    NudgeRow,
    active_mutes,
    add_nudge,
    delete_nudge,
    mute,
    nudge,
    sent_nudges,
    set_feedback,
    set_nudge_channel,
)
from bot.pitfalls.store.settings import SettingsRow, configured_guild_ids, save_settings, settings
from bot.pitfalls.store.stats import active_members, feedback_counts, flag_counts, minutes_by_kind
from bot.pitfalls.store.sweep import member_signals_reference, returning_members, sweep_guild

__all__ = [
    "CHUNK",
    "DETECTION_SLICE",
    "STREAM_PARTITION",
    "NudgePrefs",
    "NudgeRow",
    "SettingsRow",
    "SweepRow",
    "active_members",
    "active_mutes",
    "add_nudge",
    "best_streaks",
    "community_days",
    "community_since",
    "configured_guild_ids",
    "delete_nudge",
    "departed",
    "detections_of",
    "feedback_counts",
    "finish_sweep",
    "flag_counts",
    "history_days",
    "latest_sweep",
    "member_signals_reference",
    "minutes_by_kind",
    "mute",
    "nudge",
    "nudge_prefs",
    "project_facts",
    "record_sweep",
    "returning_members",
    "save_settings",
    "sent_nudges",
    "set_feedback",
    "set_nudge_channel",
    "settings",
    "sweep_guild",
]
