"""The image's HEALTHCHECK: exit 0 when GET /api/v1/health on this container answers 200 "ok".

It asks the port gunicorn binds (from gunicorn.conf.py beside it) on the loopback, and sends a Host
the service accepts (the first of ALLOWED_HOSTS), since a Host outside ALLOWED_HOSTS gets 400.
Only the standard library: curl is not in the slim image.
"""

from __future__ import annotations

import http.client
import json
import os
import runpy
import sys
from pathlib import Path

TIMEOUT_SECONDS = 3.0


def port() -> int:
    """Return the TCP port of gunicorn's bind setting."""
    bind = runpy.run_path(str(Path(__file__).with_name("gunicorn.conf.py")))["bind"]
    return int(bind.rsplit(":", 1)[1])


def host() -> str:
    """Return a Host header that the first entry of ALLOWED_HOSTS matches."""
    allowed = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    first = allowed[0] if allowed else "localhost"
    if first == "*":
        return "localhost"
    return first.lstrip(".")  # ".example.com" allows example.com itself


def main() -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port(), timeout=TIMEOUT_SECONDS)
    try:
        connection.request("GET", "/api/v1/health", headers={"Host": host()})
        response = connection.getresponse()
        body = response.read()
    except OSError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    if response.status == 200 and json.loads(body).get("status") == "ok":
        return 0
    print(f"unhealthy: HTTP {response.status} {body[:300]!r}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
