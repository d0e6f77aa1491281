"""Keep discord.py's log readable for an operator.

- The voice warnings ("PyNaCl is not installed…", "davey is not installed…") are dropped: the
  bot uses no voice audio, so they only alarm.
- discord.py logs every gateway reconnect with a full traceback; the traceback becomes one
  short reason at the end of the line ("Attempting a reconnect in 1.23s (ClientConnectorError:
  …)"). A network blip is expected and needs no stack.
"""

from __future__ import annotations

import logging

VOICE_WARNINGS = ("PyNaCl is not installed", "davey is not installed")
RECONNECT_PREFIX = "Attempting a reconnect"


class DiscordNoiseFilter(logging.Filter):
    """Drops the voice warnings and shortens reconnect tracebacks (see the module docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith(VOICE_WARNINGS):
            return False
        if message.startswith(RECONNECT_PREFIX) and record.exc_info:
            error = record.exc_info[1]
            reason = f"{type(error).__name__}: {error}" if error is not None else "unknown"
            record.msg = f"{message} ({reason.rstrip(': ')})"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


_FILTER = DiscordNoiseFilter()


def quiet_discord_logs() -> None:
    """Install the filter on discord.py's client logger (idempotent). Call it before the
    first `discord.Client` is created: the voice warnings are logged by its constructor."""
    logger = logging.getLogger("discord.client")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
