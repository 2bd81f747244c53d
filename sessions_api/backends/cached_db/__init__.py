"""The ``cached_db`` engine: the database is the truth, Redis a cache that may be down or cut off.

Our ``db`` engine does the storing (merged saves under the row lock); this adds the cache in front of
it, the way Django's own ``cached_db`` is built on ``db``, but through ``trust`` (beside it): a
cache error is a miss, and writes made while Redis cannot be reached (or trusted) are never hidden
afterwards by the older copies Redis kept. The cache is written inside the transaction of the database
write, under the row lock, so cache writes land in the order of the database writes; a read that
fills the cache after a miss only adds, never overwrites, so it cannot put back an older copy over a
newer one. An ended session leaves a tombstone for the same reason.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
from django.core.cache import caches

from api_project import redis_replicas
from sessions_api.backends.cached_db import trust as cache_trust
from sessions_api.backends.db import SessionStore as DBStore

ENDED = "ended"  # the tombstone: a session's data is always a dictionary, never this
ENDED_TIMEOUT = 60  # seconds; far longer than a read that raced the deletion can take to fill the cache


class SessionStore(DBStore):
    # Not the Redis copies: it promises to serve, revocations included, while Redis is down, and a
    # write there would have to reach Redis first (to drop the copy), so it would fail closed instead.
    uses_auth_copies = False
    compare_and_write = False  # its saves hold the row lock while they write the cache too
    cache_key_prefix = KEY_PREFIX

    def __init__(self, session_key: str | None = None) -> None:
        self._cache = caches[settings.SESSION_CACHE_ALIAS]
        super().__init__(session_key)

    def _key_of(self, session_key: str) -> cache_trust.KeyOf:
        return lambda epoch: f"{self.cache_key_prefix}:{epoch}:{session_key}"

    def _written_cache(self) -> Any:
        """The cache for writes: with REDIS_MIN_REPLICAS, one a replica does not acknowledge is a cache
        failure (trust.py opens an episode). Fills need no replica: a lost one is a miss."""
        return redis_replicas.cache(self._cache)

    def load(self) -> dict[str, Any]:
        trust = cache_trust.current()
        key_of = self._key_of(self.session_key)
        data = cache_trust.cache_get(self._cache, trust, key_of)
        if data == ENDED:
            self._session_key = None
            return {}
        if data is not None:
            return data
        row = self._get_session_from_db()
        if row is None:
            return {}
        data = self.decode(row.session_data)
        cache_trust.cache_fill(self._cache, trust, key_of, data, self.get_expiry_age(expiry=row.expire_date))
        return data

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()  # which saves again, with a key
        with self.session_lock():
            super().save(must_create)
            written = cache_trust.cache_write(
                self._written_cache(), self._key_of(self.session_key), self._session, self.get_expiry_age()
            )
        written.settle()

    def delete(self, session_key: str | None = None) -> None:
        key = session_key or self.session_key
        if key is None:
            return
        with self.session_lock():
            super().delete(key)
            written = cache_trust.cache_write(self._written_cache(), self._key_of(key), ENDED, ENDED_TIMEOUT)
        written.settle()
