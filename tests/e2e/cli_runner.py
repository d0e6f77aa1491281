"""Run the real `studybot` command line in a child process against a fake Discord.

The child (`cli_child.py`) points discord.py at the fake, or makes every DNS lookup fail; the
settings come from a home folder's `.env` (the child starts in another folder, so the home
folder is what finds them). The environment is built from scratch: no DISCORD_TOKEN or
DATABASE_URL of the developer's leaks in.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.sandbox import FakeDiscord

REPO = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("cli_child.py")
TIMEOUT = 120.0

#: `.env` values every child gets unless a test overrides them: no wait for guilds, no wait
#: between connection attempts (nothing in a test waits on the wall clock).
BASE_ENV = {
    "GUILD_READY_TIMEOUT": "0.01",
    "CONNECT_RETRY_SECONDS": "0",
    "LOG_LEVEL": "INFO",
}


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        """Every non-empty line the command printed (stdout and stderr)."""
        return [line for line in (self.out + self.err).splitlines() if line.strip()]


def make_home(root: Path, template: Path | None = None, **env: str) -> Path:
    """A home folder with `.env` (BASE_ENV plus `env`) and, from `template`, a migrated
    database at the default place (`data/studybot.db`)."""
    home = root / "home"
    home.mkdir()
    values = {**BASE_ENV, **env}
    (home / ".env").write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    if template is not None:
        (home / "data").mkdir()
        shutil.copyfile(template, home / "data" / "studybot.db")
    return home


def ctrl_c_works() -> None:
    """In a child before it starts: Ctrl-C (SIGINT) stops it, as in an operator's terminal.

    A test run started in the background by a non-interactive shell (`pytest &`, a CI
    script's background job) ignores SIGINT, and a child inherits that: the bot then never
    stopped on the tests' Ctrl-C and each such test waited out its timeout."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _child_env(home: Path) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update({"PYTHONPATH": str(REPO), "STUDYBOT_HOME": str(home), "PYTHONUNBUFFERED": "1"})
    return env


async def spawn(
    fake: FakeDiscord | None, home: Path, *args: str, api: str | None = None
) -> asyncio.subprocess.Process:
    """Start `studybot ARGS` (pointed at `fake`; `api` overrides the REST base, "no-dns"
    for a machine without a network)."""
    base = api or (fake.api_base if fake else "no-dns")
    gateway = fake.gateway_url if fake else "-"
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(CHILD),
        base,
        gateway,
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=_child_env(home),
        cwd=home.parent,  # not the home folder: --home/STUDYBOT_HOME must find it
        preexec_fn=ctrl_c_works,
    )


async def run_cli(
    fake: FakeDiscord | None, home: Path, *args: str, api: str | None = None
) -> Result:
    """Run `studybot ARGS` to its end."""
    process = await spawn(fake, home, *args, api=api)
    out, err = await asyncio.wait_for(process.communicate(), TIMEOUT)
    assert process.returncode is not None
    return Result(process.returncode, out.decode(), err.decode())


async def run_until(fake: FakeDiscord | None, home: Path, marker: str, *args: str) -> Result:
    """Run `studybot ARGS` until a line of its stderr contains `marker`, then stop it with
    Ctrl-C (SIGINT) as an operator would; what it printed up to its exit."""
    process = await spawn(fake, home, *args)
    assert process.stderr is not None
    seen: list[str] = []

    async def read_until_marker() -> None:
        assert process.stderr is not None
        while True:
            raw = await process.stderr.readline()
            if not raw:
                raise AssertionError(f"exited before {marker!r}:\n" + "".join(seen))
            seen.append(raw.decode())
            if marker in seen[-1]:
                return

    await asyncio.wait_for(read_until_marker(), TIMEOUT)
    process.send_signal(signal.SIGINT)
    out, rest = await asyncio.wait_for(process.communicate(), TIMEOUT)
    assert process.returncode is not None
    return Result(process.returncode, out.decode(), "".join(seen) + rest.decode())
