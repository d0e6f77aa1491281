"""Loopback fake Discord (REST v10 + gateway) and the driver tests and the REPL use.

See :mod:`bot.sandbox.driver` for the API and how a bot factory plugs in.
"""

from bot.sandbox.driver import NoResponse, Sandbox
from bot.sandbox.lifecycle import discord_pointed_at, discord_pointed_at_env
from bot.sandbox.models import shard_of
from bot.sandbox.payloads import OptionRefused
from bot.sandbox.repl import Repl, run_script
from bot.sandbox.server import FakeDiscord
from bot.sandbox.views import ChannelHandle, MessageView, Reply

__all__ = [
    "ChannelHandle",
    "FakeDiscord",
    "MessageView",
    "NoResponse",
    "OptionRefused",
    "Repl",
    "Reply",
    "Sandbox",
    "discord_pointed_at",
    "discord_pointed_at_env",
    "run_script",
    "shard_of",
]
