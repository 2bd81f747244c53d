"""Throttles of password checks and registrations, counted in a shared store.

Failed password checks are counted per username and per client address: every check goes through
``accounts.backends.ModelBackend`` (the API's login, the admin's login form, the password change), so
none can skip the limit.

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
import unicodedata
from datetime import timedelta
from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.utils import timezone

from api_project import redis_layout, redis_replicas
from api_project.network import address_network
from sessions_api.models import LoginFailure

COUNTED_PREFIX = {4: 32, 6: 64}  # one client: an IPv4 address, an IPv6 /64
Limits = list[tuple[str, int]]  # (counter key, the most attempts it allows in the window)


class FailureStore(Protocol):
    def reserve(self, limits: Limits, window: int) -> tuple[Any, int]:
        """Reserve one attempt on every counter or none; return (a receipt, 0) or (None, seconds to wait)."""

    def release(self, limits: Limits, receipt: Any) -> None:
        """Give a reserved attempt back (the login succeeded)."""


# One counter, one key (a Redis Cluster refuses a script over keys in two slots): drop its entries past
# the window; when it is full, answer the time at which its blocking entry frees a slot and add nothing;
# else add the attempt, unless ARGV[4] is '' (a check alone).
_STEP = """
local now, window, limit, token = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local blocking = redis.call('ZREVRANGE', KEYS[1], limit - 1, limit - 1, 'WITHSCORES')
  return tostring(tonumber(blocking[2]) or now)
end
if token ~= '' then
  redis.call('ZADD', KEYS[1], now, token)
  redis.call('EXPIRE', KEYS[1], window)
end
return ''
"""


class RedisFailureStore:
    """Each counter reserved by a call of its own, in order, so that no call spans two hash slots.

    The counters after the first are checked before anything is added: an attempt refused by any
    counter that is full writes nothing. Only when a counter fills between that check and the
    reservation (a concurrent attempt) are the reservations already made given back. A Redis error
    midway keeps them (a 503, and one attempt counted too many): it never fails open.
    """

    def __init__(self) -> None:
        from django_redis import get_redis_connection

        self._redis = get_redis_connection("default")
        self._step = self._redis.register_script(_STEP)

    def reserve(self, limits: Limits, window: int) -> tuple[Any, int]:
        now = time.time()
        token = f"{now:.6f}:{secrets.token_hex(4)}"
        counters = [(redis_layout.throttle_key(key), limit) for key, limit in limits]
        for key, limit in counters[1:]:
            if frees := self._call(key, now, window, limit, ""):
                return None, self._wait(frees, window, now)
        taken: list[str] = []
        for key, limit in counters:
            if frees := self._call(key, now, window, limit, token):
                self._give_back(taken, token)
                return None, self._wait(frees, window, now)
            taken.append(key)
        return token, 0

    def release(self, limits: Limits, receipt: Any) -> None:
        self._give_back([redis_layout.throttle_key(key) for key, _ in limits], receipt)

    def _call(self, key: str, now: float, window: int, limit: int, token: str) -> str:
        # A reservation is waited for (REDIS_MIN_REPLICAS), so a failover does not reset the count.
        args = [f"{now:.6f}", window, limit, token]
        # A refusal wrote nothing: it is a 429 even without the replicas.
        frees = redis_replicas.script(self._step, keys=[key], args=args, wait=bool(token), wrote=_reserved)
        return frees.decode() if isinstance(frees, bytes) else frees

    def _give_back(self, keys: list[str], token: str) -> None:
        for key in keys:
            self._redis.zrem(key, token)

    @staticmethod
    def _wait(frees: str, window: int, now: float) -> int:
        return max(1, math.ceil(float(frees) + window - now))


def _reserved(frees: Any) -> bool:
    """Tell from a step's answer whether it added the attempt ('' does; a time means it was full)."""
    return not frees


class DatabaseFailureStore:
    """One row per attempt and counter; autocommit, so each row is visible to every other attempt."""

    def reserve(self, limits: Limits, window: int) -> tuple[Any, int]:
        now = timezone.now()
        rows: list[int] = []
        for key, limit in limits:
            rows.append(LoginFailure.objects.create(key=key, at=now).pk)
            recent = LoginFailure.objects.filter(key=key, at__gt=now - timedelta(seconds=window))
            if recent.count() > limit:
                self.release(limits, rows)
                newest = recent.order_by("-at").values_list("at", flat=True)[limit - 1 : limit]
                oldest = newest[0] if newest else now
                return None, max(1, math.ceil((oldest + timedelta(seconds=window) - now).total_seconds()))
        return rows, 0

    def release(self, limits: Limits, receipt: Any) -> None:
        LoginFailure.objects.filter(pk__in=receipt).delete()


def failures_prune() -> int:
    """Delete the database's failure rows past every window; return how many went (Redis expires its own)."""
    window = max(settings.LOGIN_FAILURE_WINDOW, settings.REGISTRATION_WINDOW)
    deleted, _ = LoginFailure.objects.filter(at__lt=timezone.now() - timedelta(seconds=window)).delete()
    return deleted


@cache
def failure_store() -> FailureStore:
    """Return the store chosen once from settings."""
    return RedisFailureStore() if settings.REDIS_URL else DatabaseFailureStore()


def username_key(username: str) -> str:
    """Return the counter key of a username: ``BOB``, ``bob`` and a full-width ``bob`` share one."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", username).casefold())
    return "user:" + hashlib.sha256(folded.encode()).hexdigest()[:40]


def address_key(address: str) -> str:
    """Return the counter key of a client address: IPv4 by the address, IPv6 by its /64.

    One IPv6 client is usually given a whole /64, so counting each address would let it rotate
    around the limit. An IPv4 address mapped into IPv6 counts as the IPv4 address.
    """
    network = address_network(address, COUNTED_PREFIX)
    return f"addr:{network.network_address if network.version == 4 else network}"


class LoginThrottle:
    """The two counters one password check is held against."""

    def __init__(self, *, username: str, address: str | None) -> None:
        self._limits: Limits = [(username_key(username), settings.LOGIN_FAILURES_PER_USERNAME)]
        if address:
            self._limits.append((address_key(address), settings.LOGIN_FAILURES_PER_ADDRESS))
        self._receipt: Any = None

    def acquire(self) -> int:
        """Reserve the attempt on every counter; return 0, or the seconds to wait when one is full."""
        self._receipt, wait = failure_store().reserve(self._limits, settings.LOGIN_FAILURE_WINDOW)
        return wait

    def release(self) -> None:
        """Give the reserved attempt back: the password was right."""
        if self._receipt is not None:
            failure_store().release(self._limits, self._receipt)
            self._receipt = None


def registration_acquire(*, address: str | None) -> int:
    """Count one registration of this client address; return 0, or the seconds to wait when it is full.

    Every attempt counts, kept or refused: each may cost a password hash.
    """
    if not address:
        return 0
    limits = [("reg:" + address_key(address), settings.REGISTRATIONS_PER_ADDRESS)]
    _, wait = failure_store().reserve(limits, settings.REGISTRATION_WINDOW)
    return wait
