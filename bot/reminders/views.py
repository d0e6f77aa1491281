"""How reminders look: the delivered reminder, `/remind` answers, and the autocomplete
choices that show what a `when` or `every` text means before it is sent."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import discord
from discord import app_commands

from bot.core import embeds
from bot.core.options import CHOICE_VALUE_MAX
from bot.core.text import escape, shorten
from bot.reminders.rules import EVERY_HINT, MAX_REMINDERS, WHEN_HINT, describe_local
from bot.reminders.service import Preview, Reminder, Reminders

#: Shown under a reminder that was set: where it will arrive.
WHERE_IT_ARRIVES = (
    "By DM if you allow DMs (`/settings dms`), otherwise with your next command reply."
)


def local_time_label(instant: datetime, zone: ZoneInfo) -> str:
    """ "Tue 3 Mar 2026, 09:00 Asia/Tokyo (00:00 UTC)": the member's wall clock, then UTC."""
    utc = instant.astimezone(UTC)
    return f"{describe_local(instant, zone)} {zone.key} ({utc:%H:%M} UTC)"


def _schedule(reminder: Reminder, zone: ZoneInfo) -> str:
    if reminder.repeat is None:
        return local_time_label(reminder.due_at, zone)
    return (
        f"{reminder.repeat.describe()} ({zone.key}); next {describe_local(reminder.due_at, zone)}"
    )


class ReminderViews:
    """The renderer the reminders service delivers with."""

    def reminder_embed(self, reminder: Reminder, zone: ZoneInfo) -> discord.Embed:
        """One occurrence, as a DM or an inbox item (the member's text escaped)."""
        text = escape(reminder.text, 3500)
        if reminder.repeat is not None:
            text += f"\n\nRepeats {reminder.repeat.describe()} ({zone.key})."
        return embeds.info("⏰ Reminder", text)


def saved_embed(reminder: Reminder, zone: ZoneInfo) -> discord.Embed:
    """`/remind add`: when it fires (their clock and UTC) and where it will arrive."""
    embed = embeds.success("Reminder set", escape(reminder.text, 1000))
    embed.add_field(name="When", value=_schedule(reminder, zone), inline=False)
    embed.set_footer(text=WHERE_IT_ARRIVES)
    return embed


def list_embed(reminders: Reminders) -> discord.Embed:
    """`/remind list`: the member's reminders, soonest first."""
    count = len(reminders.items)
    if not count:
        return embeds.info(
            "No reminders", "Set one with `/remind add when:tomorrow 9am what:finish the notebook`."
        )
    lines = [
        f"**{index}.** {escape(item.text, 120)}\n{_schedule(item, reminders.zone)}"
        for index, item in enumerate(reminders.items, start=1)
    ]
    return embeds.info(
        f"Your reminders ({count} of {MAX_REMINDERS})",
        shorten("\n".join(lines), 4096),
        footer="Delete one with /remind delete.",
    )


def deleted_embed(reminder: Reminder, zone: ZoneInfo) -> discord.Embed:
    """`/remind delete`: what was deleted."""
    return embeds.success(
        "Reminder deleted", f"{escape(reminder.text, 1000)}\n({_schedule(reminder, zone)})"
    )


def _choice(name: str, value: str) -> app_commands.Choice[str]:
    return app_commands.Choice(name=shorten(name, 100), value=value[:CHOICE_VALUE_MAX])


def preview_choices(typed: str, preview: Preview, *, every: bool) -> list[app_commands.Choice[str]]:
    """What the member sees while typing `when`/`every`: the time it means on their clock
    and in UTC, or a plain "couldn't read that" (the command then says why, with examples)."""
    text = typed.strip()
    if not text:
        return []
    if preview.due is None and preview.unreadable:
        hint = EVERY_HINT if every else WHEN_HINT
        return [_choice(f"Couldn't read that — try {hint}", text)]
    if preview.due is None:
        return [_choice(preview.problem.replace("`", ""), text)]
    label = local_time_label(preview.due, preview.zone)
    if preview.repeat is not None:
        label = f"{preview.repeat.describe()} · next {label}"
    return [_choice(label, text)]


def reminder_choices(reminders: Reminders, typed: str) -> list[app_commands.Choice[str]]:
    """Autocomplete for `/remind delete`: the member's own reminders matching what they typed."""
    needle = typed.strip().lower()
    found = [item for item in reminders.items if needle in item.text.lower()]
    return [
        _choice(f"{item.text} · {describe_local(item.due_at, reminders.zone)}", str(item.id))
        for item in found[:25]
    ]
