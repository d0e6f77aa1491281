"""The pitfall feature's SQL, by concern.

- `sweep`: the set-based sweep over `activity`, one range of members at a time;
- `reference`: the sweep's one-member oracle, and the members returning after a break;
- `facts`: what the sweep reads from other features and the member rows;
- `detections`: sweeps and what they found; `nudges`: nudges, feedback and mutes;
- `settings`: a guild's thresholds; `stats`: `/setup stats` aggregates.
"""

from __future__ import annotations

from bot.pitfalls.rules import community_since
from bot.pitfalls.store.batching import (
    CHUNK,
    DETECTION_SLICE,
    RECORD_SLICE,
    STREAM_PARTITION,
    SWEEP_CHUNK,
    SWEEP_READERS,
    SWEEP_RULES_SLICE,
)
from bot.pitfalls.store.detections import (
    SweepRow,
    complete_sweep,
    detection_id,
    detections_of,
    finish_sweep,
    latest_sweep,
    record_detections,
    record_sweep,
    start_sweep,
)
from bot.pitfalls.store.facts import (
    best_streaks,
    community_days,
    departed,
    history_days,
    member_facts,
    nudge_modes,
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
from bot.pitfalls.store.reference import member_signals_reference, returning_members
from bot.pitfalls.store.settings import SettingsRow, all_settings, save_settings, settings
from bot.pitfalls.store.stats import active_members, feedback_counts, flag_counts, minutes_by_kind
from bot.pitfalls.store.sweep import (
    SweepChunk,
    member_edges,
    read_chunk,
    sweep_chunks,
    sweep_guild,
)

__all__ = [
    "CHUNK",
    "DETECTION_SLICE",
    "RECORD_SLICE",
    "STREAM_PARTITION",
    "SWEEP_CHUNK",
    "SWEEP_READERS",
    "SWEEP_RULES_SLICE",
    "NudgeRow",
    "SettingsRow",
    "SweepChunk",
    "SweepRow",
    "active_members",
    "active_mutes",
    "add_nudge",
    "all_settings",
    "best_streaks",
    "community_days",
    "community_since",
    "complete_sweep",
    "delete_nudge",
    "departed",
    "detection_id",
    "detections_of",
    "feedback_counts",
    "finish_sweep",
    "flag_counts",
    "history_days",
    "latest_sweep",
    "member_edges",
    "member_facts",
    "member_signals_reference",
    "minutes_by_kind",
    "mute",
    "nudge",
    "nudge_modes",
    "project_facts",
    "read_chunk",
    "record_detections",
    "record_sweep",
    "returning_members",
    "save_settings",
    "sent_nudges",
    "set_feedback",
    "set_nudge_channel",
    "settings",
    "start_sweep",
    "sweep_chunks",
    "sweep_guild",
]
