"""`Telemetry`: what the bot's code reports for the operator's metrics, and nothing more.

Features and the core count through this small interface (it lives in the core, so any
layer may use it); only `bot.core.observability` knows it ends up in Prometheus.
Every method is synchronous and cheap (a counter increment): it never does I/O and never
raises into the code that reports.
"""

from __future__ import annotations

from typing import Literal, Protocol, runtime_checkable

#: How an interaction ended: answered, refused with a reason the member understands
#: (not a moderator, cooldown, a `UserFacingError`…), or an unexpected error.
InteractionOutcome = Literal["ok", "refused", "error"]


@runtime_checkable
class Telemetry(Protocol):
    """The counters the bot reports (see `bot.core.observability.metrics` for the names)."""

    def interaction(self, command: str, outcome: InteractionOutcome) -> None:
        """One application command finished (`command` is its qualified name)."""

    def component(self, component: str, outcome: InteractionOutcome) -> None:
        """One button, select or modal was handled (`component` names which kind)."""

    def delivery(self, kind: str, outcome: str) -> None:
        """One `deliver_once` finished: `kind` as in the ledger (daily, nudge, …), `outcome`
        a ledger status (sent, duplicate, failed, retry, unavailable) or `error`."""

    def sweep(self, seconds: float) -> None:
        """One guild's pitfall sweep took `seconds`."""


class NullTelemetry:
    """Counts nothing: for code run outside a bot (benchmarks, unit tests of one service)."""

    def interaction(self, command: str, outcome: InteractionOutcome) -> None:
        return None

    def component(self, component: str, outcome: InteractionOutcome) -> None:
        return None

    def delivery(self, kind: str, outcome: str) -> None:
        return None

    def sweep(self, seconds: float) -> None:
        return None


NO_TELEMETRY: Telemetry = NullTelemetry()


def telemetry_of(client: object) -> Telemetry:
    """The telemetry of the bot behind an interaction (`interaction.client.telemetry`), for
    core code that sees only the interaction (buttons, modals); none for another client."""
    found = getattr(client, "telemetry", None)
    return found if isinstance(found, Telemetry) else NO_TELEMETRY
