"""gunicorn settings of the image: each knob an environment variable (docs/deployment.md)."""

from __future__ import annotations

import os


def _integer(name: str, default: int) -> int:
    """Return an environment variable as a whole number, or stop start-up saying which one is wrong."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"Configuration error: {name}={value!r} is not a whole number.") from None


def _default_workers() -> int:
    """Return one worker per CPU this process may run on, and at least two."""
    return max(2, len(os.sched_getaffinity(0)))


# Inside a container the port is published by the runtime, so listening on every interface is the point.
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Load the app once, in the master: a configuration error (no SECRET_KEY, say) then stops the container
# with its message, instead of workers failing to boot and being restarted forever.
preload_app = True
# Threads let a worker overlap requests that wait on PostgreSQL or Redis; argon2 hashing releases the GIL.
worker_class = "gthread"
workers = _integer("GUNICORN_WORKERS", _default_workers())
threads = _integer("GUNICORN_THREADS", 4)
timeout = _integer("GUNICORN_TIMEOUT", 30)
graceful_timeout = _integer("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _integer("GUNICORN_KEEPALIVE", 5)
max_requests = _integer("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = _integer("GUNICORN_MAX_REQUESTS_JITTER", 0)

loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
errorlog = "-"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty turns the access log off

# The heartbeat file on an overlay filesystem can stall workers; memory never does.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# The control socket would need a writable home directory, which the image's user does not have.
control_socket_disable = True
