"""Reads of users."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from sessions_api import snapshots
from sessions_api.models import UserSession


def user_get(*, user_id: Any) -> Any:
    """Return the user with this id, or None."""
    return get_user_model()._default_manager.filter(pk=user_id).first()


def session_user_get(
    *,
    entry_id: Any,
    user_id: Any,
    prefetched: snapshots.Prefetched | None = None,
    joined: snapshots.Joined | None = None,
) -> tuple[UserSession | None, Any]:
    """Return a session's registry entry and its user: one Redis round trip when both are cached.

    No round trip of its own when the session engine read both with the session: their copies
    (``prefetched``, the ``cache`` engine) or their rows (``joined``: the row's entry id, the entry and
    its user, the ``db`` engines), each used only when it is of the entry asked for.
    """
    if not isinstance(entry_id, str) or not entry_id:
        return None, None
    if joined is not None and joined[0] == entry_id:
        return joined[1], joined[2]
    requests = [snapshots.entry_request(entry_id), snapshots.user_request(user_id)]
    entry, user = snapshots.get_many(requests, prefetched)
    return snapshots.entry_from(entry), snapshots.user_from(user)


def user_session_auth_hash(*, user: Any) -> str:
    """Return the HMAC of the user's password hash that signed-in sessions hold (the cached one if any)."""
    return getattr(user, "_snapshot_auth_hash", None) or user.get_session_auth_hash()
