"""What `/setup health` covers (pure): a guild's jobs and the window of deliveries counted."""

from __future__ import annotations

from datetime import timedelta

#: Deliveries counted by `/setup health`.
DELIVERY_WINDOW = timedelta(hours=24)


def is_guild_job(job_id: str, guild_id: int) -> bool:
    """Whether a scheduler job concerns this guild: its own (`daily:<guild>`) or a global one
    (an id without a colon, such as `dispatcher-tick`)."""
    return job_id.endswith(f":{guild_id}") or ":" not in job_id
