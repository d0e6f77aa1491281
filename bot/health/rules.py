"""What `/setup health` covers (pure): a guild's jobs, the window of deliveries counted, and
whether each configured channel is usable (with the fix when it is not)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from bot.core.permissions import missing_permissions
from bot.core.records import frozen

#: Deliveries counted by `/setup health`.
DELIVERY_WINDOW = timedelta(hours=24)


def is_guild_job(job_id: str, guild_id: int) -> bool:
    """Whether a scheduler job concerns this guild: its own (`daily:<guild>`) or a global one
    (an id without a colon, such as `dispatcher-tick`)."""
    return job_id.endswith(f":{guild_id}") or ":" not in job_id


#: What each configured channel is for, by its setting (`/setup channels …`, `/setup welcome`).
CHANNEL_PURPOSES: dict[str, str] = {
    "daily": "daily prompt",
    "accountability": "weekly accountability thread",
    "interview": "question of the day and interview threads",
    "welcome": "welcome greeting",
}


def setup_command(setting: str) -> str:
    """The `/setup` command that picks the channel of `setting`."""
    if setting == "welcome":
        return "/setup welcome channel:#channel"
    return f"/setup channels {setting}:#channel"


@frozen
class ChannelCheck:
    """One configured channel, checked: does it exist, is it a text channel, and which of the
    permissions the bot needs there are missing (their human names)."""

    setting: str
    channel_id: int
    name: str | None
    is_text: bool = True
    missing: tuple[str, ...] = ()
    bot_role: str = "bot's"

    @property
    def ok(self) -> bool:
        return self.name is not None and self.is_text and not self.missing

    @property
    def label(self) -> str:
        """`#daily`, or the id of a channel that is gone."""
        return f"#{self.name}" if self.name is not None else f"channel {self.channel_id}"

    @property
    def purpose(self) -> str:
        return CHANNEL_PURPOSES.get(self.setting, self.setting)

    @property
    def problem(self) -> str:
        """What is wrong, as the reason of a broken setting ("" when nothing is)."""
        if self.name is None:
            return f"{self.label} no longer exists"
        if not self.is_text:
            return f"{self.label} is not a text channel"
        if self.missing:
            return f"I am missing {', '.join(self.missing)} in {self.label}"
        return ""

    @property
    def fix(self) -> str:
        """How a moderator fixes it ("" when nothing is wrong)."""
        command = setup_command(self.setting)
        if self.name is None or not self.is_text:
            return f"pick a text channel with `{command}`"
        if self.missing:
            return (
                f"allow {', '.join(self.missing)} for the {self.bot_role} role in {self.label} "
                f"(Edit Channel → Permissions), or pick another channel with `{command}`"
            )
        return ""


def channel_check(
    setting: str,
    channel_id: int,
    *,
    name: str | None,
    is_text: bool,
    granted: Mapping[str, bool],
    bot_role: str,
) -> ChannelCheck:
    """Check one configured channel from what Discord says about it (`name` None: gone)."""
    missing = tuple(missing_permissions(granted)) if name is not None and is_text else ()
    return ChannelCheck(setting, channel_id, name, is_text, missing, bot_role)
