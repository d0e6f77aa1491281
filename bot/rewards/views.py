"""How role rewards look: `/setup rewards` answers, its autocomplete, and the one notice to
moderators when a reward cannot be given."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.core import embeds
from bot.core.text import shorten
from bot.rewards.rules import KIND_LABELS, KINDS, MAX_REWARDS
from bot.rewards.service import Reward

KIND_CHOICES = [app_commands.Choice(name=KIND_LABELS[kind], value=kind) for kind in KINDS]


#: The option descriptions of `/setup rewards add`.
REWARD_OPTIONS = {
    "kind": "What is counted (monthly hours are taken back at the month's end)",
    "threshold": "Days, hours or projects to reach, e.g. 7",
    "role": "The role to give (it must be below my own role)",
}


def kind_choices(typed: str) -> list[app_commands.Choice[str]]:
    """Autocomplete for `kind`: the kinds whose name or value contains what was typed."""
    needle = typed.strip().lower()
    return [c for c in KIND_CHOICES if needle in c.name.lower() or needle in c.value]


MONTHLY_NOTE = "Monthly rewards are taken back at the end of each month (server time)."


def _line(reward: Reward) -> str:
    line = f"<@&{reward.role_id}> — {reward.goal}"
    if reward.broken:
        line += f"\n⚠ cannot be given: {reward.broken}"
    return line


class RewardViews:
    """The renderer the rewards service tells moderators with."""

    def broken_notice(self, reward: Reward, reason: str) -> discord.Embed:
        """Sent once to the system channel when a reward cannot be given."""
        return embeds.info(
            "A role reward cannot be given",
            f"The reward for {reward.goal} (<@&{reward.role_id}>): {reason}. I will not try "
            "again until it is fixed: give my role **Manage Roles** and drag it above the "
            "reward roles (Server Settings → Roles), then run `/setup health` — or change the "
            "rewards with `/setup rewards`.",
            colour=embeds.WARNING,
        )


def list_embed(rewards: list[Reward]) -> discord.Embed:
    """`/setup rewards list`."""
    if not rewards:
        return embeds.info(
            "Role rewards",
            "None yet. Add one with `/setup rewards add kind:Streak days threshold:7 role:@…`.",
        )
    broken = any(reward.broken for reward in rewards)
    embed = embeds.info(
        f"Role rewards ({len(rewards)} of {MAX_REWARDS})",
        shorten("\n".join(_line(reward) for reward in rewards), 4096),
        colour=embeds.WARNING if broken else embeds.BRAND,
    )
    if any(reward.kind == "month_hours" for reward in rewards):
        embed.set_footer(text=MONTHLY_NOTE)
    return embed


def added_embed(reward: Reward) -> discord.Embed:
    """`/setup rewards add`: saved, and when members get it."""
    text = (
        f"Members who reach {reward.goal} get <@&{reward.role_id}>, once. Those who already "
        "have it get it within a minute."
    )
    if reward.kind == "month_hours":
        text += " " + MONTHLY_NOTE
    return embeds.success("Role reward saved", text)


def removed_embed(reward: Reward) -> discord.Embed:
    """`/setup rewards remove`: what stopped, and that given roles stay."""
    return embeds.success(
        "Role reward removed",
        f"<@&{reward.role_id}> is no longer given for {reward.goal}. Members who have it keep "
        "it; remove the role in Server Settings if you want it gone.",
    )


def reward_choices(
    rewards: list[Reward], typed: str, names: dict[int, str]
) -> list[app_commands.Choice[str]]:
    """Autocomplete for `/setup rewards remove`: the guild's rewards matching what was typed
    (`names`: role id -> "@Name" from the cache)."""
    needle = typed.strip().lower()
    choices = []
    for reward in rewards:
        label = f"{names.get(reward.role_id, 'a deleted role')} — {reward.goal}"
        if needle in label.lower():
            choices.append(app_commands.Choice(name=shorten(label, 100), value=str(reward.id)))
    return choices[:25]
