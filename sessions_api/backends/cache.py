"""The ``cache`` engine: Django's, on Redis, with saves that compare and set instead of locking.

A save writes the session only if Redis still holds the exact bytes this request loaded (one Lua call
on the one key of the session: GET, compare, SET). When another request wrote in between, it reads
what is there now, applies this request's changes to it and tries again. No lock is taken, so a busy
session never waits on a lock's poll interval, and a worker that dies mid-save leaves nothing held.

Every script touches the session's own key only, so a Redis Cluster serves it like one Redis
(``api_project.redis_layout``). The auth check's two copies (``sessions_api.snapshots``) lie in the
user's slot; a signed-in session's key begins with a tag in that same slot (``redis_layout.session_tag``,
drawn when the key is, at login), so on a cluster too the session and its copies are one MGET on one
node. Which entry and user the copies are of shows only once the session is read, so each process
remembers, per session key, the registry entry and user it last saw in it (``_HINTS``): a signed-in
request costs one round trip. The hint only says which copies to fetch: the auth check takes the ids
from the session itself and uses the prefetched copies only when they are the ones it needs, so a
stale or missing hint costs a round trip, never a wrong answer. A key without a tag (made before tags,
or anonymous) is served as before, with a GET and an MGET on a cluster.
"""

from __future__ import annotations

from functools import cache as once
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cache
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, UpdateError
from django.core.cache import caches
from django.utils.crypto import get_random_string
from redis.crc import key_slot
from redis.exceptions import TimeoutError as RedisTimeoutError

from api_project import redis_layout, redis_replicas
from api_project.errors import STORE_ERRORS
from sessions_api import snapshots
from sessions_api.backends.base import AuthRows, MergingSessionMixin
from sessions_api.selectors import REGISTRY_KEY

# Compare-and-set rounds before a save gives up (503): each lost round means another write landed.
ATTEMPTS = 100
HINTS_KEPT = 10_000  # sessions whose hint a process remembers; past that it starts over
_HINTS: dict[str, tuple[str, str]] = {}  # session key -> (registry entry id, user id)

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
    prefetched_snapshots: snapshots.Prefetched | None = None  # read with the session, for auth_rows()
    key_lengths = frozenset({redis_layout.SESSION_KEY_LENGTH, redis_layout.TAGGED_SESSION_KEY_LENGTH})

    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        # Creates wait for REDIS_MIN_REPLICAS replicas, as the compare-and-set below does.
        self._cache: Any = redis_replicas.cache(caches[settings.SESSION_CACHE_ALIAS])

    def auth_rows(self, entry_id: str, user_id: Any) -> AuthRows | None:
        if self.prefetched_snapshots is None:
            return None
        return snapshots.auth_rows(entry_id=entry_id, user_id=user_id, prefetched=self.prefetched_snapshots)

    def load(self) -> dict[str, Any]:
        # Django's version reads any cache error as "no session", which would log everyone out
        # during a Redis outage; here the error goes up and becomes a 503.
        client, redis, key = self._redis_key()
        hint = _HINTS.get(self._session_key or "") if self._prefetches() else None
        found = redis.get(key) if hint is None else self._get_with_copies(redis, key, *hint)
        if found is None:
            self._session_key = None
            return {}
        self._loaded_raw = found
        data = client.decode(found)
        self._remember_hint(data)
        return data

    def _get_with_copies(self, redis: Any, key: str, entry_id: str, user_id: str) -> bytes | None:
        """Return the stored session, and keep the copies of the hinted entry and user read with it."""
        keys = [
            *snapshots.keys_of(snapshots.ENTRY, entry_id, user_id),
            *snapshots.keys_of(snapshots.USER, user_id, user_id),
        ]
        if settings.REDIS_CLUSTER and key_slot(key.encode()) != key_slot(keys[0].encode()):
            # A key without its user's tag: a GET, then one MGET of the copies (one slot), far
            # cheaper on the client than redis-py's cluster pipeline of five GETs.
            found = redis.get(key)
            try:
                copies = redis.mget(keys)
            except STORE_ERRORS:  # the auth check reads the copies (or the database) itself
                return found
        else:  # one slot, or one Redis: one command
            found, *copies = redis.mget([key, *keys])
        self.prefetched_snapshots = {
            (snapshots.ENTRY, entry_id): (copies[0], copies[1]),
            (snapshots.USER, user_id): (copies[2], copies[3]),
        }
        return found

    @staticmethod
    def _prefetches() -> bool:
        """Tell whether the copies may be read with the session: they are on, and in the same Redis."""
        return settings.SESSION_CACHE_ALIAS == "default" and snapshots.available()

    def _remember_hint(self, data: dict[str, Any]) -> None:
        entry_id, user_id = data.get(REGISTRY_KEY), data.get(SESSION_KEY)
        if self._session_key and isinstance(entry_id, str) and user_id is not None:
            if len(_HINTS) >= HINTS_KEPT:
                _HINTS.clear()
            _HINTS[self._session_key] = (entry_id, str(user_id))

    # --- keys: a signed-in session's begins with its user's tag --------------------------------

    @property
    def cache_key(self) -> str:
        return self._name_of(self._get_or_create_session_key())

    def exists(self, session_key: str) -> bool:
        return bool(session_key) and self._cache.has_key(self._name_of(session_key))

    def delete(self, session_key: str | None = None) -> None:
        session_key = session_key or self.session_key
        if session_key:
            self._cache.delete(self._name_of(session_key))

    def _name_of(self, session_key: str) -> str:
        return self.cache_key_prefix + redis_layout.tagged_session_name(session_key)

    def _get_new_session_key(self) -> str:
        # Drawn when the session is first saved under a new key (after a login's cycle_key, its user
        # already in it).
        user_id = getattr(self, "_session_cache", {}).get(SESSION_KEY)
        key = get_random_string(redis_layout.SESSION_KEY_LENGTH, VALID_KEY_CHARS)
        return key if user_id is None else redis_layout.session_tag(user_id) + key

    def write_if_unchanged(self) -> bool:
        client, redis, key = self._redis_key()
        expected, session = self._loaded_raw, self._get_session()
        for _ in range(ATTEMPTS):
            if expected is not None:  # None: not loaded by this request (it made the key itself)
                self._session_cache = session
                encoded = client.encode(session)
                ttl = max(1, self.get_expiry_age())
                cas = _compare_and_set(redis)
                if redis_replicas.script(cas, keys=[key], args=[expected, encoded, ttl], wrote=bool):
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
