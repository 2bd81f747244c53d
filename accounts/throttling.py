"""Login throttling: failed logins counted per username and per client address, in a shared store.

DRF's throttles count every request, not failures, and their get-then-set on the cache loses counts
under concurrency. Here each attempt first reserves a slot (an entry with its time) and is refused when
the slots in the window are over the limit; a successful login gives its slot back, a failure keeps it.
Reserving before ``authenticate()`` means a refused attempt costs no hash, and that concurrent attempts
cannot all slip under the limit. The store is Redis when ``REDIS_URL`` is set, the database otherwise:
never process memory, so every worker and instance counts the same failures.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from datetime import timedelta
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils import timezone

from sessions_api.models import LoginFailure


class FailureStore(Protocol):
    def reserve(self, key: str, limit: int, window: int) -> tuple[str, int]:
        """Reserve one attempt; return (a token to release it, 0) or ("", seconds to wait)."""

    def release(self, key: str, token: str) -> None:
        """Give a reserved attempt back (the login succeeded)."""


# Reserve one attempt in one round trip: drop entries past the window, then add this attempt when the
# window holds fewer than the limit; else answer the time of the limit-th newest entry (when a slot frees).
# A refused attempt writes nothing, so a flood of them costs Redis one read each.
_RESERVE = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('EXPIRE', KEYS[1], window)
  return ''
end
local blocking = redis.call('ZREVRANGE', KEYS[1], limit - 1, limit - 1, 'WITHSCORES')
return blocking[2] or ARGV[1]
"""


class RedisFailureStore:
    def __init__(self) -> None:
        from django_redis import get_redis_connection

        self._redis = get_redis_connection("default")
        self._prefix = settings.CACHES["default"].get("KEY_PREFIX", "") + ":loginfail:"
        self._reserve = self._redis.register_script(_RESERVE)

    def reserve(self, key: str, limit: int, window: int) -> tuple[str, int]:
        now = time.time()
        token = f"{now:.6f}:{secrets.token_hex(4)}"
        blocking = self._reserve(keys=[self._prefix + key], args=[f"{now:.6f}", window, limit, token])
        if not blocking:
            return token, 0
        return "", max(1, math.ceil(float(blocking) + window - now))

    def release(self, key: str, token: str) -> None:
        self._redis.zrem(self._prefix + key, token)


class DatabaseFailureStore:
    def reserve(self, key: str, limit: int, window: int) -> tuple[str, int]:
        now = timezone.now()
        # Autocommit: each attempt's row is visible to every other attempt before it counts.
        row = LoginFailure.objects.create(key=key, at=now)
        recent = LoginFailure.objects.filter(key=key, at__gt=now - timedelta(seconds=window))
        if recent.count() <= limit:
            return str(row.pk), 0
        row.delete()
        newest = recent.order_by("-at").values_list("at", flat=True)[limit - 1 : limit]
        oldest = newest[0] if newest else now
        return "", max(1, math.ceil((oldest + timedelta(seconds=window) - now).total_seconds()))

    def release(self, key: str, token: str) -> None:
        LoginFailure.objects.filter(pk=int(token)).delete()


@cache
def failure_store() -> FailureStore:
    """Return the store chosen once from settings."""
    return RedisFailureStore() if settings.REDIS_URL else DatabaseFailureStore()


class LoginThrottle:
    """The two counters one login attempt is checked against."""

    def __init__(self, *, username: str, address: str | None) -> None:
        digest = hashlib.sha256(username.casefold().encode()).hexdigest()[:40]
        self._limits = [(f"user:{digest}", settings.LOGIN_FAILURES_PER_USERNAME)]
        if address:
            self._limits.append((f"addr:{address}", settings.LOGIN_FAILURES_PER_ADDRESS))
        self._tokens: list[tuple[str, str]] = []

    def acquire(self) -> int:
        """Reserve the attempt on every counter; return 0, or the seconds to wait when one is full."""
        store = failure_store()
        window = settings.LOGIN_FAILURE_WINDOW
        for key, limit in self._limits:
            token, wait = store.reserve(key, limit, window)
            if wait:
                self.release()
                return wait
            self._tokens.append((key, token))
        return 0

    def release(self) -> None:
        """Give the reserved attempts back: the login succeeded (or another counter refused it)."""
        store = failure_store()
        for key, token in self._tokens:
            store.release(key, token)
        self._tokens.clear()
