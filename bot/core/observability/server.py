"""The operator's HTTP endpoint inside the bot process: `/healthz` and `/metrics`.

aiohttp's web server (aiohttp is already a dependency of discord.py and of the bot) on the
bot's own event loop: no thread, no second process, and the handlers read the client's
state directly. Off unless `METRICS_PORT` is set; bound to `METRICS_HOST` (127.0.0.1 by
default: expose it further only behind something that authenticates).

- `GET /healthz`: JSON `{ready, gateway_connected, database_reachable, scheduler_running,
  ok}`; 200 when all are true, else 503 (for Docker's HEALTHCHECK, systemd or a balancer).
- `GET /metrics`: Prometheus's text format, from the bot's own registry.
"""

from __future__ import annotations

import logging
import socket

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.core.observability.looplag import LoopLagProbe
from bot.core.observability.metrics import BotMetrics
from bot.core.observability.probes import BotProbes

log = logging.getLogger(__name__)


class MetricsPortError(RuntimeError):
    """The endpoint could not listen (port taken, address not on this machine…)."""


def port_error_message(host: str, port: int, error: OSError) -> str:
    reason = error.strerror or type(error).__name__
    return (
        f"Cannot serve /metrics and /healthz on {host}:{port} ({reason}). Another program "
        "may be using that port, or the address is not one of this machine's: set "
        "METRICS_PORT to a free port and METRICS_HOST to a local address (default "
        "127.0.0.1), or leave METRICS_PORT empty to turn the endpoint off."
    )


def check_can_listen(host: str, port: int) -> None:
    """Bind and release `host:port` once, so `studybot run` refuses a taken port or a foreign
    address before it connects to Discord. Raises `MetricsPortError` with the fix."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, kind, proto, _name, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            # As aiohttp's server does: a port left in TIME_WAIT is free, a listening one not.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        raise MetricsPortError(port_error_message(host, port, error)) from None


class ObservabilityServer:
    """Serves `/healthz` and `/metrics` from `start()` to `close()`."""

    def __init__(self, probes: BotProbes, metrics: BotMetrics, *, host: str, port: int) -> None:
        self.probes = probes
        self.metrics = metrics
        self.host = host
        self.requested_port = port
        self.lag_probe = LoopLagProbe(metrics.loop_lag.set)
        self._runner: web.AppRunner | None = None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/metrics", self.metrics_page)
        return app

    async def healthz(self, request: web.Request) -> web.Response:
        health = await self.probes.health()
        return web.json_response(health.as_json(), status=200 if health.ok else 503)

    async def metrics_page(self, request: web.Request) -> web.Response:
        self.metrics.update(await self.probes.snapshot())
        return web.Response(
            body=self.metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    @property
    def port(self) -> int:
        """The port actually bound (differs from METRICS_PORT=0, which picks a free one)."""
        if self._runner is None or not self._runner.addresses:
            raise RuntimeError("the observability server is not running")
        return int(self._runner.addresses[0][1])

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host  # an IPv6 address
        return f"http://{host}:{self.port}"

    async def start(self) -> None:
        runner = web.AppRunner(self.app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.requested_port)
        try:
            await site.start()
        except OSError as error:
            await runner.cleanup()
            raise MetricsPortError(
                port_error_message(self.host, self.requested_port, error)
            ) from None
        self._runner = runner
        self.lag_probe.start()
        log.info("health and metrics on %s (/healthz, /metrics)", self.url)

    async def close(self) -> None:
        await self.lag_probe.stop()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
