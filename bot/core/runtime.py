"""`Core`: the infrastructure every feature is built on, created once in the wiring.

A fixed, typed bundle (not a locator: nothing is looked up by name), so a feature's
constructor reads `core, <its collaborators…>` instead of the same six arguments each time.
Feature-to-feature collaborators are always explicit constructor arguments.
"""

from __future__ import annotations

from bot.core.attempts import Attempt
from bot.core.changes import ChangeFeed
from bot.core.clock import Clock
from bot.core.records import frozen
from bot.core.scheduling.delivery import Deliverer
from bot.core.scheduling.dispatcher import Dispatcher
from bot.core.scheduling.ledger import Outcome, Send, deliver_once
from bot.core.scheduling.scheduler import SchedulerService
from bot.core.settings import Settings
from bot.core.store import Store
from bot.core.telemetry import Telemetry
from bot.core.workers import CpuWorkers


@frozen
class Core:
    settings: Settings
    clock: Clock
    store: Store
    scheduler: SchedulerService
    dispatcher: Dispatcher
    deliverer: Deliverer
    #: Counters for the operator's metrics (interactions, deliveries, sweeps).
    telemetry: Telemetry
    #: Changes other processes on the database made (the web dashboard's, say) and ours.
    changes: ChangeFeed
    #: Worker processes for CPU-heavy pure work (the sweep's rules).
    workers: CpuWorkers

    async def deliver_once(
        self, *, key: str, guild_id: int, kind: str, send: Send, claimed: Attempt | None = None
    ) -> Outcome:
        """`bot.core.scheduling.ledger.deliver_once` on this bundle's store, clock and
        telemetry (what every feature's send through the ledger passed by hand)."""
        return await deliver_once(
            self.store,
            self.clock,
            key=key,
            guild_id=guild_id,
            kind=kind,
            send=send,
            telemetry=self.telemetry,
            claimed=claimed,
        )
