"""/setup health."""

from __future__ import annotations

from datetime import datetime

import discord

from bot.core import embeds
from bot.core.text import shorten
from bot.health.rules import ChannelCheck
from bot.health.service import HealthReport


def _when(instant: datetime | None) -> str:
    return discord.utils.format_dt(instant, "R") if instant is not None else "never"


def health_embed(report: HealthReport) -> discord.Embed:
    """The `/setup health` report; amber when a setting is broken, a delivery failed or a
    configured channel is not usable."""
    problems = (
        bool(report.broken)
        or report.deliveries_24h.get("failed", 0) > 0
        or any(not check.ok for check in report.channels)
    )
    embed = embeds.info("Bot health", colour=embeds.WARNING if problems else embeds.SUCCESS)
    jobs = "\n".join(f"`{job}` — next {_when(when)}" for job, when in report.jobs) or "none"
    embed.add_field(name="Scheduled jobs", value=shorten(jobs, 1024), inline=False)
    embed.add_field(name="Reminder dispatcher", value=f"last tick {_when(report.last_tick)}")
    sweep = _when(report.last_sweep)
    if report.last_sweep_seconds is not None:
        sweep += f" ({report.last_sweep_seconds:.2f} s)"
    embed.add_field(name="Pitfall sweep", value=sweep)
    counts = report.deliveries_24h
    pending = counts.get("claimed", 0) + counts.get("retry", 0)
    embed.add_field(
        name="Deliveries, last 24 h",
        value=f"{counts.get('sent', 0)} sent · {pending} pending · {counts.get('failed', 0)} "
        f"failed · {counts.get('skipped', 0)} skipped",
        inline=False,
    )
    broken = "\n".join(f"⚠ {name}: {why}" for name, why in sorted(report.broken.items()))
    embed.add_field(name="Broken settings", value=broken or "none", inline=False)
    embed.add_field(name="Channels", value=_channels(report.channels)[:1024], inline=False)
    return embed


def _channels(checks: list[ChannelCheck]) -> str:
    """One line per configured channel: ✅ usable, or ⚠ the problem and its fix."""
    if not checks:
        return "none configured yet (`/setup channels`)"
    lines = []
    for check in checks:
        if check.ok:
            lines.append(f"✅ {check.setting}: <#{check.channel_id}>")
        else:
            lines.append(f"⚠ {check.setting}: {check.problem}. Fix: {check.fix}.")
    return "\n".join(lines)
