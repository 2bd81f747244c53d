"""Whether this process should leave Redis alone for now: one breaker, one policy, for every Redis user.

The policy. Redis holds copies whose truth is in the database (the auth check's copies of registry
entries and users, ``cached_db``'s sessions), and counts that have no other home (the login throttle,
the ``cache`` engine's sessions). After a Redis error:

- a user of copies leaves Redis alone for its cooldown (``COOLDOWN``), reading and writing the
  database alone, instead of every request waiting out the Redis timeout; once the cooldown has
  passed the next call tries Redis again, and another error opens the breaker again;
- within the request that met the error, nothing that must reach Redis before a write (dropping a
  copy) waits out a second timeout: it fails at once, and the write answers 503;
- what has no other home never consults the breaker and never fails open: the throttle and the
  ``cache`` engine try Redis on every request and answer 503 while it fails (an open breaker would
  refuse logins for a cooldown after Redis is back).

One clock, ``time.monotonic`` (``Breaker.clock``, which tests may replace), and one record per process:
an error met by any user opens the breaker for all of them, each for its own cooldown.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.signals import request_started

logger = logging.getLogger(__name__)

# Seconds a user of Redis leaves it alone after an error, by user.
COOLDOWN = {
    # The auth check's copies (sessions_api/snapshots.py): the database answers every check meanwhile.
    "auth_copies": 5.0,
    # cached_db's session cache: as long as its trust's lease (backends/cached_db/trust.py), since every
    # write made while Redis is left alone opens an episode that waits out a lease.
    "session_cache": 1.0,
}


class Breaker:
    """When this process, and this request, last failed to reach Redis."""

    clock: Callable[[], float] = staticmethod(time.monotonic)

    def __init__(self) -> None:
        self.failed_at: float | None = None
        self.request = threading.local()  # .failed: Redis failed during the request this thread serves

    def open(self, user: str) -> bool:
        """Tell whether ``user`` should leave Redis alone now (it failed within that user's cooldown)."""
        return self.failed_at is not None and self.clock() < self.failed_at + COOLDOWN[user]

    def trip(self, exc: BaseException, during: str) -> None:
        """Record a Redis error met by ``during`` (logged when the breaker was closed for every user)."""
        if not any(self.open(user) for user in COOLDOWN):
            logger.warning("Redis unavailable on %s: %s", during, exc.__class__.__name__)
        self.failed_at = self.clock()
        self.request.failed = True

    def failed_in_this_request(self) -> bool:
        """Tell whether Redis already failed during the request this thread is serving."""
        return getattr(self.request, "failed", False)

    def reset(self) -> None:
        """Forget every failure (tests)."""
        self.failed_at = None
        self.request.failed = False


redis_health = Breaker()


def _request_started(**kwargs: Any) -> None:
    redis_health.request.failed = False


request_started.connect(_request_started, dispatch_uid="store_health.request_started")
