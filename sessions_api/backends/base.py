"""What our engines add to Django's, and the one interface the rest of the service knows them by.

``EngineContract`` is what the auth check, the services and the views may ask of an engine (its data
limits, whether the client holds the session, the rows it read with the session); nothing outside
``sessions_api/backends/`` reads an engine's private attributes or tests its name. ``engine_of`` gives
the same answers for a stock engine named by dotted path.

The merged save:

Django's SessionMiddleware saves the whole dictionary at the end of a request, so of two requests that
change different keys of one session at once, the later save drops the earlier one's change. Here the
store records which keys this request set or deleted, and ``save()`` takes a per-session lock, reloads
what is stored, applies just those changes and writes (or, where the engine can, first tries one
write that succeeds only if nothing changed since this request loaded the session). Whole-session
operations (create, flush, cycle_key, clear) still write the whole dictionary: a new key is known to
nobody else yet.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from functools import cache
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, SessionBase, UpdateError
from django.utils.crypto import get_random_string

_MISSING = object()
_KEY_CHARS = frozenset(VALID_KEY_CHARS)

# A session's registry entry and user, as an engine read them with the session (each None where the
# row does not exist).
AuthRows = tuple[Any, Any]


class EngineContract:
    """What the service may ask of a session engine besides Django's ``SessionBase`` API."""

    # Whether the client holds the session (its data is the token), so that a token handed out before
    # stays loadable after the session changed: the auth check then compares its token version.
    client_holds_data = False
    # Whether the auth check may read the registry entry and the user from their Redis copies
    # (``sessions_api.snapshots``); not where the engine reads them fresher itself, or must serve
    # while Redis is down.
    uses_auth_copies = True

    @property
    def data_max_bytes(self) -> int:
        """Return the most bytes of data (compact JSON) one session may hold."""
        return settings.SESSION_DATA_MAX_BYTES

    @property
    def data_max_keys(self) -> int:
        """Return the most data keys one session may hold."""
        return settings.SESSION_DATA_MAX_KEYS

    def auth_rows(self, entry_id: str, user_id: Any) -> AuthRows | None:
        """Return the registry entry and user read with the session, or None when it read none of them.

        Only rows of the entry asked for: the auth check reads them itself on None.
        """
        return None


_STOCK = EngineContract()  # what a stock engine (a dotted path to Django's own) offers


def engine_of(session: SessionBase) -> EngineContract:
    """Return the session's engine as the contract (the stock answers for an engine without it)."""
    return session if isinstance(session, EngineContract) else _STOCK


@cache
def configured_engine() -> type[EngineContract] | EngineContract:
    """Return the class of the engine that ``SESSION_ENGINE`` names, or the stock answers."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    return store if issubclass(store, EngineContract) else _STOCK


class EngineSessionMixin(EngineContract, SessionBase):
    """What every engine of ours adds to Django's: the contract, strict keys, pruning with the registry."""

    # --- clearing expired sessions (what ``clearsessions`` calls) ------------------------------

    @classmethod
    def clear_expired(cls) -> None:
        cls.clear_expired_count()

    @classmethod
    def clear_expired_count(cls) -> int:
        """Delete expired sessions from the store and the registry; return how many went."""
        from sessions_api.models import UserSession
        from sessions_api.signals import expired_sessions_cleared

        deleted = cls.clear_expired_from_store() + UserSession.objects.expired().delete()[0]
        expired_sessions_cleared.send(sender=cls)  # accounts prunes its throttle's counts on it
        return deleted

    @classmethod
    def clear_expired_from_store(cls) -> int:
        """Delete expired sessions from the store; return how many (0 where the store expires them)."""
        return 0

    # --- hostile keys ------------------------------------------------------------------------

    key_lengths: frozenset[int] = frozenset({32})  # the lengths of the keys this engine makes

    def _validate_session_key(self, key: Any) -> bool:
        """Accept only keys of the shape this engine makes; anything else is no session."""
        return isinstance(key, str) and len(key) in self.key_lengths and _KEY_CHARS.issuperset(key)


class MergingSessionMixin(EngineSessionMixin):
    """Save only the keys this request changed, under the engine's lock (the server-side engines)."""

    def __init__(self, session_key: str | None = None) -> None:
        self._changed: dict[str, Any] = {}
        self._deleted: set[str] = set()
        self._whole = False
        super().__init__(session_key)

    # --- recording what this request changed -------------------------------------------------

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self._changed[key] = value
        self._deleted.discard(key)

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self._changed.pop(key, None)
        self._deleted.add(key)

    def pop(self, key: str, default: Any = _MISSING) -> Any:
        if key in self._session:
            self._changed.pop(key, None)
            self._deleted.add(key)
        return super().pop(key) if default is _MISSING else super().pop(key, default)

    def update(self, dict_: Any) -> None:  # type: ignore[override]
        super().update(dict_)
        for key, value in dict_.items():
            self._changed[key] = value
            self._deleted.discard(key)

    def clear(self) -> None:
        super().clear()
        self._whole = True

    def cycle_key(self) -> None:
        # Django's writes the data under a new key at once, and the request's save writes it again
        # (a login: four statements and a round trip more). Here, as after flush(), the save at the end
        # of the request creates the new record, once, with everything the request put in it.
        data, key = self._session, self.session_key
        self._session_key = None
        self._session_cache = data
        self.modified = True
        self._whole = True
        if key:
            self.delete(key)

    def _get_new_session_key(self) -> str:
        # A new record is always written with must_create, which every engine refuses for a key that
        # exists (create() then draws another); Django's asking the store first was a round trip more.
        return get_random_string(32, VALID_KEY_CHARS)

    # --- saving ------------------------------------------------------------------------------

    def save(self, must_create: bool = False) -> None:
        if must_create or self._whole or self.session_key is None:
            super().save(must_create=must_create)
        elif not self.write_if_unchanged():
            with self.session_lock():
                stored = self.load_stored()
                if stored is None:
                    # Ended elsewhere (logout, revocation, expiry) while this request ran:
                    # writing now would bring it back.
                    raise UpdateError
                self._session_cache = self.with_changes(stored)
                super().save()
        self._changed.clear()
        self._deleted.clear()
        self._whole = False

    def with_changes(self, stored: dict[str, Any]) -> dict[str, Any]:
        """Return ``stored`` with this request's changes applied to it."""
        for key in self._deleted:
            stored.pop(key, None)
        stored.update(self._changed)
        return stored

    def write_if_unchanged(self) -> bool:
        """Write the whole session if the store still holds what this request loaded; tell whether it did.

        An engine that can compare and write in one atomic step saves the common case, no concurrent
        writer, without the lock; when it answers False the merge under the lock runs instead.
        """
        return False

    def session_lock(self) -> AbstractContextManager[Any]:
        """Return a context manager that holds this session's write lock."""
        raise NotImplementedError

    def load_stored(self) -> dict[str, Any] | None:
        """Return the stored dictionary, read past any cache, or None when it is gone or expired."""
        raise NotImplementedError
