"""The dashboard over the sandbox's fake Discord (`studybot sandbox --web`, the web tests):
the fake's OAuth2 client, its REST base and authorize page, the sandbox bot's token."""

from __future__ import annotations

import secrets
import socket

from pydantic import SecretStr

from bot.core.settings import Settings
from bot.sandbox import FakeDiscord


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now (the dashboard's address must be known before it
    listens: it is the OAuth2 redirect URI)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def sandbox_settings(settings: Settings, fake: FakeDiscord, *, token: str, port: int) -> Settings:
    """`settings` with the dashboard pointed at a started fake Discord on 127.0.0.1:`port`."""
    return settings.model_copy(
        update={
            "web_public_url": f"http://127.0.0.1:{port}",
            "web_host": "127.0.0.1",
            "web_port": port,
            "discord_api_base": fake.api_base,
            "discord_authorize_url": fake.authorize_url,
            "discord_client_id": fake.oauth.client_id,
            "discord_client_secret": SecretStr(fake.oauth.client_secret),
            "web_session_secret": SecretStr(secrets.token_hex(32)),
            "discord_token": SecretStr(token),
        }
    )
