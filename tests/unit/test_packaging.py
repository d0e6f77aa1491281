"""The deployment files: the systemd unit, compose.yaml, the Dockerfile and .dockerignore.

No image can be built here (no Docker daemon, no registry), so these tests check what the
files say and run what they would run: the unit through `systemd-analyze verify`, the
settings the container and compose pass through the bot's own settings loader, the
entry point through the CLI's parser, the healthcheck module (its run against a live bot
is in tests/e2e/test_observability.py).
"""

from __future__ import annotations

import fnmatch
import importlib.util
import json
import os
import re
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import build_parser
from bot.core.observability.healthcheck import check, healthz_url
from bot.core.settings import load_settings

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
UNIT = DEPLOY / "studybot.service"
INSTALLED = "/opt/studybot/.venv/bin/studybot"
HEALTHCHECK = ["python", "-m", "bot.core.observability.healthcheck"]


# --- systemd -------------------------------------------------------------------------------------


def unit_directives() -> dict[str, list[str]]:
    """Every `Key=value` of the unit (a key may repeat, e.g. Environment)."""
    found: dict[str, list[str]] = {}
    for line in UNIT.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";", "[")):
            continue
        key, _, value = line.partition("=")
        found.setdefault(key.strip(), []).append(value.strip())
    return found


def test_unit_restarts_on_failure_and_is_hardened() -> None:
    d = unit_directives()
    assert d["Restart"] == ["on-failure"]
    assert d["RestartPreventExitStatus"] == ["2"]  # a configuration error: fix, not retry
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
    }.items():
        assert d[key] == [value], key
    assert d["User"] == ["studybot"] and d["Group"] == ["studybot"]
    # The home folder is the one writable place, and the bot starts in it.
    assert d["ReadWritePaths"] == d["WorkingDirectory"] == ["/var/lib/studybot"]
    assert "STUDYBOT_HOME=/var/lib/studybot" in d["Environment"]
    assert d["ExecStart"][0].endswith("/bin/studybot run")


def installed_studybot() -> Path:
    studybot = Path(sys.executable).parent / "studybot"
    if not studybot.exists():
        pytest.skip("the studybot console script is not installed next to this Python")
    return studybot


def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed on this machine")
    studybot = installed_studybot()
    # verify checks that ExecStart's program exists: point it at this machine's studybot
    # (the units' own path, /opt/studybot/.venv/bin/studybot, exists only once installed).
    copies = []
    for unit in sorted(DEPLOY.glob("studybot*.*")):
        text = unit.read_text()
        assert INSTALLED in text or unit.suffix == ".timer", unit.name
        copy = tmp_path / unit.name
        copy.write_text(text.replace(INSTALLED, str(studybot)))
        copies.append(str(copy))
    assert [Path(c).name for c in copies] == [
        "studybot-backup.service",
        "studybot-backup.timer",
        "studybot.service",
    ]
    done = subprocess.run([analyze, "verify", *copies], capture_output=True, text=True, timeout=120)
    # Unknown or misspelt keys are only warnings (exit 0): no output at all is required.
    assert done.returncode == 0 and done.stdout + done.stderr == "", done.stdout + done.stderr


def systemd_unescape(command: str) -> str:
    """What systemd hands the program: "$$" is a literal "$", "%%" a literal "%"."""
    return command.replace("$$", "$").replace("%%", "%")


def test_the_backup_unit_writes_a_dated_copy_and_prunes_old_ones(tmp_path: Path) -> None:
    studybot = installed_studybot()
    service = (DEPLOY / "studybot-backup.service").read_text()
    exec_start = next(
        line.partition("=")[2] for line in service.splitlines() if line.startswith("ExecStart=")
    )
    argv = shlex.split(systemd_unescape(exec_start.replace(INSTALLED, str(studybot))))
    assert argv[:2] == ["/bin/sh", "-c"]
    home = tmp_path / "home"  # the unit's WorkingDirectory, with the default database
    (home / "data").mkdir(parents=True)
    with sqlite3.connect(home / "data" / "studybot.db") as db:
        db.execute("CREATE TABLE t (x)")
        db.execute("INSERT INTO t VALUES (42)")
    old = home / "backups" / "studybot-2000-01-01.db"
    old.parent.mkdir()
    old.write_bytes(b"")
    os.utime(old, (0, 0))  # older than 14 days: pruned
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DISCORD_TOKEN")}
    env["PYTHONPATH"] = str(REPO)  # this tree's code, whichever tree the script was installed from
    done = subprocess.run(argv, cwd=home, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    today = subprocess.run(["date", "+%F"], capture_output=True, text=True, check=True)
    backups = sorted(p.name for p in (home / "backups").iterdir())
    assert backups == [f"studybot-{today.stdout.strip()}.db"]
    with sqlite3.connect(home / "backups" / backups[0]) as copy:
        assert copy.execute("SELECT x FROM t").fetchall() == [(42,)]


# --- compose.yaml --------------------------------------------------------------------------------


def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((REPO / "compose.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's `${NAME}` / `${NAME:?message}` substitution, for the variables given."""
    return re.sub(r"\$\{(\w+)(?::?[?-][^}]*)?\}", lambda m: env[m.group(1)], value)


def test_compose_has_the_bot_and_postgres_15_with_volumes_and_healthchecks() -> None:
    spec = compose()
    db, bot = spec["services"]["db"], spec["services"]["bot"]
    assert db["image"] == "postgres:15"
    assert "/var/lib/postgresql/data" in db["volumes"][0]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert bot["build"] == "."
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert bot["healthcheck"]["test"] == ["CMD", *HEALTHCHECK]
    assert bot["volumes"] == ["studybot-home:/data"]
    assert set(spec["volumes"]) == {"postgres-data", "studybot-home"}
    for service in (db, bot):
        assert service["restart"] == "unless-stopped"


def test_compose_publishes_metrics_on_loopback_only_and_passes_valid_settings() -> None:
    bot = compose()["services"]["bot"]
    env = {
        k: interpolate(str(v), {"POSTGRES_PASSWORD": "pw"}) for k, v in bot["environment"].items()
    }
    assert env["DATABASE_URL"] == "postgresql+asyncpg://studybot:pw@db:5432/studybot"
    assert all(str(port).startswith("127.0.0.1:") for port in bot["ports"])
    published = {str(port).rsplit(":", 1)[1] for port in bot["ports"]}
    assert published == {env["METRICS_PORT"]}
    settings = load_settings(_env_file=None, **{k.lower(): v for k, v in env.items()})
    assert settings.metrics_port == int(env["METRICS_PORT"])
    assert healthz_url(env) == f"http://127.0.0.1:{env['METRICS_PORT']}/healthz"


# --- Dockerfile ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    name: str
    args: str


def dockerfile() -> list[Instruction]:
    """Instructions with continuation lines joined and comments dropped."""
    logical: list[str] = []
    pending = ""
    for raw in (REPO / "Dockerfile").read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    assert not pending, "the Dockerfile ends in a continuation"
    result = []
    for line in logical:
        name, _, args = line.partition(" ")
        result.append(Instruction(name.upper(), args.strip()))
    return result


def only(name: str) -> str:
    found = [i.args for i in dockerfile() if i.name == name]
    assert len(found) == 1, (name, found)
    return found[0]


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for instruction in dockerfile():
        if instruction.name == "ENV":
            env.update(item.split("=", 1) for item in shlex.split(instruction.args))
    return env


def test_dockerfile_base_user_volume_and_home() -> None:
    instructions = dockerfile()
    assert instructions[0] == Instruction("FROM", "python:3.11-slim")
    names = [i.name for i in instructions]
    user_at = names.index("USER")
    assert only("USER") == "studybot"
    assert "RUN" not in names[user_at:]  # everything after the switch runs unprivileged
    assert json.loads(only("VOLUME")) == ["/data"]
    env = image_env()
    assert env["STUDYBOT_HOME"] == "/data"
    workdirs = [i.args for i in instructions if i.name == "WORKDIR"]
    assert workdirs[-1] == "/data"  # .env and data/ are found in the home folder


def test_dockerfile_entry_point_is_the_studybot_console_script() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert json.loads(only("ENTRYPOINT")) == ["studybot"]
    assert pyproject["project"]["scripts"]["studybot"] == "bot.cli:main"
    command = json.loads(only("CMD"))
    assert command == ["run"]
    assert build_parser().parse_args(command).handler.__name__ == "cmd_run"
    # The image installs the postgres extra compose.yaml needs.
    assert 'pip install ".[postgres]"' in next(i.args for i in dockerfile() if i.name == "RUN")
    assert pyproject["project"]["optional-dependencies"]["postgres"][0].startswith("asyncpg")


def test_dockerfile_healthcheck_runs_the_healthcheck_module() -> None:
    args = only("HEALTHCHECK")
    options, _, command = args.partition("CMD ")
    assert "--interval=" in options and "--timeout=" in options
    assert json.loads(command) == HEALTHCHECK
    assert importlib.util.find_spec(HEALTHCHECK[2]) is not None
    source = Path(importlib.util.find_spec(HEALTHCHECK[2]).origin or "").read_text()
    compile(source, HEALTHCHECK[2], "exec")


def test_dockerfile_settings_are_valid_and_point_inside_the_image(tmp_path: Path) -> None:
    env = image_env()
    # The image makes its home folder (mkdir, VOLUME); here a temporary folder stands in.
    assert env["STUDYBOT_HOME"] == "/data" and '"/data"' in only("VOLUME")
    values = {k.lower(): v for k, v in env.items()} | {"studybot_home": str(tmp_path)}
    settings = load_settings(_env_file=None, **values)
    assert settings.metrics_host == "0.0.0.0" and settings.metrics_port == int(only("EXPOSE"))
    copies = [i.args.split() for i in dockerfile() if i.name == "COPY"]
    # CONTENT_DIR is where `COPY content ./content` lands (WORKDIR /app at that point).
    assert ["content", "./content"] in copies and env["CONTENT_DIR"] == "/app/content"
    assert healthz_url(env) == f"http://127.0.0.1:{env['METRICS_PORT']}/healthz"


def test_everything_the_image_copies_exists_and_is_not_ignored() -> None:
    ignored = [
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith("!")
    ]
    for copy in (i.args.split() for i in dockerfile() if i.name == "COPY"):
        for source in copy[:-1]:
            assert (REPO / source).exists(), source
            assert not any(fnmatch.fnmatch(source, p.rstrip("/")) for p in ignored), source
    # Secrets and data never reach the build context.
    for secret in (".env", "data/", "*.db"):
        assert secret in ignored


def test_license_is_mit_as_pyproject_says() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert pyproject["project"]["license"] == {"text": "MIT"}
    text = (REPO / "LICENSE").read_text()
    assert text.startswith("MIT License") and "studybot contributors" in text


# --- the healthcheck module --------------------------------------------------------------------


def test_healthcheck_asks_where_the_bot_listens() -> None:
    assert healthz_url({}) is None
    assert healthz_url({"METRICS_PORT": ""}) is None
    assert healthz_url({"METRICS_PORT": "9321"}) == "http://127.0.0.1:9321/healthz"
    assert healthz_url({"METRICS_PORT": "1", "METRICS_HOST": "::"}) == "http://[::1]:1/healthz"
    assert healthz_url({"METRICS_PORT": "1", "METRICS_HOST": "10.0.0.5"}) == (
        "http://10.0.0.5:1/healthz"
    )


def test_healthcheck_is_unhealthy_when_off_or_not_answering() -> None:
    healthy, line = check({})
    assert not healthy and "METRICS_PORT is not set" in line
    with socket.socket() as unused:  # a port nobody listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    healthy, line = check({"METRICS_PORT": str(port)})
    assert not healthy and "did not answer" in line
