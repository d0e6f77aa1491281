"""`studybot sandbox --web`: the dashboard over the sandbox's world, as a newcomer starts it."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import httpx

from tests.e2e.cli_runner import ctrl_c_works

REPO = Path(__file__).resolve().parents[2]
#: A hang guard, not a speed check (a busy machine is slow, not broken).
TIMEOUT = 120.0


async def _line(stream: asyncio.StreamReader, pattern: str) -> str:
    while True:
        raw = await asyncio.wait_for(stream.readline(), TIMEOUT)
        if not raw:
            raise AssertionError(f"the sandbox ended before printing {pattern!r}")
        line = raw.decode()
        if re.search(pattern, line):
            return line


async def test_sandbox_web_prints_the_dashboards_address_and_serves_it(tmp_path: Path) -> None:
    script = tmp_path / "tour.txt"
    script.write_text("alice> /log minutes:30 kind:coding\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "WEB_"))}
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--home",
        str(tmp_path),
        "sandbox",
        "--web",
        "--script",
        str(script),
        "--db",
        str(tmp_path / "sandbox.db"),
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        preexec_fn=ctrl_c_works,  # the test stops it with SIGINT
    )
    try:
        assert child.stdout is not None
        announced = await _line(child.stdout, r"Web dashboard: ")
        url = re.search(r"(http://127\.0\.0\.1:\d+)/", announced)
        assert url is not None, announced
        await _line(child.stdout, r"The tour is done")
        async with httpx.AsyncClient() as client:
            home = await client.get(url.group(1) + "/")
            start = await client.get(url.group(1) + "/login")
            picker = await client.get(start.headers["location"])
        assert home.status_code == 200 and "Log in with Discord" in home.text
        assert "morgan" in picker.text and "alice" in picker.text  # the fake's login page
        child.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(child.wait(), TIMEOUT) == 0
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()
