"""Runs `studybot ARGS…` in a child process, with discord.py pointed at a fake Discord.

Usage: python cli_child.py API_BASE GATEWAY_URL ARGS…
- API_BASE and GATEWAY_URL: the fake's (`FakeDiscord.api_base`, `.gateway_url`); a closed
  loopback port stands for "no network".
- API_BASE `no-dns`: keep discord.com, but every DNS lookup fails (the resolver is replaced,
  so nothing leaves the machine) — a machine without a network.
Everything else is the real command line: `bot.cli.main(ARGS)`, its exit code, its output.
"""

from __future__ import annotations

import socket
import sys
from typing import Any

import aiohttp.connector
import discord.gateway
import discord.http
import yarl
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.cli import main


class NoDns(AbstractResolver):
    """A resolver for a machine without a network: every lookup fails like getaddrinfo."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        raise OSError(socket.EAI_NONAME, "Name or service not known")

    async def close(self) -> None:
        return None


if __name__ == "__main__":
    api, gateway, *argv = sys.argv[1:]
    if api == "no-dns":
        aiohttp.connector.DefaultResolver = NoDns  # type: ignore[misc]
    else:
        discord.http.Route.BASE = api
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    raise SystemExit(main(argv))
