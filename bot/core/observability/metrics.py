"""The bot's Prometheus metrics, in a registry of its own (one per bot).

A per-bot `CollectorRegistry` instead of prometheus-client's global one: several bots in
one process (the test suite, the benchmarks) would otherwise register the same names twice.

Counters and the sweep histogram move as things happen (`BotMetrics` is the `Telemetry`
the wiring hands to the core). Gauges that describe a state — gateway latency, the
due-reminder backlog, the event-loop lag — are set just before each scrape from a
`Snapshot` (`ObservabilityServer` takes it), so an idle bot does no work for them.
"""

from __future__ import annotations

import math
from functools import partial

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.core.records import frozen
from bot.core.telemetry import InteractionOutcome

#: Sweep durations range from milliseconds (a small server) to minutes (100,000 members).
SWEEP_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0)


@frozen
class Snapshot:
    """The state the gauges show, read at scrape time (None: unknown right now)."""

    gateway_latency_seconds: float | None
    due_reminders: int | None
    oldest_due_age_seconds: float | None


def _or_nan(value: float | None) -> float:
    return math.nan if value is None or not math.isfinite(value) else value


class BotMetrics:
    """Every metric of one bot; implements `Telemetry`."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry

        def outcomes(name: str, documentation: str, of: str) -> Counter:
            """A counter of outcomes (ok, refused, error, sent …) per `of`."""
            return Counter(name, documentation, [of, "outcome"], registry=registry)

        self.interactions = outcomes(
            "studybot_interactions",
            "Application commands handled, by command and outcome (ok, refused, error).",
            "command",
        )
        self.components = outcomes(
            "studybot_component_interactions",
            "Buttons, selects and modals handled, by component and outcome (ok, refused, error).",
            "component",
        )
        self.deliveries = outcomes(
            "studybot_deliveries",
            "Scheduled and event-driven sends through the delivery ledger, by kind and outcome.",
            "kind",
        )
        self.sweep_seconds = Histogram(
            "studybot_pitfall_sweep_seconds",
            "Duration of one guild's pitfall sweep.",
            buckets=SWEEP_BUCKETS,
            registry=registry,
        )
        gauge = partial(Gauge, registry=registry)
        self.gateway_latency = gauge(
            "studybot_gateway_latency_seconds",
            "Time between the last gateway heartbeat and its acknowledgement (NaN: none yet).",
        )
        self.due_reminders = gauge(
            "studybot_due_reminders",
            "Member reminders due now and not yet served (the dispatcher's backlog).",
        )
        self.oldest_due_age = gauge(
            "studybot_due_reminders_oldest_age_seconds",
            "How long the oldest due reminder has been waiting (0 when none is due).",
        )
        self.loop_lag = gauge(
            "studybot_event_loop_lag_seconds",
            "How late the last event-loop probe woke up (a busy or blocked loop shows here).",
        )

    # --- Telemetry --------------------------------------------------------------------------

    def interaction(self, command: str, outcome: InteractionOutcome) -> None:
        self.interactions.labels(command=command, outcome=outcome).inc()

    def component(self, component: str, outcome: InteractionOutcome) -> None:
        self.components.labels(component=component, outcome=outcome).inc()

    def delivery(self, kind: str, outcome: str) -> None:
        self.deliveries.labels(kind=kind, outcome=outcome).inc()

    def sweep(self, seconds: float) -> None:
        self.sweep_seconds.observe(seconds)

    # --- scrape time ------------------------------------------------------------------------

    def update(self, snapshot: Snapshot) -> None:
        self.gateway_latency.set(_or_nan(snapshot.gateway_latency_seconds))
        self.due_reminders.set(_or_nan(snapshot.due_reminders))
        self.oldest_due_age.set(_or_nan(snapshot.oldest_due_age_seconds))

    def exposition(self) -> bytes:
        """The registry in Prometheus's text format."""
        return generate_latest(self.registry)
