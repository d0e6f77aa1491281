"""/healthz and /metrics of the real bot, scraped over loopback HTTP while it runs against
the fake Discord (METRICS_PORT=0: the bot picks a free port and says which)."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot import testing
from bot.core.clock import FakeClock
from bot.core.settings import Settings
from bot.core.store import reminders as reminder_rows
from bot.sandbox import Sandbox
from bot.studybot import StudyBot
from tests.e2e.conftest import bot_of

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def make_metrics_bot(e2e_settings: Settings, e2e_clock: FakeClock) -> Callable[[], StudyBot]:
    with_metrics = e2e_settings.model_copy(update={"metrics_port": 0})

    def factory() -> StudyBot:
        return testing.build_bot(with_metrics, e2e_clock)

    return factory


async def get(url: str) -> tuple[int, str, str]:
    """Status, Content-Type and body of a GET on loopback."""
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, response.headers["Content-Type"], await response.text()


async def healthz(bot: StudyBot) -> tuple[int, dict[str, Any]]:
    assert bot.observability is not None
    async with (
        aiohttp.ClientSession() as session,
        session.get(bot.observability.url + "/healthz") as response,
    ):
        return response.status, await response.json()


async def scrape(bot: StudyBot) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of /metrics, keyed by name and labels."""
    assert bot.observability is not None
    status, content_type, text = await get(bot.observability.url + "/metrics")
    assert status == 200 and content_type.startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    """A sample's value; a labelled counter never incremented is absent, i.e. 0."""
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_counters_move_with_an_interaction_a_refusal_an_error_and_a_daily_post(
    make_metrics_bot: Callable[[], StudyBot],
    e2e_clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with Sandbox(make_metrics_bot, timeout=10.0) as sb:
        bot = bot_of(sb)
        assert bot.observability is not None
        assert bot.observability.host == "127.0.0.1" and bot.observability.port > 0

        status, health = await healthz(bot)
        assert status == 200
        assert health == {
            "ready": True,
            "gateway_connected": True,
            "database_reachable": True,
            "scheduler_running": True,
            "ok": True,
        }
        before = await scrape(bot)
        assert value(before, "studybot_interactions_total", command="log", outcome="ok") == 0
        # The gauges are there from the first scrape (the latency may still be NaN).
        for gauge in (
            "studybot_gateway_latency_seconds",
            "studybot_due_reminders",
            "studybot_due_reminders_oldest_age_seconds",
            "studybot_event_loop_lag_seconds",
        ):
            assert (gauge, frozenset()) in before, gauge
        assert value(before, "studybot_due_reminders") == 0

        # An interaction answered, one refused (not a moderator), one failing unexpectedly.
        alice = sb.member("alice")
        logged = await sb.slash(alice, "log", minutes=45, kind="course")
        await sb.slash(alice, "setup health")

        async def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError("planted failure")

        monkeypatch.setattr(bot.services.progress.log, "add", broken)
        failed = await sb.slash(alice, "log", minutes=10, kind="course")
        assert "error id" in failed.text
        monkeypatch.undo()

        # A scheduled post: the daily prompt at 09:00 Berlin, driven by the fake clock.
        mod = sb.member("morgan", moderator=True)
        await sb.slash(mod, "setup timezone", zone="Europe/Berlin")
        await sb.slash(mod, "setup channels", daily="daily")
        await sb.slash(mod, "setup daily", time="09:00")
        await testing.advance(bot, timedelta(hours=24))
        await sb.wait_idle()
        posts = [m for m in sb.channel("daily").messages if m.embeds]
        assert len(posts) == 1

        # Buttons: Done on the post is answered; yesterday's Undo is refused (too late).
        await sb.click(alice, posts[0], "Done")
        e2e_clock.advance(timedelta(hours=1))  # 25 hours after the /log
        late = await sb.click(alice, logged, "Undo")
        assert late.ephemeral and "24 hours" in late.text

        # A member reminder due an hour ago that no tick has served yet: the backlog.
        now = bot.clock.now()
        async with bot.store.begin() as conn:
            await reminder_rows.upsert(
                conn, sb.guild.id, alice.id, "planted", now - timedelta(hours=1)
            )

        after = await scrape(bot)
        assert value(after, "studybot_interactions_total", command="log", outcome="ok") == 1
        assert (
            value(after, "studybot_interactions_total", command="setup health", outcome="refused")
            == 1
        )
        assert value(after, "studybot_interactions_total", command="log", outcome="error") == 1
        for component, outcome in (("daily-done", "ok"), ("progress-undo", "refused")):
            assert (
                value(
                    after,
                    "studybot_component_interactions_total",
                    component=component,
                    outcome=outcome,
                )
                == 1
            ), component
        assert value(after, "studybot_deliveries_total", kind="daily", outcome="sent") == 1
        assert value(after, "studybot_pitfall_sweep_seconds_count") >= 1  # the 10:00 sweep
        assert value(after, "studybot_due_reminders") == 1
        assert value(after, "studybot_due_reminders_oldest_age_seconds") == 3600
        # The planted error is the only ERROR line of the run.
        assert len(sb.errors) == 1 and "planted failure" in sb.errors[0]
        sb.errors.clear()


async def test_healthz_is_503_before_ready_and_after_the_database_closed(
    make_metrics_bot: Callable[[], StudyBot],
) -> None:
    seen_at_setup: list[tuple[int, dict[str, Any]]] = []

    def factory() -> StudyBot:
        bot = make_metrics_bot()
        setup_hook = bot.setup_hook

        async def setup_then_ask() -> None:
            await setup_hook()  # the endpoint starts here, before the gateway connects
            seen_at_setup.append(await healthz(bot))

        bot.setup_hook = setup_then_ask  # type: ignore[method-assign]
        return bot

    async with Sandbox(factory, timeout=10.0) as sb:
        bot = bot_of(sb)
        status, health = seen_at_setup[0]
        assert status == 503
        assert health["ready"] is False and health["gateway_connected"] is False
        assert health["database_reachable"] is True and health["scheduler_running"] is True
        assert health["ok"] is False

        assert (await healthz(bot))[0] == 200
        await bot.store.close()
        status, health = await healthz(bot)
        assert status == 503
        assert health["database_reachable"] is False and health["ready"] is True
        url = bot.observability.url if bot.observability else ""

    # Closing the bot closed the endpoint.
    assert bot.observability is None
    with pytest.raises(aiohttp.ClientConnectionError):
        await get(url + "/healthz")


async def run_healthcheck(port: int) -> tuple[int, str]:
    """The container's HEALTHCHECK command (Dockerfile, compose.yaml), as Docker runs it."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "METRICS_PORT": str(port)}
    env.pop("METRICS_HOST", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.core.observability.healthcheck",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=REPO,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, (out + err).decode()


async def test_the_container_healthcheck_follows_healthz(
    make_metrics_bot: Callable[[], StudyBot],
) -> None:
    async with Sandbox(make_metrics_bot, timeout=10.0) as sb:
        bot = bot_of(sb)
        assert bot.observability is not None
        port = bot.observability.port
        code, said = await run_healthcheck(port)
        assert code == 0 and said.startswith("healthy")
        await bot.store.close()
        code, said = await run_healthcheck(port)
        assert code == 1
        assert said.strip() == "unhealthy: HTTP 503, not database_reachable"
    code, said = await run_healthcheck(port)  # the bot is gone
    assert code == 1 and "did not answer" in said


async def test_no_endpoint_unless_metrics_port_is_set(sb: Sandbox) -> None:
    bot = bot_of(sb)
    assert bot.settings.metrics_port is None and bot.observability is None
    # The counters still count (the registry is the bot's own), ready for a later scrape.
    await sb.slash(sb.member("alice"), "log", minutes=5, kind="reading")
    counted = bot.metrics.registry.get_sample_value(
        "studybot_interactions_total", {"command": "log", "outcome": "ok"}
    )
    assert counted == 1
