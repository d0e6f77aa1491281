"""`python -m bot.core.observability.healthcheck`: exit 0 when the bot's `/healthz` says 200.

The container's HEALTHCHECK (Dockerfile, compose.yaml) runs this inside the container: no
curl in a slim image, and the standard library only (none of the bot's dependencies, so it
starts in a fraction of a second). It asks the address the bot listens on — METRICS_HOST,
with an "any address" bind (0.0.0.0, ::) asked on loopback — at METRICS_PORT; anything but
a 200 (the endpoint off, refused, 503, a timeout) exits 1 with one line saying why.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping

TIMEOUT_SECONDS = 8.0  # inside the 10 s Docker gives the whole check (--timeout)
ANY_ADDRESS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


def healthz_url(env: Mapping[str, str]) -> str | None:
    """Where this process's bot serves `/healthz` (None when METRICS_PORT is not set)."""
    port = env.get("METRICS_PORT", "").strip()
    if not port:
        return None
    host = env.get("METRICS_HOST", "127.0.0.1").strip()
    host = ANY_ADDRESS.get(host, host)
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/healthz"


def check(env: Mapping[str, str]) -> tuple[bool, str]:
    """(healthy, one line for the container's health log)."""
    url = healthz_url(env)
    if url is None:
        return False, "unhealthy: METRICS_PORT is not set, so /healthz is off"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            return True, f"healthy: {response.read().decode(errors='replace')}"
    except urllib.error.HTTPError as error:  # 503: the body says which part is down
        body = error.read().decode(errors="replace")
        try:
            down = [name for name, ok in json.loads(body).items() if ok is False and name != "ok"]
        except (ValueError, AttributeError):
            down = []
        return False, f"unhealthy: HTTP {error.code}" + (f", not {', '.join(down)}" if down else "")
    except (OSError, ValueError) as error:  # refused, timed out, a malformed address
        return False, f"unhealthy: {url} did not answer ({error})"


def main() -> int:
    healthy, line = check(os.environ)
    print(line, file=sys.stdout if healthy else sys.stderr)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
