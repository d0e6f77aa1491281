"""The core every feature uses and that uses no feature.

Clock, settings, errors, checks, the store engine, scheduling and delivery, and what an
operator sees: telemetry (counters any layer reports through) and observability (`/healthz`,
`/metrics`, log format).
"""
