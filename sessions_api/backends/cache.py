"""The ``cache`` engine: Django's, on Redis, with saves merged under a Redis lock."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import cache

from sessions_api.backends.base import MergingSessionMixin

LOCK_TIMEOUT = 5.0  # seconds a crashed worker can hold a session's lock


class SessionStore(MergingSessionMixin, cache.SessionStore):
    engine_name = "cache"

    def session_lock(self) -> Any:
        return self._cache.lock(self.cache_key + ":lock", timeout=LOCK_TIMEOUT, blocking_timeout=LOCK_TIMEOUT)

    def load_stored(self) -> dict[str, Any] | None:
        return self._cache.get(self.cache_key)

    def load(self) -> dict[str, Any]:
        # Django's version reads any cache error as "no session", which would log everyone out
        # during a Redis outage; here the error goes up and becomes a 503.
        data = self._cache.get(self.cache_key)
        if data is not None:
            return data
        self._session_key = None
        return {}
