"""Giving and taking member roles: through the bot's rate-limited REST, with Discord's refusals
sorted like message sends are (`bot.core.scheduling.delivery`).

`problem()` answers from the gateway cache, before any call, whether Discord would refuse:
no Manage Roles, or a role at or above the bot's highest role (Discord's 403 50013), a role
that is gone or managed by an integration. Asking first keeps the bot from sending requests
Discord will refuse (every 403 counts toward Cloudflare's invalid-request limit); the REST
call still classifies what Discord answers, for a change the cache has not seen yet.
"""

from __future__ import annotations

import logging

import discord
from aiolimiter import AsyncLimiter

from bot.core.scheduling.delivery import MISSING_PERMISSIONS, DeliveryFailed

log = logging.getLogger(__name__)

UNKNOWN_MEMBER = 10007
UNKNOWN_ROLE = 10011


class RoleChangeFailed(DeliveryFailed):
    """Discord refused a role change. `permanent`: it will not work until someone fixes the
    server (permission, hierarchy, a deleted role); `member_gone`: the member left."""

    def __init__(self, reason: str, *, permanent: bool, code: int | None = None) -> None:
        super().__init__(reason, permanent=permanent, code=code)
        self.member_gone = code == UNKNOWN_MEMBER


def _role_label(role: discord.Role) -> str:
    return f"@{discord.utils.escape_markdown(role.name)}"


class RoleGrants:
    """Member role changes for the scheduled and event-driven work of the bot."""

    def __init__(self, client: discord.Client, limiter: AsyncLimiter) -> None:
        """`limiter`: the send limiter every scheduled request passes."""
        self.client = client
        self.limiter = limiter

    def role_name(self, guild_id: int, role_id: int) -> str | None:
        """`@Name` of a role from the cache (None when unknown)."""
        guild = self.client.get_guild(guild_id)
        role = guild.get_role(role_id) if guild is not None else None
        return _role_label(role) if role is not None else None

    def problem(self, guild_id: int, role_id: int) -> str | None:
        """Why Discord would refuse to give `role_id` in the guild, from the gateway cache;
        None when it would not (or when the guild is not in the cache: REST will say)."""
        guild = self.client.get_guild(guild_id)
        me = guild.me if guild is not None else None
        if guild is None or me is None:
            return None
        role = guild.get_role(role_id)
        if role is None:
            return "its role no longer exists"
        if not me.guild_permissions.manage_roles:
            return f"I am missing Manage Roles to give {_role_label(role)}"
        if role.is_default() or role.managed:
            return f"{_role_label(role)} is managed by Discord or an integration"
        if role >= me.top_role:
            return f"{_role_label(role)} is not below my highest role ({_role_label(me.top_role)})"
        return None

    async def change(
        self, guild_id: int, user_id: int, role_id: int, *, give: bool, reason: str
    ) -> None:
        """PUT (give) or DELETE the member's role; raises `RoleChangeFailed`."""
        http = self.client.http
        try:
            async with self.limiter:
                if give:
                    await http.add_role(guild_id, user_id, role_id, reason=reason)
                else:
                    await http.remove_role(guild_id, user_id, role_id, reason=reason)
        except discord.HTTPException as error:
            raise _classify(error) from error


def _classify(error: discord.HTTPException) -> RoleChangeFailed:
    code = error.code
    if code == UNKNOWN_MEMBER:
        return RoleChangeFailed("the member left", permanent=True, code=code)
    if code == UNKNOWN_ROLE:
        return RoleChangeFailed("its role no longer exists", permanent=True, code=code)
    if isinstance(error, discord.Forbidden):
        return RoleChangeFailed(
            "Discord refused: I am missing Manage Roles or the role is not below my highest role",
            permanent=True,
            code=code or MISSING_PERMISSIONS,
        )
    return RoleChangeFailed(f"Discord error {error.status}", permanent=False, code=code)
