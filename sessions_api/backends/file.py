"""The ``file`` engine: Django's, with saves merged under an ``fcntl`` lock, and expiry that holds.

Django's file engine reads ``set_expiry(seconds)`` as "seconds from now" on every load, so such a
session never expires, and it writes a fresh file when it meets an expired one. Here a session whose
time is up is deleted and reads as no session; nothing is written on a read.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import file
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from sessions_api.backends.base import MergingSessionMixin

LOCK_STRIPES = 256  # lock files shared by all sessions: a fixed number, never cleaned up


class SessionStore(MergingSessionMixin, file.SessionStore):
    @contextmanager
    def session_lock(self) -> Iterator[None]:
        stripe = int(hashlib.sha256(self.session_key.encode()).hexdigest()[:8], 16) % LOCK_STRIPES
        lock_dir = os.path.join(self.storage_path, ".locks")
        os.makedirs(lock_dir, exist_ok=True)
        with open(os.path.join(lock_dir, f"{stripe:03d}.lock"), "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)

    def _read(self) -> dict[str, Any] | None:
        """Return the stored dictionary, or None when there is none or it has expired (and delete it)."""
        try:
            with open(self._key_to_file(), encoding="ascii") as session_file:
                file_data = session_file.read()
            modified = self._last_modification()
        except (OSError, SuspiciousOperation):
            return None
        data = self.decode(file_data) if file_data else {}
        if self._expires(data, modified) <= timezone.now():
            self.delete()
            return None
        return data

    def _expires(self, data: dict[str, Any], modified: datetime) -> datetime:
        expiry = data.get("_session_expiry")
        if isinstance(expiry, str):
            return datetime.fromisoformat(expiry)
        seconds = expiry if isinstance(expiry, int) and expiry > 0 else self.get_session_cookie_age()
        return modified + timedelta(seconds=seconds)

    def load(self) -> dict[str, Any]:
        data = self._read()
        if data is None:
            self._session_key = None
            return {}
        return data

    @classmethod
    def clear_expired_from_store(cls) -> int:
        storage_path = cls._get_storage_path()
        prefix = settings.SESSION_COOKIE_NAME

        def count() -> int:
            return sum(1 for name in os.listdir(storage_path) if name.startswith(prefix))

        before = count()
        for name in os.listdir(storage_path):
            store = cls()
            if name.startswith(prefix) and store._validate_session_key(name.removeprefix(prefix)):
                store._session_key = name.removeprefix(prefix)
                store._read()  # deletes the file of a session whose time is up
        return before - count()

    def load_stored(self) -> dict[str, Any] | None:
        return self._read()
