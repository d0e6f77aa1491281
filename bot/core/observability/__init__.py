"""What an operator sees of a running bot: `/healthz`, `/metrics` and the log format.

- `metrics`: the Prometheus metrics (a registry per bot), the `Telemetry` the wiring passes on;
- `probes`: health and the scrape-time state read from the client, store and scheduler;
- `server`: the loopback HTTP server (`METRICS_PORT`, `METRICS_HOST`) serving both;
- `looplag`: the event-loop lag probe;
- `logs`: text or JSON log lines (`LOG_FORMAT`);
- `healthcheck`: the container's HEALTHCHECK command (`python -m …healthcheck`).

Only this package imports prometheus-client (`lint-imports` checks it); the rest of the bot
counts through `bot.core.telemetry.Telemetry`.
"""
