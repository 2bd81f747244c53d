"""The ``signed_cookies`` engine: the client holds the data, so nothing can be merged or recalled here.

Django's engine checks only ``SESSION_COOKIE_AGE`` on load and ignores a custom expiry (ticket #19201):
an old cookie replayed after its ``set_expiry`` time would still load. Here each save stamps the time
into the data, and load refuses data past its own expiry. Revocation goes through the session registry.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import signed_cookies
from django.core import signing

from sessions_api.backends.base import EngineSessionMixin

SAVED_AT = "_session_saved_at"
SALT = "django.contrib.sessions.backends.signed_cookies"
MAX_TOKEN_LENGTH = 4096
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_:.")


class SessionStore(EngineSessionMixin, signed_cookies.SessionStore):
    client_holds_data = True

    @property
    def data_max_bytes(self) -> int:
        return settings.SIGNED_COOKIES_DATA_MAX_BYTES

    @property
    def data_max_keys(self) -> int:
        return settings.SIGNED_COOKIES_DATA_MAX_KEYS

    def _validate_session_key(self, key: Any) -> bool:
        return isinstance(key, str) and 8 <= len(key) <= MAX_TOKEN_LENGTH and _TOKEN_CHARS.issuperset(key)

    def load(self) -> dict[str, Any]:
        longest = max(settings.SESSION_COOKIE_AGE, settings.SESSION_MAX_AGE, settings.SESSION_ABSOLUTE_AGE)
        try:
            data = signing.loads(self.session_key, serializer=self.serializer, salt=SALT, max_age=longest)
        except (signing.BadSignature, ValueError, TypeError, UnicodeError):
            data = None
        if not isinstance(data, dict) or self._expired(data):
            self._session_key = None
            return {}
        return data

    def _expired(self, data: dict[str, Any]) -> bool:
        saved_at = data.get(SAVED_AT)
        if not isinstance(saved_at, int):
            return True
        expiry = data.get("_session_expiry")
        if isinstance(expiry, str):
            return datetime.fromisoformat(expiry).timestamp() <= time.time()
        seconds = expiry if isinstance(expiry, int) and expiry > 0 else settings.SESSION_COOKIE_AGE
        return saved_at + seconds <= time.time()

    def _get_session_key(self) -> str:
        self._session[SAVED_AT] = int(time.time())
        return signing.dumps(self._session, compress=True, salt=SALT, serializer=self.serializer)
