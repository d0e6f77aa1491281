"""The bot's invite link: its client id, the README's permissions and both scopes."""

from __future__ import annotations

import discord

from bot.core.permissions import INVITE_PERMISSIONS, INVITE_SCOPES


def invite_permissions() -> discord.Permissions:
    """Exactly the permissions the README lists (`INVITE_PERMISSIONS`)."""
    return discord.Permissions(**dict.fromkeys((name for name, _ in INVITE_PERMISSIONS), True))


def invite_url(client_id: int) -> str:
    """The OAuth2 URL that adds the bot to a server with its slash commands."""
    return discord.utils.oauth_url(
        client_id, permissions=invite_permissions(), scopes=INVITE_SCOPES
    )


def not_in_any_server(client_id: int) -> str:
    """What start-up and `studybot doctor` say when the bot is in no server yet."""
    return (
        "The bot is in no server yet. Invite it (you need Manage Server there) with: "
        f"{invite_url(client_id)}"
    )
