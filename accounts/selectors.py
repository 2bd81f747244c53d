"""Reads of users."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from sessions_api import snapshots
from sessions_api.backends.base import engine_of
from sessions_api.models import UserSession


def session_user_get(*, session: SessionBase, entry_id: Any, user_id: Any) -> tuple[UserSession | None, Any]:
    """Return a session's registry entry and its user: those its engine read with it, else from the copies."""
    if not isinstance(entry_id, str) or not entry_id:
        return None, None
    rows = engine_of(session).auth_rows(entry_id, user_id)
    return rows if rows is not None else snapshots.auth_rows(entry_id=entry_id, user_id=user_id)


def user_session_auth_hash(*, user: Any) -> str:
    """Return the HMAC of the user's password hash that signed-in sessions hold."""
    return snapshots.session_auth_hash(user)
