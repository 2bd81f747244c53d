"""The ``cache`` engine: Django's, on Redis, with saves that compare and set instead of locking.

A save writes the session only if Redis still holds the exact bytes this request loaded (one Lua call
on the one key of the session: GET, compare, SET). When another request wrote in between, it reads
what is there now, applies this request's changes to it and tries again. No lock is taken, so a busy
session never waits on a lock's poll interval, and a worker that dies mid-save leaves nothing held.

Every call touches the session's own key only, so a Redis Cluster serves it like one Redis
(``api_project.redis_layout``). The auth check then reads its two copies in a call of its own
(``sessions_api.snapshots``, one ``MGET`` in the user's slot).
"""

from __future__ import annotations

from functools import cache as once
from typing import Any

from django.contrib.sessions.backends import cache
from django.contrib.sessions.backends.base import UpdateError
from redis.exceptions import TimeoutError as RedisTimeoutError

from sessions_api.backends.base import MergingSessionMixin

# Compare-and-set rounds before a save gives up (503): each lost round means another write landed.
ATTEMPTS = 100

# KEYS: the session. ARGV: the bytes loaded, the bytes to write, seconds to live.
_COMPARE_AND_SET = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0
"""


@once
def _compare_and_set(client: Any) -> Any:
    return client.register_script(_COMPARE_AND_SET)


class SessionStore(MergingSessionMixin, cache.SessionStore):
    _loaded_raw: bytes | None = None  # the stored bytes as this request loaded them

    def load(self) -> dict[str, Any]:
        # Django's version reads any cache error as "no session", which would log everyone out
        # during a Redis outage; here the error goes up and becomes a 503.
        client, redis, key = self._redis_key()
        found = redis.get(key)
        if found is None:
            self._session_key = None
            return {}
        self._loaded_raw = found
        return client.decode(found)

    def write_if_unchanged(self) -> bool:
        client, redis, key = self._redis_key()
        expected, session = self._loaded_raw, self._get_session()
        for _ in range(ATTEMPTS):
            if expected is not None:  # None: not loaded by this request (it made the key itself)
                self._session_cache = session
                encoded = client.encode(session)
                ttl = max(1, self.get_expiry_age())
                if _compare_and_set(redis)(keys=[key], args=[expected, encoded, ttl]):
                    self._loaded_raw = encoded
                    return True
            expected = redis.get(key)
            if expected is None:
                # Ended elsewhere (logout, revocation, expiry) while this request ran: writing now
                # would bring it back.
                raise UpdateError
            session = self.with_changes(client.decode(expected))
        raise RedisTimeoutError(f"session still contended after {ATTEMPTS} compare-and-set rounds")

    def _redis_key(self) -> tuple[Any, Any, str]:
        """Return django-redis's client, the Redis connection and the key of the session."""
        client = self._cache.client
        return client, client.get_client(write=True), client.make_key(self.cache_key)
