"""The ``cache`` engine: Django's, on Redis, with saves that compare and set instead of locking.

A save writes the session only if Redis still holds the exact bytes this request loaded (one Lua call:
GET, compare, SET). When another request wrote in between, it reads what is there now, applies this
request's changes to it and tries again. No lock is taken, so a busy session never waits on a lock's
poll interval, and a worker that dies mid-save leaves nothing held.

Beside each signed-in session lies a hint, ``<key>:auth``: its registry entry id and user id. Loading
the session reads the hint and the auth check's two copies (``sessions_api.snapshots``) in the same
Lua call, so a signed-in request costs one Redis round trip, not two. The hint only says which copies
to fetch: the auth check still takes the ids from the session itself and uses the prefetched copies
only when they are the ones it needs, so a stale or missing hint costs a round trip, never a wrong
answer.
"""

from __future__ import annotations

from functools import cache as once
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cache
from django.contrib.sessions.backends.base import UpdateError
from redis.exceptions import TimeoutError as RedisTimeoutError

from sessions_api import snapshots
from sessions_api.backends.base import AuthRows, MergingSessionMixin
from sessions_api.selectors import REGISTRY_KEY

# Compare-and-set rounds before a save gives up (503): each lost round means another write landed.
ATTEMPTS = 100
HINT_SUFFIX = ":auth"

# KEYS: the session, its hint. ARGV: the bytes loaded, the bytes to write, seconds to live, the hint.
_COMPARE_AND_SET = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
  if ARGV[4] ~= '' then redis.call('SET', KEYS[2], ARGV[4], 'EX', ARGV[3]) end
  return 1
end
return 0
"""
# KEYS: the session, its hint. ARGV: the copies' key prefix ('' for none). Returns {session} or
# {session, hint, entry copy, its generation, user copy, its generation}. The copies' keys are made
# here, from the hint, so this needs one Redis server (or a primary), as the whole service does.
_LOAD = """
local raw = redis.call('GET', KEYS[1])
if not raw then return {false} end
local prefix = ARGV[1]
local hint = redis.call('GET', KEYS[2])
if prefix == '' or not hint then return {raw} end
local entry, user = string.match(hint, '^([^\\n]+)\\n([^\\n]+)$')
if not entry then return {raw} end
local e, u = prefix .. 'entry:' .. entry, prefix .. 'user:' .. user
local copies = redis.call('MGET', e, e .. ':gen', u, u .. ':gen')
return {raw, hint, copies[1], copies[2], copies[3], copies[4]}
"""


@once
def _scripts(client: Any) -> tuple[Any, Any]:
    return client.register_script(_LOAD), client.register_script(_COMPARE_AND_SET)


class SessionStore(MergingSessionMixin, cache.SessionStore):
    _loaded_raw: bytes | None = None  # the stored bytes as this request loaded them
    prefetched_snapshots: snapshots.Prefetched | None = None  # read with the session, for auth_rows()

    def auth_rows(self, entry_id: str, user_id: Any) -> AuthRows | None:
        if self.prefetched_snapshots is None:
            return None
        return snapshots.auth_rows(entry_id=entry_id, user_id=user_id, prefetched=self.prefetched_snapshots)

    def load(self) -> dict[str, Any]:
        # Django's version reads any cache error as "no session", which would log everyone out
        # during a Redis outage; here the error goes up and becomes a 503.
        client, redis, keys = self._redis_keys()
        prefix = snapshots.prefetch_prefix() if settings.SESSION_CACHE_ALIAS == "default" else ""
        found = _scripts(redis)[0](keys=keys, args=[prefix])
        if found[0] is None:
            self._session_key = None
            return {}
        self._loaded_raw = found[0]
        if len(found) == 6:
            entry_id, user_id = found[1].decode().split("\n")
            self.prefetched_snapshots = {
                (snapshots.ENTRY, entry_id): (found[2], found[3]),
                (snapshots.USER, user_id): (found[4], found[5]),
            }
        return client.decode(found[0])

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()  # which saves again, with a key, and writes the hint then
        whole = must_create or self._whole
        super().save(must_create)  # the compare-and-set writes the hint itself
        if whole and (hint := self._hint()):
            _, redis, (_, hint_key) = self._redis_keys()
            redis.set(hint_key, hint, ex=max(1, self.get_expiry_age()))

    def delete(self, session_key: str | None = None) -> None:
        if session_key is None:
            session_key = self.session_key
        if session_key is not None:
            stored = self.cache_key_prefix + session_key
            self._cache.delete_many([stored, stored + HINT_SUFFIX])

    def write_if_unchanged(self) -> bool:
        client, redis, keys = self._redis_keys()
        key = keys[0]
        expected, session = self._loaded_raw, self._get_session()
        for _ in range(ATTEMPTS):
            if expected is not None:  # None: not loaded by this request (it made the key itself)
                self._session_cache = session
                encoded = client.encode(session)
                if _scripts(redis)[1](
                    keys=keys, args=[expected, encoded, max(1, self.get_expiry_age()), self._hint()]
                ):
                    self._loaded_raw = encoded
                    return True
            expected = redis.get(key)
            if expected is None:
                # Ended elsewhere (logout, revocation, expiry) while this request ran: writing now
                # would bring it back.
                raise UpdateError
            session = self.with_changes(client.decode(expected))
        raise RedisTimeoutError(f"session still contended after {ATTEMPTS} compare-and-set rounds")

    def _redis_keys(self) -> tuple[Any, Any, list[str]]:
        """Return django-redis's client, the Redis connection and the keys of the session and its hint."""
        client = self._cache.client
        keys = [client.make_key(self.cache_key), client.make_key(self.cache_key + HINT_SUFFIX)]
        return client, client.get_client(write=True), keys

    def _hint(self) -> str:
        """Return "<registry entry id>\\n<user id>" of a signed-in session, else ""."""
        entry_id, user_id = self._session.get(REGISTRY_KEY), self._session.get(SESSION_KEY)
        if not isinstance(entry_id, str) or user_id is None or "\n" in entry_id + str(user_id):
            return ""
        return f"{entry_id}\n{user_id}"
