"""The exit codes of `studybot` (documented in the README and in `studybot run --help`).

One table, so the README, the `--help` epilog and the code cannot drift apart (a test reads
the README's table and compares it with `EXIT_CODES`).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2
EXIT_TOKEN = 3
EXIT_INTENTS = 4
EXIT_UNREACHABLE = 5
EXIT_DATABASE = 6
EXIT_RUNNING = 7

#: (code, meaning), in order.
EXIT_CODES: tuple[tuple[int, str], ...] = (
    (EXIT_OK, "stopped normally (Ctrl-C), or the command succeeded"),
    (EXIT_FAILED, "a check failed (doctor, sync) or an unexpected error (its traceback is logged)"),
    (
        EXIT_CONFIG,
        "configuration error: a bad setting, no DISCORD_TOKEN or home folder, no web setting",
    ),
    (EXIT_TOKEN, "Discord rejected the token (HTTP 401 at login, gateway close code 4004)"),
    (EXIT_INTENTS, "a privileged intent is switched off (gateway close code 4014)"),
    (EXIT_UNREACHABLE, "Discord could not be reached after CONNECT_ATTEMPTS tries (network, DNS)"),
    (EXIT_DATABASE, "the database cannot be opened, or is newer than this version of studybot"),
    (EXIT_RUNNING, "another studybot process already runs this SQLite file, or these shards"),
)


def exit_codes_epilog() -> str:
    """The exit-code table as plain text for `--help`."""
    lines = ["exit codes:"]
    lines.extend(f"  {code}  {meaning}" for code, meaning in EXIT_CODES)
    return "\n".join(lines)
