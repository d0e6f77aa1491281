"""The pieces of /healthz and /metrics: health, metrics registries, the loop-lag probe, the
port check, the database ping, JSON logs and their settings."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bot.cli import main
from bot.core.errors import UserFacingError
from bot.core.observability.logs import JsonFormatter, log_formatter
from bot.core.observability.looplag import LoopLagProbe
from bot.core.observability.metrics import BotMetrics, Snapshot
from bot.core.observability.probes import Health
from bot.core.observability.server import MetricsPortError, check_can_listen
from bot.core.reporting import guarded
from bot.core.settings import load_settings
from bot.core.store import Store
from bot.core.telemetry import NO_TELEMETRY, InteractionOutcome, telemetry_of

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A loopback port some other program listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield int(listener.getsockname()[1])


# --- health ----------------------------------------------------------------------------------


def test_health_is_ok_only_when_every_part_is() -> None:
    healthy = Health(True, True, True, True)
    assert healthy.ok and healthy.as_json()["ok"] is True
    for broken in range(4):
        parts = [True] * 4
        parts[broken] = False
        health = Health(*parts)
        assert not health.ok
        assert health.as_json() == {
            "ready": parts[0],
            "gateway_connected": parts[1],
            "database_reachable": parts[2],
            "scheduler_running": parts[3],
            "ok": False,
        }


# --- metrics -----------------------------------------------------------------------------------


def test_two_bots_keep_separate_registries() -> None:
    first, second = BotMetrics(), BotMetrics()  # the same names twice: no clash
    first.interaction("log", "ok")
    first.delivery("daily", "sent")
    first.sweep(0.2)
    assert (
        first.registry.get_sample_value(
            "studybot_interactions_total", {"command": "log", "outcome": "ok"}
        )
        == 1
    )
    assert (
        second.registry.get_sample_value(
            "studybot_interactions_total", {"command": "log", "outcome": "ok"}
        )
        is None
    )
    text = first.exposition().decode()
    assert 'studybot_deliveries_total{kind="daily",outcome="sent"} 1.0' in text
    assert "studybot_pitfall_sweep_seconds_count 1.0" in text


def test_unknown_state_is_nan_not_a_stale_number() -> None:
    metrics = BotMetrics()
    metrics.update(Snapshot(0.042, 3, 120.0))
    assert metrics.registry.get_sample_value("studybot_gateway_latency_seconds") == 0.042
    assert metrics.registry.get_sample_value("studybot_due_reminders") == 3
    metrics.update(Snapshot(math.inf, None, None))
    for name in (
        "studybot_gateway_latency_seconds",
        "studybot_due_reminders",
        "studybot_due_reminders_oldest_age_seconds",
    ):
        assert math.isnan(metrics.registry.get_sample_value(name) or 0.0), name


# --- event-loop lag ----------------------------------------------------------------------------


async def test_loop_lag_is_how_late_the_probe_woke() -> None:
    now = [100.0]
    reported: list[float] = []

    async def late_sleep(seconds: float) -> None:
        now[0] += seconds + 0.25  # the loop was busy for a quarter of a second

    probe = LoopLagProbe(reported.append, interval=1.0, sleep=late_sleep, now=lambda: now[0])
    assert await probe.sample() == pytest.approx(0.25)
    assert reported == [pytest.approx(0.25)]


async def test_loop_lag_probe_task_is_kept_and_cancelled_on_stop() -> None:
    woke = asyncio.Event()

    async def sleep(seconds: float) -> None:
        woke.set()
        await asyncio.Event().wait()  # never returns by itself

    probe = LoopLagProbe(lambda lag: None, sleep=sleep, now=lambda: 0.0)
    probe.start()
    await asyncio.wait_for(woke.wait(), 10)
    task = probe._task
    await probe.stop()
    assert task is not None and task.cancelled()
    await probe.stop()  # idempotent


# --- the port ------------------------------------------------------------------------------------


def test_a_taken_port_is_refused_with_the_fix(taken_port: int) -> None:
    with pytest.raises(MetricsPortError) as refused:
        check_can_listen("127.0.0.1", taken_port)
    message = str(refused.value)
    assert f"127.0.0.1:{taken_port}" in message
    assert "METRICS_PORT" in message and "METRICS_HOST" in message


def test_a_free_port_and_port_0_pass() -> None:
    check_can_listen("127.0.0.1", 0)


def test_run_with_a_taken_metrics_port_exits_2_before_connecting(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    taken_port: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.setenv("DISCORD_TOKEN", "not-a-real-token")
    monkeypatch.setenv("METRICS_PORT", str(taken_port))
    code = main(["run"])
    err = capsys.readouterr().err
    assert code == 2
    assert "METRICS_PORT" in err and "Traceback" not in err
    assert "not-a-real-token" not in err
    assert len(err.strip().splitlines()) == 1  # one paragraph


# --- the database --------------------------------------------------------------------------------


async def test_ping_is_false_when_closed_or_unreachable(store: Store, tmp_path: Path) -> None:
    assert await store.ping()
    await store.close()
    assert not await store.ping()
    missing = tmp_path / "no-such-folder" / "x.db"
    unreachable = Store(f"sqlite+aiosqlite:///file:{missing}?mode=ro&uri=true")
    try:
        assert not await unreachable.ping()
    finally:
        await unreachable.close()


# --- settings and logs ---------------------------------------------------------------------------


def test_metrics_and_log_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("METRICS_PORT", "METRICS_HOST", "LOG_FORMAT"):
        monkeypatch.delenv(name, raising=False)
    defaults = load_settings(_env_file=None)
    assert defaults.metrics_port is None and defaults.metrics_host == "127.0.0.1"
    assert defaults.log_format == "text"
    monkeypatch.setenv("METRICS_PORT", "")
    monkeypatch.setenv("LOG_FORMAT", "JSON")
    chosen = load_settings(_env_file=None)
    assert chosen.metrics_port is None and chosen.log_format == "json"
    monkeypatch.setenv("METRICS_PORT", "9108")
    assert load_settings(_env_file=None).metrics_port == 9108


def test_a_bad_metrics_port_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("METRICS_PORT", "70000")
    assert main(["run"]) == 2
    assert "METRICS_PORT" in capsys.readouterr().err


def test_json_log_lines_carry_time_level_logger_message_and_exception() -> None:
    formatter = JsonFormatter()
    try:
        raise ValueError("bad value")
    except ValueError:
        record = logging.getLogger("studybot.test").makeRecord(
            "studybot.test", logging.ERROR, __file__, 1, "failed: %s", ("x",), sys.exc_info()
        )
    line = formatter.format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "studybot.test"
    assert entry["message"] == "failed: x"
    assert entry["time"].endswith("+00:00")
    assert "ValueError: bad value" in entry["exception"] and "Traceback" in entry["exception"]
    plain = logging.getLogger("x").makeRecord("x", logging.INFO, __file__, 1, "hi", (), None)
    assert "exception" not in json.loads(formatter.format(plain))
    assert not isinstance(log_formatter("text"), JsonFormatter)


def test_log_format_json_makes_every_line_of_the_process_json() -> None:
    """What `studybot run` configures, in a process of its own (logging is global)."""
    script = (
        "import logging\n"
        "from bot.cli import _configure_logging\n"
        "_configure_logging('INFO', 'json')\n"
        "logging.getLogger('studybot').info('ready as %s', 'StudyBot')\n"
        "try:\n"
        "    1 / 0\n"
        "except ZeroDivisionError:\n"
        "    logging.getLogger('studybot.errors').exception('error abc123')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=120,
        check=True,
    )
    lines = done.stderr.strip().splitlines()
    entries = [json.loads(line) for line in lines]
    assert [(e["logger"], e["message"]) for e in entries] == [
        ("studybot", "ready as StudyBot"),
        ("studybot.errors", "error abc123"),
    ]
    assert "ZeroDivisionError" in entries[1]["exception"]


# --- buttons and modals --------------------------------------------------------------------------


class Counted:
    """A `Telemetry` remembering component outcomes."""

    def __init__(self) -> None:
        self.components: list[tuple[str, str]] = []

    def interaction(self, command: str, outcome: InteractionOutcome) -> None:
        raise AssertionError("not a command")

    def component(self, component: str, outcome: InteractionOutcome) -> None:
        self.components.append((component, outcome))

    def delivery(self, kind: str, outcome: str) -> None:
        raise AssertionError("not a delivery")

    def sweep(self, seconds: float) -> None:
        raise AssertionError("not a sweep")


class FakeResponse:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def is_done(self) -> bool:
        return False

    async def send_message(self, text: str, *, ephemeral: bool) -> None:
        self.sent.append(text)


class Checkin:
    def __init__(self, fails: BaseException | None) -> None:
        self.fails = fails

    @guarded
    async def on_submit(self, interaction: Any) -> None:
        if self.fails is not None:
            raise self.fails


async def test_guarded_callbacks_count_ok_refused_and_error() -> None:
    counted = Counted()
    for fails in (None, UserFacingError("That project is done."), RuntimeError("bug")):
        interaction = SimpleNamespace(
            client=SimpleNamespace(telemetry=counted),
            response=FakeResponse(),
            id=1,
            guild_id=2,
            user=SimpleNamespace(id=3),
            command=None,
            data={},
        )
        await Checkin(fails).on_submit(interaction)
    assert counted.components == [
        ("Checkin.on_submit", "ok"),
        ("Checkin.on_submit", "refused"),
        ("Checkin.on_submit", "error"),
    ]


def test_a_client_without_telemetry_counts_nothing() -> None:
    assert telemetry_of(SimpleNamespace()) is NO_TELEMETRY
    assert telemetry_of(SimpleNamespace(telemetry="not one")) is NO_TELEMETRY
    counted = Counted()
    assert telemetry_of(SimpleNamespace(telemetry=counted)) is counted
